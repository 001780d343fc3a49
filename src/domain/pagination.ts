import { z } from 'zod';

/** A forward page of a keyset-paginated list. Cursors are opaque to clients. */
export interface Page<T> {
  items: { node: T; cursor: string }[];
  hasNextPage: boolean;
}

export interface PageRequest {
  first: number;
  after?: string | null;
}

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

export function encodeCursor(parts: (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** Returns null for a cursor that is not one of ours. */
export function decodeCursor<T extends z.ZodTypeAny>(cursor: string, shape: T): z.infer<T> | null {
  try {
    const parsed = shape.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Fetch one row more than asked to learn whether another page exists. */
export function toPage<R, T>(rows: R[], first: number, map: (r: R) => T, cursorOf: (r: R) => string): Page<T> {
  const slice = rows.slice(0, first);
  return { items: slice.map((r) => ({ node: map(r), cursor: cursorOf(r) })), hasNextPage: rows.length > first };
}

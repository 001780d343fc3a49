import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type Page, type PageRequest } from '../domain/pagination.js';
import { badInput } from './errors.js';

interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** Relay connection arguments to a forward page request; lists are newest or A-Z first. */
export function pageRequest(args: ConnectionArgs): PageRequest {
  if (args.last != null || args.before != null) {
    throw badInput('backward pagination (last/before) is not supported; page forward with first/after', 'last');
  }
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput(`first must be between 1 and ${MAX_PAGE_SIZE}`, 'first');
  }
  return { first, after: args.after ?? null };
}

/** The `first` of a plain (non-connection) list: `fallback` when absent, else 1..max. */
export function listLimit(first: number | null | undefined, fallback: number, max: number): number {
  const limit = first ?? fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw badInput(`first must be between 1 and ${max}`, 'first');
  return limit;
}

export function toConnection<T>(page: Page<T>) {
  return {
    edges: page.items,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: false,
      startCursor: page.items[0]?.cursor ?? null,
      endCursor: page.items.at(-1)?.cursor ?? null,
    },
  };
}

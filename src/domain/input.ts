import type { z } from 'zod';
import type { DomainError } from './domain-error.js';

/**
 * Parses service input with a zod schema; the first problem becomes the area's own error,
 * naming the field, so the GraphQL edge can report it as bad user input.
 */
export function parseInput<T extends z.ZodTypeAny>(
  schema: T,
  input: unknown,
  toError: (message: string, field: string) => DomainError,
): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.');
  throw toError(`${field || 'input'}: ${issue.message}`, field);
}

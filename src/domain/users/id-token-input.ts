import { z } from 'zod';
import { ID_TOKEN_STATUSES, ID_TOKEN_TYPES, type IdTokenType } from './id-token.entity.js';
import { IMPORT_MAX_REPORTED_ERRORS, type ImportLineError } from './id-token-import.js';
import { tokenValueOf } from './id-token-value.js';
import { UsersError } from './users.errors.js';

// What callers send to the id token service, and how it is refused.

const optionalText = (max: number) => z.string().trim().max(max).nullish();
const concurrency = z.number().int().min(0).max(1000).nullish();

export const issueInput = z.object({
  value: z.string().max(100),
  type: z.enum(ID_TOKEN_TYPES).default('RFID'),
  userId: z.string().uuid().nullish(),
  organisationId: z.string().uuid().nullish(),
  expiresAt: z.date().nullish(),
  parentIdTag: z.string().max(100).nullish(),
  label: optionalText(100),
  printedNumber: optionalText(64),
  maxConcurrentSessions: concurrency,
});

export const updateInput = z.object({
  status: z.enum(ID_TOKEN_STATUSES).optional(),
  expiresAt: z.date().nullish(),
  parentIdTag: z.string().max(100).nullish(),
  label: optionalText(100),
  userId: z.string().uuid().nullish(),
  printedNumber: optionalText(64),
  maxConcurrentSessions: concurrency,
});

export const claimInput = z.object({ printedNumber: z.string().trim().min(1).max(64), uid: z.string().max(100) });

export type IssueIdTokenInput = z.input<typeof issueInput>;
export type UpdateIdTokenInput = z.input<typeof updateInput>;
export const renameInput = z.object({ label: optionalText(100) });

export function checkedValue(type: IdTokenType, raw: string, field: string): { value: string; lookupKey: string } {
  const parsed = tokenValueOf(type, raw);
  if (!parsed.ok) throw invalidToken(`${field}: ${parsed.reason}`, field);
  return parsed;
}

export function importRefused(errors: ImportLineError[]): UsersError {
  const lines = errors.filter((e) => e.line > 0).length;
  const summary = lines > 0 ? `${lines} line${lines === 1 ? ' is' : 's are'} invalid` : errors[0]!.message;
  return new UsersError('INVALID_ID_TOKEN_IMPORT', `${summary}; nothing was imported`, {
    field: 'csv',
    errors: errors.slice(0, IMPORT_MAX_REPORTED_ERRORS),
    errorCount: errors.length,
  });
}

export const invalidToken = (message: string, field: string) =>
  new UsersError('INVALID_ID_TOKEN_INPUT', message, { field });

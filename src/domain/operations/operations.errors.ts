import { DomainError } from '../domain-error.js';

export type OperationsErrorCode =
  | 'STATION_OFFLINE'
  | 'STATION_TIMEOUT'
  | 'STATION_ERROR'
  | 'COMMAND_NOT_SUPPORTED'
  | 'INVALID_COMMAND_INPUT'
  | 'ID_TAG_NOT_ACCEPTED'
  | 'CONFIGURATION_KEY_READ_ONLY'
  | 'SESSION_NOT_ACTIVE'
  | 'RESERVATION_NOT_FOUND'
  | 'RESERVATION_CONFLICT'
  | 'RESERVATION_NOT_ACTIVE'
  | 'LOCAL_LIST_NOT_SYNCED'
  // The caller may use the command, but not like this (a driver naming an idTag or someone else's token).
  | 'COMMAND_FORBIDDEN';

export class OperationsError extends DomainError<OperationsErrorCode> {
  readonly area = 'operations';
}

/** Bad input to a command, naming the field. */
export const invalidCommand = (message: string, field: string) =>
  new OperationsError('INVALID_COMMAND_INPUT', message, { field });

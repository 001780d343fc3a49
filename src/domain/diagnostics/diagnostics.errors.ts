import { DomainError } from '../domain-error.js';

export type DiagnosticsErrorCode =
  | 'DIAGNOSTICS_REQUEST_NOT_FOUND'
  | 'DIAGNOSTICS_FILE_NOT_FOUND'
  | 'INVALID_DIAGNOSTICS_INPUT'
  | 'DIAGNOSTICS_UPLOAD_FORBIDDEN'
  | 'DIAGNOSTICS_UPLOAD_TOO_LARGE';

export class DiagnosticsError extends DomainError<DiagnosticsErrorCode> {
  readonly area = 'diagnostics';
}

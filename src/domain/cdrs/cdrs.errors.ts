import { DomainError } from '../domain-error.js';

export type CdrsErrorCode = 'CDR_NOT_FOUND' | 'INVALID_CDR_INPUT' | 'CDR_ALREADY_CREDITED';

export class CdrsError extends DomainError<CdrsErrorCode> {
  readonly area = 'cdrs';
}

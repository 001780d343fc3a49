import { DomainError } from '../domain-error.js';

export type AccessErrorCode = 'ACCESS_GRANT_NOT_FOUND' | 'ACCESS_SUBJECT_NOT_FOUND' | 'INVALID_ACCESS_INPUT';

export class AccessError extends DomainError<AccessErrorCode> {
  readonly area = 'access';
}

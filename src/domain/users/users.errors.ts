import { DomainError } from '../domain-error.js';

export type UsersErrorCode =
  | 'USER_NOT_FOUND'
  | 'EMAIL_TAKEN'
  | 'ID_TOKEN_NOT_FOUND'
  | 'ID_TOKEN_TAKEN'
  | 'INVALID_ID_TOKEN_INPUT'
  | 'INVALID_USER_INPUT'
  // A bulk import with bad lines; `details.errors` lists them by line number.
  | 'INVALID_ID_TOKEN_IMPORT'
  | 'ID_TOKEN_ALREADY_CLAIMED'
  // The card exists but may not be claimed now (blocked, lost, expired).
  | 'ID_TOKEN_NOT_CLAIMABLE'
  | 'ID_TOKEN_CLAIM_RATE_LIMITED'
  | 'FORBIDDEN';

export class UsersError extends DomainError<UsersErrorCode> {
  readonly area = 'users';
}

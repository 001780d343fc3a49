import { DomainError } from '../domain-error.js';

export type UsersErrorCode =
  | 'USER_NOT_FOUND'
  | 'EMAIL_TAKEN'
  | 'ID_TOKEN_NOT_FOUND'
  | 'ID_TOKEN_TAKEN'
  | 'INVALID_ID_TOKEN_INPUT'
  | 'INVALID_USER_INPUT';

export class UsersError extends DomainError<UsersErrorCode> {
  readonly area = 'users';
}

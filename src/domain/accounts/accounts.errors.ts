import { DomainError } from '../domain-error.js';

export type AccountsErrorCode =
  | 'INVALID_CREDENTIALS'
  | 'INVALID_ACCESS_TOKEN'
  | 'INVALID_REFRESH_TOKEN'
  | 'INVALID_RESET_TOKEN'
  | 'INVALID_API_KEY'
  | 'RATE_LIMITED'
  | 'INVALID_ACCOUNT_INPUT'
  | 'ACCOUNT_EMAIL_TAKEN'
  | 'API_KEY_NOT_FOUND'
  | 'ORGANISATION_NOT_FOUND'
  | 'ORGANISATION_NAME_TAKEN'
  | 'FORBIDDEN';

export class AccountsError extends DomainError<AccountsErrorCode> {
  readonly area = 'accounts';
}

import { DomainError } from '../domain-error.js';

export type SessionsErrorCode = 'SESSION_NOT_FOUND' | 'INVALID_SESSION_QUERY';

export class SessionsError extends DomainError<SessionsErrorCode> {
  readonly area = 'sessions';
}

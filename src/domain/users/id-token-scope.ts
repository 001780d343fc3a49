import { refId } from '../../db/ref.js';
import { visibleRowsWhere, type Visibility } from '../accounts/viewer.js';
import type { Caller } from '../caller.js';
import { isUuid } from '../ids.js';
import type { IdToken } from './id-token.entity.js';
import { invalidToken } from './id-token-input.js';
import { UsersError } from './users.errors.js';

// Which tokens a caller reaches: drivers their own, operators those their organisation issued,
// admins all; any other token is not found. And which callers may issue or own tokens.

/** The rule as a condition on id_token rows. */
export function visibleTokensWhere(visibility: Visibility): Record<string, unknown> {
  return visibleRowsWhere(visibility, { organisation: 'organisation', driver: 'user' });
}

/** The same rule for a token already loaded. */
export function seesToken(visibility: Visibility, token: IdToken): boolean {
  switch (visibility.kind) {
    case 'all':
      return true;
    case 'organisation':
      return refId(token.organisation) === visibility.organisationId;
    case 'driver':
      return refId(token.user) === visibility.userId;
    case 'none':
      return false;
  }
}

// The organisation a staff caller issues for: an operator's own; an admin's choice (or none).
export function issuerOf(caller: Caller, requested: string | null): string | null {
  const v = caller.visibility;
  if (v.kind === 'organisation') return v.organisationId;
  if (v.kind === 'all') {
    if (requested !== null && !isUuid(requested)) throw invalidToken('organisationId: not an id', 'organisationId');
    return requested;
  }
  throw new UsersError('FORBIDDEN', 'only operators and admins issue tokens');
}

export function requireStaff(caller: Caller): void {
  if (caller.visibility.kind !== 'all' && caller.visibility.kind !== 'organisation') {
    throw new UsersError('FORBIDDEN', 'only operators and admins may do this');
  }
}

export function requireDriver(caller: Caller): string {
  if (caller.visibility.kind !== 'driver') throw new UsersError('FORBIDDEN', 'only a driver has tokens of their own');
  return caller.visibility.userId;
}

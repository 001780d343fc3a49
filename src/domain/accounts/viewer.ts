import type { Actor } from '../caller.js';
import { roleGrants, type ApiKeyScope, type Permission, type Role } from './permissions.js';

/** The authenticated caller of the API: a person with a role, or a partner app's key. */
export type Viewer =
  | { kind: 'user'; userId: string; role: Role; organisationId: string | null; label: string }
  | { kind: 'apiKey'; apiKeyId: string; organisationId: string; scopes: readonly ApiKeyScope[]; label: string };

/**
 * Which rows a viewer may see. Services filter by it, so a driver's query can only ever
 * reach their own rows and an operator's only their organisation's.
 */
export type Visibility =
  | { kind: 'all' }
  | { kind: 'organisation'; organisationId: string }
  | { kind: 'driver'; userId: string }
  | { kind: 'none' };

export const ALL: Visibility = { kind: 'all' };

export function visibilityOf(viewer: Viewer | null | undefined): Visibility {
  if (!viewer) return { kind: 'none' };
  if (viewer.kind === 'apiKey') return { kind: 'organisation', organisationId: viewer.organisationId };
  switch (viewer.role) {
    case 'ADMIN':
      return ALL;
    case 'OPERATOR':
      return viewer.organisationId ? { kind: 'organisation', organisationId: viewer.organisationId } : { kind: 'none' };
    case 'DRIVER':
      return { kind: 'driver', userId: viewer.userId };
  }
}

export function viewerCan(viewer: Viewer | null | undefined, permission: Permission): boolean {
  if (!viewer) return false;
  if (viewer.kind === 'apiKey') return (viewer.scopes as readonly Permission[]).includes(permission);
  return roleGrants(viewer.role, permission);
}

export function actorOf(viewer: Viewer): Actor {
  return viewer.kind === 'user'
    ? { label: viewer.label, userId: viewer.userId }
    : { label: `api key ${viewer.label}`, userId: null, apiKeyId: viewer.apiKeyId };
}

/**
 * The same rule as a condition on rows: an organisation's where `rows.organisation` names it, a
 * driver's where `rows.driver` names them (no driver sees rows that name none), all for admins,
 * none for anyone else. Names are ORM property paths: 'organisation', 'station.organisation'.
 */
export function visibleRowsWhere(visibility: Visibility, rows: { organisation: string; driver?: string }): Record<string, unknown> {
  switch (visibility.kind) {
    case 'all':
      return {};
    case 'organisation':
      return atPath(rows.organisation, visibility.organisationId);
    case 'driver':
      return rows.driver ? atPath(rows.driver, visibility.userId) : NO_ROWS;
    case 'none':
      return NO_ROWS;
  }
}

const NO_ROWS = { id: { $in: [] } };

// 'station.organisation' = x  ->  { station: { organisation: x } }
function atPath(path: string, value: string): Record<string, unknown> {
  let where: unknown = value;
  for (const key of path.split('.').reverse()) where = { [key]: where };
  return where as Record<string, unknown>;
}

/** Whether a row owned by `organisationId` (a station's, a token issuer's) is visible. */
export function seesOrganisation(visibility: Visibility, organisationId: string | null | undefined): boolean {
  if (visibility.kind === 'all') return true;
  return visibility.kind === 'organisation' && organisationId === visibility.organisationId;
}

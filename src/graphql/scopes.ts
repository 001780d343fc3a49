import type { AuthScopeMap } from '@pothos/plugin-scope-auth';
import type { Permission } from '../domain/accounts/permissions.js';
import { builder } from './builder.js';

type Scopes = AuthScopeMap<typeof builder.$inferSchemaTypes>;

/**
 * Any one of these permissions. A scope map names each scope once and is satisfied by any of
 * its entries, so further permissions nest under `$any`.
 */
export function anyPermission(first: Permission, ...rest: Permission[]): Scopes {
  return rest.length === 0 ? { permission: first } : { permission: first, $any: anyPermission(rest[0]!, ...rest.slice(1)) };
}

// The rules station-related types share.
/** Operator data about a station: what its staff and partner apps work with, never drivers. */
export const STATION_STAFF = anyPermission('stations:manage', 'stations:command', 'monitoring:read');
/** Diagnostics and firmware progress: those who run them and those who watch the stations. */
export const MAINTENANCE_READ = anyPermission('stations:command', 'monitoring:read');
/** A driver's own charging, or an operator's remote control. */
export const CHARGING_CONTROL = anyPermission('charging:self', 'stations:command');

/**
 * Who may do what. Roles are fixed; each grants a set of permissions, and every GraphQL
 * field names the permission it needs. API keys carry a chosen subset of the grantable ones.
 */
export const ROLES = ['DRIVER', 'OPERATOR', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  // Find stations and their live state (name, location, connectors, status).
  'stations:read',
  // Register and edit stations, set their passwords and access lists.
  'stations:manage',
  // Remote commands, configuration, diagnostics and firmware.
  'stations:command',
  // Faults, alerts, uptime, connection and command history.
  'monitoring:read',
  // Charging sessions and meter values (drivers: their own).
  'sessions:read',
  // A driver's own charging: start, stop, reserve with their own tokens.
  'charging:self',
  // Id tokens (drivers: their own).
  'tokens:read',
  // A driver's own tokens: claim a card, name, block, remove, create the app token.
  'tokens:self',
  // Issue, block and import tokens for others.
  'tokens:manage',
  // People: operators see drivers who charge at their stations and their own staff.
  'users:read',
  // Create staff accounts, change roles, issue password resets.
  'users:manage',
  'organisations:manage',
  'apiKeys:manage',
  'audit:read',
  // Billing. Tariffs, plans and billing accounts: create, edit, assign.
  'tariffs:manage',
  // Revenue, CDRs, invoices and payments of the organisation (drivers see their own via billing:self).
  'billing:read',
  // Credit notes, CDR corrections, marking invoices paid.
  'billing:manage',
  // A driver's own money: payment methods, subscriptions, invoices, receipts.
  'billing:self',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What a partner app's key may be given: organisation-level work, never a person's own. */
export const API_KEY_SCOPES = [
  'stations:read',
  'stations:manage',
  'stations:command',
  'monitoring:read',
  'sessions:read',
  'tokens:read',
  'tokens:manage',
  'users:read',
  'audit:read',
  'tariffs:manage',
  'billing:read',
  'billing:manage',
] as const satisfies readonly Permission[];

const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  DRIVER: new Set(['stations:read', 'sessions:read', 'charging:self', 'tokens:read', 'tokens:self', 'billing:self']),
  // Staff do all their organisation's work; a key can be given any of it but key management.
  OPERATOR: new Set([...API_KEY_SCOPES, 'apiKeys:manage']),
  ADMIN: new Set(PERMISSIONS.filter((p) => p !== 'charging:self' && p !== 'tokens:self' && p !== 'billing:self')),
};

export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export function roleGrants(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

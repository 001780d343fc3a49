import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const AUDIT_EVENT_KINDS = [
  'LOGIN_SUCCEEDED',
  'LOGIN_FAILED',
  'LOGIN_RATE_LIMITED',
  'SIGNED_UP',
  'LOGGED_OUT',
  'REFRESH_TOKEN_REUSED',
  'PASSWORD_CHANGED',
  'PASSWORD_RESET_REQUESTED',
  'PASSWORD_RESET_COMPLETED',
  'API_KEY_CREATED',
  'API_KEY_REVOKED',
  'API_KEY_REJECTED',
  'ID_TOKEN_BLOCKED',
  'ID_TOKEN_UNBLOCKED',
  'ID_TOKEN_CLAIMED',
  'ID_TOKENS_IMPORTED',
  'CHARGER_REFUSED',
  'STATION_PASSWORD_SET',
  'STATION_ACCESS_CHANGED',
  'USER_CREATED',
  'ROLE_CHANGED',
] as const;
export type AuditEventKind = (typeof AUDIT_EVENT_KINDS)[number];

// Security-relevant events, append-only. Operators read their organisation's; admins all.
export const AuditEventSchema = defineEntity({
  name: 'AuditEvent',
  tableName: 'audit_event',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    at: p.datetime(),
    kind: p.enum([...AUDIT_EVENT_KINDS]),
    // Who did it: a user id, an API key id, a station identity, or null for anonymous callers.
    actorUserId: p.uuid().nullable(),
    actorApiKeyId: p.uuid().nullable(),
    actorLabel: p.string().length(320).nullable(),
    // What it was about, e.g. an email, a station identity, a token value.
    subject: p.string().length(320).nullable(),
    organisationId: p.uuid().nullable(),
    remoteAddress: p.string().length(64).nullable(),
    details: p.json<Record<string, unknown>>().nullable(),
  },
  indexes: [{ properties: ['at'] }, { properties: ['organisationId', 'at'] }, { properties: ['kind', 'at'] }],
});

export type AuditEvent = InferEntity<typeof AuditEventSchema>;

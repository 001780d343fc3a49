import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { StationSchema } from '../stations/station.entity.js';
import { IdTokenSchema } from '../users/id-token.entity.js';
import { UserSchema } from '../users/user.entity.js';

export const SESSION_STATUSES = ['ACTIVE', 'COMPLETED'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

// RESERVED: a valid token refused because the connector (or, for an Authorize, every connector)
// is reserved for another token. NOT_ALLOWED_HERE: a valid token the station's access list refuses.
export const AUTHORIZATION_STATUSES = [
  'ACCEPTED',
  'BLOCKED',
  'EXPIRED',
  'INVALID',
  'CONCURRENT_TX',
  'RESERVED',
  'NOT_ALLOWED_HERE',
] as const;
export type AuthorizationStatus = (typeof AUTHORIZATION_STATUSES)[number];

export const ChargingSessionSchema = defineEntity({
  name: 'ChargingSession',
  tableName: 'charging_session',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    // The OCPP transactionId handed to the charger: from a database sequence, unique across nodes.
    transactionId: p.integer().unique(),
    station: p.manyToOne(StationSchema).deleteRule('cascade'),
    connectorId: p.integer(),
    idTag: p.string().length(64),
    idToken: p.manyToOne(IdTokenSchema).nullable().deleteRule('set null'),
    // The token's owner when the session started: whose session (and bill) it is.
    user: p.manyToOne(UserSchema).nullable().deleteRule('set null'),
    authorizationStatus: p.enum([...AUTHORIZATION_STATUSES]),
    status: p.enum([...SESSION_STATUSES]).default('ACTIVE'),
    reservationId: p.integer().nullable(),
    startedAt: p.datetime(),
    stoppedAt: p.datetime().nullable(),
    meterStartWh: p.bigint('number'),
    // The register value energy is counted from; differs from meterStartWh only for a bogus 0 start.
    baselineWh: p.bigint('number'),
    // True until a register reading confirmed or corrected a meterStart of 0 (see energy rules).
    baselineProvisional: p.boolean().default(false),
    meterStopWh: p.bigint('number').nullable(),
    lastRegisterWh: p.bigint('number').nullable(),
    lastSampleAt: p.datetime().nullable(),
    energyWh: p.bigint('number').default(0),
    stopReason: p.string().length(32).nullable(),
    // The tariff version in force when the session started: it prices the whole session,
    // however the tariff is edited meanwhile. Null: no tariff applied here.
    tariffId: p.uuid().nullable(),
    tariffVersionId: p.uuid().nullable(),
    stopIdTag: p.string().length(64).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  indexes: [
    { properties: ['station', 'startedAt'] },
    { properties: ['status'] },
    { properties: ['idTag', 'status'] },
    { properties: ['user', 'startedAt'] },
  ],
  // A retried StartTransaction (same connector, tag, time and meter) is the same session.
  uniques: [{ properties: ['station', 'connectorId', 'idTag', 'startedAt', 'meterStartWh'] }],
});

export type ChargingSession = InferEntity<typeof ChargingSessionSchema>;

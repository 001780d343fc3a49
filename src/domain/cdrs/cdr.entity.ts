import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { CostLine, VatAmount } from '../pricing/pricing.types.js';
import { CDR_KINDS } from './cdr.types.js';

// A charge detail record: written once, never updated. Money in numeric (exact), energy in Wh,
// times in seconds. The tariff snapshot is the OCPI tariff of the version that priced it, so the
// record explains itself even if the tariff is deleted.
export const CdrSchema = defineEntity({
  name: 'Cdr',
  tableName: 'cdr',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    kind: p.enum([...CDR_KINDS]),
    creditsCdrId: p.uuid().nullable(),
    // Plain ids, not relations: the record outlives what it names.
    sessionId: p.uuid(),
    transactionId: p.integer(),
    stationId: p.uuid(),
    stationIdentity: p.string().length(48),
    connectorId: p.integer(),
    organisationId: p.uuid().nullable(),
    userId: p.uuid().nullable(),
    idTokenId: p.uuid().nullable(),
    idTag: p.string().length(64),
    tariffId: p.uuid().nullable(),
    tariffVersionId: p.uuid().nullable(),
    // The plan subscription whose allowance or discount applied, if any.
    subscriptionId: p.uuid().nullable(),
    currency: p.string().length(3),
    totalExclVat: p.decimal('string').precision(18).scale(6),
    totalVat: p.decimal('string').precision(18).scale(6),
    totalInclVat: p.decimal('string').precision(18).scale(6),
    totalEnergyWh: p.bigint('number'),
    totalTimeSeconds: p.integer(),
    totalParkingSeconds: p.integer(),
    lines: p.json<CostLine[]>(),
    vatBreakdown: p.json<VatAmount[]>(),
    dataNotes: p.json<string[]>(),
    tariffSnapshot: p.json<Record<string, unknown>>().nullable(),
    ocpi: p.json<Record<string, unknown>>(),
    reason: p.string().length(500).nullable(),
    startedAt: p.datetime(),
    stoppedAt: p.datetime(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  indexes: [
    { properties: ['organisationId', 'stoppedAt'] },
    { properties: ['userId', 'stoppedAt'] },
    { properties: ['stationId', 'stoppedAt'] },
  ],
  // One priced record per session, one credit per record: a retried job cannot write two.
  uniques: [
    { name: 'cdr_one_per_session', expression: `create unique index "cdr_one_per_session" on "cdr" ("session_id") where "kind" = 'SESSION'` },
    { name: 'cdr_one_credit_each', expression: `create unique index "cdr_one_credit_each" on "cdr" ("credits_cdr_id") where "kind" = 'CREDIT'` },
  ],
});

export type Cdr = InferEntity<typeof CdrSchema>;

import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { StationSchema } from '../stations/station.entity.js';
import { ChargingSessionSchema } from './charging-session.entity.js';

// The time series of every sampled value. Written in batches by MeterSampleWriter, not through the unit of work.
// Partitioned by range of sampled_at, one partition per UTC day (see meter-partition.repository.ts);
// MikroORM does not know partitions, so the table is made by hand in a migration. The primary key
// of a partitioned table must hold the partition key, hence (id, sampledAt).
export const MeterSampleSchema = defineEntity({
  name: 'MeterSample',
  tableName: 'meter_sample',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    station: p.manyToOne(StationSchema).deleteRule('cascade'),
    session: p.manyToOne(ChargingSessionSchema).nullable().deleteRule('cascade'),
    connectorId: p.integer(),
    transactionId: p.integer().nullable(),
    sampledAt: p.datetime().primary(),
    measurand: p.string().length(64),
    phase: p.string().length(8).nullable(),
    unit: p.string().length(16).nullable(),
    context: p.string().length(32).nullable(),
    location: p.string().length(16).nullable(),
    format: p.string().length(16).nullable(),
    // The value exactly as sent (signed data can be long), and as a number where it is one.
    value: p.text(),
    numericValue: p.decimal('string').precision(20).scale(6).nullable(),
    receivedAt: p.datetime(),
  },
  indexes: [
    { properties: ['session', 'sampledAt'] },
    { properties: ['station', 'sampledAt'] },
  ],
});

export type MeterSample = InferEntity<typeof MeterSampleSchema>;

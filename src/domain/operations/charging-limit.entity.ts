import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { StationSchema } from '../stations/station.entity.js';
import { CHARGING_LIMIT_SCOPES, CHARGING_RATE_UNITS } from './command.types.js';

export const CHARGING_LIMIT_STATUSES = ['ACTIVE', 'REPLACED', 'CLEARED'] as const;
export type ChargingLimitStatus = (typeof CHARGING_LIMIT_STATUSES)[number];

// A power or current cap a station accepted. Only accepted limits are stored: the attempt
// itself is in the command history.
export const ChargingLimitSchema = defineEntity({
  name: 'ChargingLimit',
  tableName: 'charging_limit',
  properties: {
    // The charging profile id the station knows it by: from a database sequence.
    id: p.integer().primary().autoincrement(false),
    station: p.manyToOne(StationSchema).deleteRule('cascade'),
    scope: p.enum([...CHARGING_LIMIT_SCOPES]),
    connectorId: p.integer(),
    limit: p.decimal('string').precision(12).scale(1),
    unit: p.enum([...CHARGING_RATE_UNITS]),
    status: p.enum([...CHARGING_LIMIT_STATUSES]),
    setBy: p.string().length(200),
    createdAt: p.datetime().onCreate(() => new Date()),
    endedAt: p.datetime().nullable(),
  },
  indexes: [{ properties: ['station', 'status'] }],
});

export type ChargingLimit = InferEntity<typeof ChargingLimitSchema>;

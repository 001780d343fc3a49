import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { StationSchema } from './station.entity.js';

// Every StatusNotification as received, applied or not: the history uptime and faults are computed from.
export const ConnectorStatusEventSchema = defineEntity({
  name: 'ConnectorStatusEvent',
  tableName: 'connector_status_event',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    station: p.manyToOne(StationSchema).deleteRule('cascade'),
    connectorId: p.integer(),
    status: p.string().length(32),
    errorCode: p.string().length(32),
    info: p.string().length(50).nullable(),
    vendorId: p.string().length(255).nullable(),
    vendorErrorCode: p.string().length(50).nullable(),
    occurredAt: p.datetime(),
    receivedAt: p.datetime(),
    // False when a newer status was already known and this one arrived late.
    applied: p.boolean(),
  },
  indexes: [{ properties: ['station', 'connectorId', 'occurredAt'] }],
});

export type ConnectorStatusEvent = InferEntity<typeof ConnectorStatusEventSchema>;

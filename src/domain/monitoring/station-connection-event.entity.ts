import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { StationSchema } from '../stations/station.entity.js';

// Every time a station's socket came or went: the history uptime is computed from.
export const StationConnectionEventSchema = defineEntity({
  name: 'StationConnectionEvent',
  tableName: 'station_connection_event',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    station: p.manyToOne(StationSchema).deleteRule('cascade'),
    online: p.boolean(),
    // Why it went offline (ping timeout, socket closed, node restart); why online is obvious.
    reason: p.string().length(200).nullable(),
    nodeId: p.string().length(200).nullable(),
    at: p.datetime(),
  },
  indexes: [{ properties: ['station', 'at'] }],
});

export type StationConnectionEvent = InferEntity<typeof StationConnectionEventSchema>;

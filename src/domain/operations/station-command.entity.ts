import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { StationSchema } from '../stations/station.entity.js';
import { COMMAND_STATUSES, STATION_COMMAND_KINDS } from './command.types.js';

// Every command sent to a station, whatever became of it: the audit trail operators read.
export const StationCommandSchema = defineEntity({
  name: 'StationCommand',
  tableName: 'station_command',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    station: p.manyToOne(StationSchema).deleteRule('cascade'),
    command: p.enum([...STATION_COMMAND_KINDS]),
    // The protocol message as sent; null only when nothing could be sent (protocol unknown).
    protocol: p.string().length(16).nullable(),
    action: p.string().length(64).nullable(),
    payload: p.json<unknown>().nullable(),
    status: p.enum([...COMMAND_STATUSES]),
    answer: p.string().length(32).nullable(),
    response: p.json<unknown>().nullable(),
    errorCode: p.string().length(64).nullable(),
    errorDescription: p.text().nullable(),
    requestedBy: p.string().length(200),
    // No foreign key: the audit trail outlives the accounts that appear in it.
    requestedByUserId: p.uuid().nullable(),
    requestedAt: p.datetime(),
    completedAt: p.datetime().nullable(),
    durationMs: p.integer().nullable(),
  },
  indexes: [{ properties: ['station', 'requestedAt'] }],
});

export type StationCommandRecord = InferEntity<typeof StationCommandSchema>;

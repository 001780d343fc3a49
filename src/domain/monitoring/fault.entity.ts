import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { StationSchema } from '../stations/station.entity.js';

// A period during which a connector reported an error. Opened and closed by status reports;
// at most one is open per connector (StatusNotifications of a station are handled in order).
export const FaultSchema = defineEntity({
  name: 'Fault',
  tableName: 'fault',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    station: p.manyToOne(StationSchema).deleteRule('cascade'),
    connectorId: p.integer(),
    // The status reported with the error, e.g. FAULTED, or AVAILABLE for a mere warning.
    status: p.string().length(32),
    errorCode: p.string().length(32),
    info: p.string().length(50).nullable(),
    vendorId: p.string().length(255).nullable(),
    vendorErrorCode: p.string().length(50).nullable(),
    open: p.boolean().default(true),
    openedAt: p.datetime(),
    closedAt: p.datetime().nullable(),
  },
  indexes: [{ properties: ['station', 'connectorId', 'open'] }, { properties: ['openedAt'] }],
});

export type Fault = InferEntity<typeof FaultSchema>;

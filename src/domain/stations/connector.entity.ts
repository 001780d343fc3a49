import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { StationSchema } from './station.entity.js';

// Connector 0 is the station itself (OCPP 1.6 StatusNotification for connectorId 0).
export const ConnectorSchema = defineEntity({
  name: 'Connector',
  tableName: 'connector',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    station: p.manyToOne(StationSchema).deleteRule('cascade'),
    connectorId: p.integer(),
    status: p.string().length(32).default('UNKNOWN'),
    errorCode: p.string().length(32).default('NO_ERROR'),
    info: p.string().length(50).nullable(),
    vendorId: p.string().length(255).nullable(),
    vendorErrorCode: p.string().length(50).nullable(),
    // When the charger says the status began: an older report must not overwrite a newer one.
    statusAt: p.datetime().nullable(),
    // Last energy register reading seen on this connector, to spot a bogus meterStart of 0.
    lastRegisterWh: p.bigint('number').nullable(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  uniques: [{ properties: ['station', 'connectorId'] }],
});

export type Connector = InferEntity<typeof ConnectorSchema>;

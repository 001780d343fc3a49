import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { OrganisationSchema } from '../organisations/organisation.entity.js';

export const StationSchema = defineEntity({
  name: 'Station',
  tableName: 'station',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    // The OCPP charge point identity: the last path segment of the charger's WebSocket URL.
    identity: p.string().length(48).unique(),
    name: p.string().length(200),
    // The operator that owns it; null only for stations an admin keeps outside any operator.
    organisation: p.manyToOne(OrganisationSchema).nullable().deleteRule('set null'),
    // PUBLIC: any valid token may charge; RESTRICTED: only tokens the access list allows.
    accessMode: p.enum(['PUBLIC', 'RESTRICTED'] as const).default('PUBLIC'),
    // OCPP security profile the station has reached (0 none, 1 Basic auth, 2 TLS + Basic auth);
    // it may never connect with less.
    securityProfile: p.smallint().default(0),
    passwordHash: p.string().length(255).nullable(),
    address: p.string().length(500).nullable(),
    latitude: p.decimal('string').precision(9).scale(6).nullable(),
    longitude: p.decimal('string').precision(9).scale(6).nullable(),
    timeZone: p.string().length(64).default('UTC'),
    ocppProtocol: p.string().length(16).nullable(),
    vendor: p.string().length(50).nullable(),
    model: p.string().length(50).nullable(),
    serialNumber: p.string().length(50).nullable(),
    chargeBoxSerialNumber: p.string().length(50).nullable(),
    firmwareVersion: p.string().length(50).nullable(),
    iccid: p.string().length(20).nullable(),
    imsi: p.string().length(20).nullable(),
    meterType: p.string().length(50).nullable(),
    meterSerialNumber: p.string().length(50).nullable(),
    online: p.boolean().default(false),
    connectedNodeId: p.string().length(200).nullable(),
    connectedAt: p.datetime().nullable(),
    disconnectedAt: p.datetime().nullable(),
    lastSeenAt: p.datetime().nullable(),
    lastBootAt: p.datetime().nullable(),
    lastHeartbeatAt: p.datetime().nullable(),
    diagnosticsStatus: p.string().length(32).nullable(),
    diagnosticsStatusAt: p.datetime().nullable(),
    firmwareStatus: p.string().length(32).nullable(),
    firmwareStatusAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

export type Station = InferEntity<typeof StationSchema>;

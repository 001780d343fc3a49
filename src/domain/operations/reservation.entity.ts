import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { StationSchema } from '../stations/station.entity.js';
import { IdTokenSchema } from '../users/id-token.entity.js';

// PENDING: sent, no answer yet. ACTIVE: the station holds it. REJECTED: the station declined.
// FAILED: no answer (offline, timeout, error), so it never counts as held.
export const RESERVATION_STATUSES = ['PENDING', 'ACTIVE', 'USED', 'CANCELLED', 'EXPIRED', 'REJECTED', 'FAILED'] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

export const ReservationSchema = defineEntity({
  name: 'Reservation',
  tableName: 'reservation',
  properties: {
    // The reservationId the station knows it by: from a database sequence, unique across nodes.
    id: p.integer().primary().autoincrement(false),
    station: p.manyToOne(StationSchema).deleteRule('cascade'),
    // 0 reserves any connector of the station.
    connectorId: p.integer(),
    idTag: p.string().length(64),
    idToken: p.manyToOne(IdTokenSchema).nullable().deleteRule('set null'),
    parentIdTag: p.string().length(64).nullable(),
    expiresAt: p.datetime(),
    status: p.enum([...RESERVATION_STATUSES]),
    // The session that used it, by transactionId.
    transactionId: p.integer().nullable(),
    requestedBy: p.string().length(200),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  indexes: [{ properties: ['station', 'status'] }],
});

export type Reservation = InferEntity<typeof ReservationSchema>;

import type { CommandOutcome, ReservationView } from '../../domain/operations/operations.types.js';
import { RESERVATION_STATUSES } from '../../domain/operations/reservation.entity.js';
import { builder } from '../builder.js';
import { listLimit } from '../pagination.js';
import { CHARGING_CONTROL } from '../scopes.js';
import { StationRef } from './station.js';
import { CommandPayloadRef } from './station-commands.js';

// Reservations: drivers reserve at any station for their own tokens; operators at their
// organisation's stations for any token. The services decide who sees which.

const ReservationStatusEnum = builder.enumType('ReservationStatus', {
  values: RESERVATION_STATUSES,
  description:
    'PENDING: sent, not answered yet. ACTIVE: held by the station. USED: a session started with it. ' +
    'CANCELLED, EXPIRED. REJECTED: the station declined it. FAILED: the station did not answer, so it is not held.',
});

export const ReservationRef = builder.objectRef<ReservationView>('Reservation').implement({
  description: 'A connector held for one token (or its group) until a time.',
  authScopes: CHARGING_CONTROL,
  fields: (t) => ({
    id: t.exposeInt('id', { description: 'The reservationId the station knows it by.' }),
    stationIdentity: t.exposeString('stationIdentity'),
    connectorId: t.exposeInt('connectorId', { description: '0: any connector of the station.' }),
    idTag: t.exposeString('idTag'),
    parentIdTag: t.exposeString('parentIdTag', { nullable: true }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    status: t.expose('status', { type: ReservationStatusEnum }),
    transactionId: t.exposeInt('transactionId', { nullable: true, description: 'The session that used it.' }),
    requestedBy: t.exposeString('requestedBy'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const ReservationPayloadRef = builder
  .objectRef<CommandOutcome & { reservation: ReservationView }>('ReservationPayload')
  .implement({
    authScopes: CHARGING_CONTROL,
    interfaces: [CommandPayloadRef],
    fields: (t) => ({ reservation: t.field({ type: ReservationRef, resolve: (o) => o.reservation }) }),
  });

builder.objectField(StationRef, 'reservations', (t) =>
  t.field({
    type: [ReservationRef],
    description: 'Newest first.',
    args: { active: t.arg.boolean({ description: 'Only those the station holds now.' }), first: t.arg.int({ defaultValue: 50 }) },
    authScopes: { permission: 'stations:command' },
    resolve: (station, args, ctx) =>
      ctx.services.reservations.list(ctx.caller, station, { activeOnly: args.active ?? false, limit: listLimit(args.first, 50, 500) }),
  }),
);

builder.queryField('reservation', (t) =>
  t.field({
    type: ReservationRef,
    nullable: true,
    description: 'Drivers: reservations of their own tokens; operators and API keys: those at their stations. Null for any other.',
    args: { id: t.arg.int({ required: true }) },
    authScopes: CHARGING_CONTROL,
    resolve: (_root, args, ctx) => ctx.services.reservations.get(ctx.caller, args.id),
  }),
);

builder.mutationFields((t) => ({
  reserveConnector: t.field({
    type: ReservationPayloadRef,
    description:
      'Holds a connector (0: any connector) for a token until expiresAt. Only ACTIVE when the station accepted. ' +
      "Without idTag: the caller's own token. Drivers: at any station, only for their own tokens; operators: at their stations.",
    args: {
      stationIdentity: t.arg.string({ required: true }),
      connectorId: t.arg.int({ required: true }),
      idTag: t.arg.string(),
      expiresAt: t.arg({ type: 'DateTime', required: true }),
    },
    authScopes: CHARGING_CONTROL,
    resolve: (_root, args, ctx) =>
      ctx.services.reservations.reserve(ctx.caller, args.stationIdentity, {
        connectorId: args.connectorId,
        idTag: args.idTag,
        expiresAt: args.expiresAt,
      }),
  }),
  cancelReservation: t.field({
    type: ReservationPayloadRef,
    description: 'Drivers: reservations of their own tokens; operators: those at their stations (any other is NOT_FOUND).',
    args: { reservationId: t.arg.int({ required: true }) },
    authScopes: CHARGING_CONTROL,
    resolve: (_root, args, ctx) => ctx.services.reservations.cancel(ctx.caller, args.reservationId),
  }),
}));

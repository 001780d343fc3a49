import type { MeterSampleEvent, MeterValuesEvent, SessionView } from '../../domain/sessions/session.types.js';
import { AUTHORIZATION_STATUSES, SESSION_STATUSES } from '../../domain/sessions/charging-session.entity.js';
import { seesSession } from '../../domain/sessions/session-scope.js';
import { STOP_REASONS, type MeterSampleView } from '../../domain/sessions/session.types.js';
import { builder } from '../builder.js';
import { badInput } from '../errors.js';
import { listLimit, pageRequest, toConnection } from '../pagination.js';
import { filterEvents } from '../subscriptions.js';
import { IdTokenRef } from './id-token.js';
import { StationRef } from './station.js';

const SessionStatusEnum = builder.enumType('ChargingSessionStatus', { values: SESSION_STATUSES });
const AuthorizationStatusEnum = builder.enumType('AuthorizationStatus', { values: AUTHORIZATION_STATUSES });
const StopReasonEnum = builder.enumType('StopReason', { values: STOP_REASONS });

// Sessions and their meter values: drivers see their own, operators and API keys those at their
// organisation's stations, admins all. The services filter; subscriptions filter events alike.

const MeterSampleRef = builder.objectRef<MeterSampleView>('MeterSample').implement({
  description: 'One sampled value, as the charger reported it (measurand, phase, unit, context, location).',
  authScopes: { permission: 'sessions:read' },
  fields: (t) => ({
    sampledAt: t.expose('sampledAt', { type: 'DateTime' }),
    measurand: t.exposeString('measurand', { description: 'e.g. Energy.Active.Import.Register, Power.Active.Import, SoC.' }),
    phase: t.exposeString('phase', { nullable: true }),
    unit: t.exposeString('unit', { nullable: true }),
    context: t.exposeString('context', { nullable: true }),
    location: t.exposeString('location', { nullable: true }),
    format: t.exposeString('format', { nullable: true }),
    value: t.exposeString('value', { description: 'The value exactly as sent.' }),
    numericValue: t.float({
      nullable: true,
      description: 'The value as a number, when it is one.',
      resolve: (s) => (s.numericValue === null ? null : Number(s.numericValue)),
    }),
  }),
});

export const ChargingSessionRef = builder.objectRef<SessionView>('ChargingSession').implement({
  description: 'One charging transaction, from StartTransaction to StopTransaction.',
  authScopes: { permission: 'sessions:read' },
  fields: (t) => ({
    id: t.exposeID('id'),
    transactionId: t.exposeInt('transactionId', { description: 'The OCPP transactionId the charger uses.' }),
    stationIdentity: t.exposeString('stationIdentity'),
    station: t.field({
      type: StationRef,
      nullable: true,
      resolve: (s) => s.stationId,
    }),
    connectorId: t.exposeInt('connectorId'),
    userId: t.exposeID('userId', { nullable: true, description: 'The driver whose session it is.' }),
    idTag: t.exposeString('idTag', { description: 'The idTag the charger started with.' }),
    idToken: t.field({
      type: IdTokenRef,
      nullable: true,
      description: 'The token the idTag matched, if it is one we know.',
      resolve: (s) => s.idTokenId,
    }),
    authorizationStatus: t.expose('authorizationStatus', {
      type: AuthorizationStatusEnum,
      description: 'What we answered the charger when it started.',
    }),
    status: t.expose('status', { type: SessionStatusEnum }),
    reservationId: t.exposeInt('reservationId', { nullable: true }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    stoppedAt: t.expose('stoppedAt', { type: 'DateTime', nullable: true }),
    durationSeconds: t.int({
      description: 'Until stoppedAt, or until now while active.',
      resolve: (s) => Math.max(0, Math.round(((s.stoppedAt ? Date.parse(s.stoppedAt) : Date.now()) - Date.parse(s.startedAt)) / 1000)),
    }),
    meterStartWh: t.expose('meterStartWh', { type: 'WattHours' }),
    meterStopWh: t.expose('meterStopWh', { type: 'WattHours', nullable: true }),
    energyWh: t.expose('energyWh', { type: 'WattHours', description: 'Energy delivered so far, in Wh.' }),
    lastSampleAt: t.expose('lastSampleAt', { type: 'DateTime', nullable: true }),
    stopReason: t.expose('stopReason', { type: StopReasonEnum, nullable: true }),
    stopIdTag: t.exposeString('stopIdTag', { nullable: true }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    meterSamples: t.field({
      type: [MeterSampleRef],
      description: 'The session time series, oldest first.',
      args: {
        measurands: t.arg.stringList(),
        first: t.arg.int({ defaultValue: 1000 }),
      },
      resolve: (s, args, ctx) => {
        return ctx.services.sessions.samples(s.id, { measurands: args.measurands, limit: listLimit(args.first, 1000, 10_000) });
      },
    }),
  }),
});

builder.objectField(StationRef, 'sessions', (t) =>
  t.connection({
    type: ChargingSessionRef,
    description: "Newest first. Drivers: only their own.",
    args: { active: t.arg.boolean() },
    authScopes: { permission: 'sessions:read' },
    resolve: async (station, args, ctx) =>
      toConnection(
        await ctx.services.sessions.list(ctx.caller, pageRequest(args), { stationIdentity: station.identity, active: args.active }),
      ),
  }),
);

const SessionFilter = builder.inputType('ChargingSessionFilter', {
  fields: (t) => ({
    stationIdentity: t.string(),
    active: t.boolean({ description: 'true: only running sessions; false: only finished ones.' }),
    from: t.field({ type: 'DateTime', description: 'Started at or after.' }),
    to: t.field({ type: 'DateTime', description: 'Started before.' }),
    idTokenId: t.id(),
  }),
});

builder.queryFields((t) => ({
  chargingSession: t.field({
    type: ChargingSessionRef,
    nullable: true,
    description: 'Drivers: only their own sessions; operators and API keys: those at their stations. Null for any other.',
    args: { id: t.arg.id({ required: true }) },
    authScopes: { permission: 'sessions:read' },
    resolve: (_root, args, ctx) => ctx.services.sessions.get(ctx.caller, String(args.id)),
  }),
  chargingSessions: t.connection({
    type: ChargingSessionRef,
    description: 'Newest first. Drivers: their own; operators and API keys: those at their stations.',
    args: { filter: t.arg({ type: SessionFilter }) },
    authScopes: { permission: 'sessions:read' },
    resolve: async (_root, args, ctx) => {
      const f = args.filter ?? {};
      if (f.from && f.to && f.from >= f.to) throw badInput('filter.from must be before filter.to', 'filter.from');
      return toConnection(
        await ctx.services.sessions.list(ctx.caller, pageRequest(args), { ...f, idTokenId: f.idTokenId ? String(f.idTokenId) : null }),
      );
    },
  }),
}));

const LiveSampleRef = builder.objectRef<MeterSampleEvent>('LiveMeterSample').implement({
  authScopes: { permission: 'sessions:read' },
  fields: (t) => ({
    sampledAt: t.expose('sampledAt', { type: 'DateTime' }),
    measurand: t.exposeString('measurand'),
    phase: t.exposeString('phase', { nullable: true }),
    unit: t.exposeString('unit', { nullable: true }),
    context: t.exposeString('context', { nullable: true }),
    location: t.exposeString('location', { nullable: true }),
    value: t.exposeString('value'),
  }),
});

const MeterValuesEventRef = builder.objectRef<MeterValuesEvent>('MeterValuesEvent').implement({
  description: 'A batch of meter values a station sent, after it was stored.',
  authScopes: { permission: 'sessions:read' },
  fields: (t) => ({
    stationIdentity: t.exposeString('stationIdentity'),
    connectorId: t.exposeInt('connectorId'),
    sessionId: t.exposeID('sessionId', { nullable: true }),
    transactionId: t.exposeInt('transactionId', { nullable: true }),
    sessionEnergyWh: t.expose('sessionEnergyWh', { type: 'WattHours', nullable: true }),
    samples: t.field({ type: [LiveSampleRef], resolve: (e) => e.samples }),
    receivedAt: t.expose('receivedAt', { type: 'DateTime' }),
  }),
});

builder.subscriptionFields((t) => ({
  meterValuesReceived: t.field({
    type: MeterValuesEventRef,
    description:
      'Live meter values; narrowed to a station and/or a session when given. Drivers receive those of their own sessions; ' +
      'operators and API keys those of their organisation\'s stations.',
    args: { stationIdentity: t.arg.string(), sessionId: t.arg.id() },
    authScopes: { permission: 'sessions:read' },
    subscribe: (_root, args, ctx) =>
      filterEvents(
        ctx.services.events.subscribe('meter.values'),
        (e) =>
          seesSession(ctx.visibility, e) &&
          (!args.stationIdentity || e.stationIdentity === args.stationIdentity) &&
          (!args.sessionId || e.sessionId === String(args.sessionId)),
      ),
    resolve: (event) => event,
  }),
  chargingSessionUpdated: t.field({
    type: ChargingSessionRef,
    description: 'A session started, advanced (energy) or stopped. Drivers: their own sessions; operators and API keys: those at their stations.',
    args: { stationIdentity: t.arg.string() },
    authScopes: { permission: 'sessions:read' },
    subscribe: (_root, args, ctx) =>
      filterEvents(
        ctx.services.events.subscribe('session.updated'),
        (e) => seesSession(ctx.visibility, e.session) && (!args.stationIdentity || e.session.stationIdentity === args.stationIdentity),
      ),
    resolve: (event) => event.session,
  }),
}));

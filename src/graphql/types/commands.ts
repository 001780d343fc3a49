import type { Actor } from '../../domain/caller.js';
import { CHARGING_LIMIT_STATUSES } from '../../domain/operations/charging-limit.entity.js';
import {
  CHARGING_LIMIT_SCOPES,
  CHARGING_RATE_UNITS,
  COMMAND_ANSWERS,
  COMMAND_STATUSES,
  LOCAL_LIST_MODES,
  RESET_KINDS,
  STATION_COMMAND_KINDS,
  TRIGGER_MESSAGE_KINDS,
  type CommandAnswer,
  type CompositeSchedule,
  type ResultOf,
  type SchedulePeriod,
} from '../../domain/operations/command.types.js';
import type {
  ChargingLimitView,
  CommandOutcome,
  ConfigurationKeyView,
  LocalListView,
  ReservationView,
  StationCommandView,
} from '../../domain/operations/operations.types.js';
import { RESERVATION_STATUSES } from '../../domain/operations/reservation.entity.js';
import { builder } from '../builder.js';
import { operatesStation } from '../../domain/stations/station-scope.js';
// TODO(reshape): the services decide this; being moved out of the resolvers.
const operates = (ctx: { visibility: import('../../domain/accounts/viewer.js').Visibility }, s: { organisationId: string | null }) => operatesStation(ctx.visibility, s.organisationId);
import type { GraphQLContext } from '../context.js';
import { listLimit, pageRequest, toConnection } from '../pagination.js';
import { anyPermission, CHARGING_CONTROL } from '../scopes.js';
import { StationRef } from './station.js';

// Remote control, diagnostics and maintenance: one mutation per thing an operator or app wants
// done. Each sends a command to the station, waits for its answer and returns the recorded
// command with the answer's meaning. A station that answers "no" is a result; a station that
// cannot be reached, does not answer or answers with an error is a GraphQL error
// (STATION_OFFLINE, STATION_TIMEOUT, STATION_ERROR, with extensions.commandId), and recorded.
//
// Access: every command needs stations:command and a station of the caller's organisation
// (admins: any); any other station is STATION_NOT_FOUND. A driver's own charging (charging:self)
// is the exception: startCharging at any station with their own token (never a named idTag),
// stopCharging of their own session, reservations for their own tokens.

/** Who is asking: set by authentication when there is one. */
const actorOf = (ctx: GraphQLContext): Actor => ctx.caller.actor;

const StationCommandKindEnum = builder.enumType('StationCommandKind', { values: STATION_COMMAND_KINDS });
const StationCommandStatusEnum = builder.enumType('StationCommandStatus', {
  values: COMMAND_STATUSES,
  description:
    'PENDING: sent, not answered yet. ACCEPTED / REJECTED: what the station answered. OFFLINE: not connected. ' +
    'TIMEOUT: no answer in time. CHARGER_ERROR: the station answered with an error. FAILED: an error on our side.',
});
const CommandAnswerEnum = builder.enumType('CommandAnswer', {
  values: COMMAND_ANSWERS,
  description: 'What the station answered, as precisely as it said it (e.g. SCHEDULED, REBOOT_REQUIRED, OCCUPIED).',
});
const ResetTypeEnum = builder.enumType('ResetType', {
  values: RESET_KINDS,
  description: 'SOFT: restart the software, stopping sessions gracefully. HARD: reboot the hardware.',
});
const TriggerMessageTypeEnum = builder.enumType('TriggerMessageType', { values: TRIGGER_MESSAGE_KINDS });
const LocalListUpdateModeEnum = builder.enumType('LocalListUpdateMode', {
  values: LOCAL_LIST_MODES,
  description: 'FULL: replace the list. DIFFERENTIAL: send only what changed since the last accepted update.',
});
const ChargingRateUnitEnum = builder.enumType('ChargingRateUnit', { values: CHARGING_RATE_UNITS, description: 'W: power in watts. A: current in amperes (per phase).' });
const ReservationStatusEnum = builder.enumType('ReservationStatus', {
  values: RESERVATION_STATUSES,
  description:
    'PENDING: sent, not answered yet. ACTIVE: held by the station. USED: a session started with it. ' +
    'CANCELLED, EXPIRED. REJECTED: the station declined it. FAILED: the station did not answer, so it is not held.',
});
const ChargingLimitScopeEnum = builder.enumType('ChargingLimitScope', { values: CHARGING_LIMIT_SCOPES });
const ChargingLimitStatusEnum = builder.enumType('ChargingLimitStatus', { values: CHARGING_LIMIT_STATUSES });

export const StationCommandRef = builder.objectRef<StationCommandView>('StationCommand').implement({
  description: 'A command sent to a station: who asked, when, what was sent, what came back and how long it took.',
  // Reached only as the caller's own command's result, or through station.commands (monitoring:read).
  authScopes: anyPermission('charging:self', 'stations:command', 'monitoring:read'),
  fields: (t) => ({
    id: t.exposeID('id'),
    stationIdentity: t.exposeString('stationIdentity'),
    command: t.expose('command', { type: StationCommandKindEnum }),
    protocol: t.exposeString('protocol', { nullable: true, description: 'The OCPP version it was sent in.' }),
    action: t.exposeString('action', { nullable: true, description: 'The protocol message, e.g. Reset; null when nothing could be sent.' }),
    payload: t.expose('payload', { type: 'JSON', nullable: true, description: 'The message payload exactly as sent.' }),
    status: t.expose('status', { type: StationCommandStatusEnum }),
    answer: t.expose('answer', { type: CommandAnswerEnum, nullable: true }),
    response: t.expose('response', { type: 'JSON', nullable: true, description: "The station's answer exactly as received." }),
    errorCode: t.exposeString('errorCode', { nullable: true, description: "The station's error code, for CHARGER_ERROR." }),
    errorDescription: t.exposeString('errorDescription', { nullable: true }),
    requestedBy: t.exposeString('requestedBy'),
    requestedByUserId: t.exposeID('requestedByUserId', { nullable: true }),
    requestedAt: t.expose('requestedAt', { type: 'DateTime' }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    durationMs: t.exposeInt('durationMs', { nullable: true }),
  }),
});

const ConfigurationKeyRef = builder.objectRef<ConfigurationKeyView>('ConfigurationKey').implement({
  description: 'A configuration key as the station last reported it, or as we last changed it.',
  authScopes: { permission: 'stations:command' },
  fields: (t) => ({
    key: t.exposeString('key'),
    value: t.exposeString('value', { nullable: true }),
    readonly: t.exposeBoolean('readonly', { description: 'The station does not let it be changed.' }),
    rebootRequired: t.exposeBoolean('rebootRequired', {
      description: 'A new value was accepted but takes effect only after the station reboots.',
    }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
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

const ChargingLimitRef = builder.objectRef<ChargingLimitView>('ChargingLimit').implement({
  description: "A cap on a station's (connector 0) or a connector's charging power or current that the station accepted.",
  authScopes: { permission: 'stations:command' },
  fields: (t) => ({
    profileId: t.exposeInt('profileId', { description: 'The charging profile id the station knows it by.' }),
    scope: t.expose('scope', { type: ChargingLimitScopeEnum }),
    connectorId: t.exposeInt('connectorId'),
    limit: t.exposeFloat('limit'),
    unit: t.expose('unit', { type: ChargingRateUnitEnum }),
    status: t.expose('status', { type: ChargingLimitStatusEnum }),
    setBy: t.exposeString('setBy'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true }),
  }),
});

const LocalListRef = builder.objectRef<LocalListView>('LocalAuthorizationList').implement({
  description: "The station's local authorization list as far as we know it.",
  authScopes: { permission: 'stations:command' },
  fields: (t) => ({
    version: t.exposeInt('version', { nullable: true, description: 'Null when the station has no local list support.' }),
    inSync: t.exposeBoolean('inSync', { description: 'We know its content, so a DIFFERENTIAL update is possible.' }),
    size: t.exposeInt('size', { nullable: true, description: 'Entries it holds, when known.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const SchedulePeriodRef = builder.objectRef<SchedulePeriod>('ChargingSchedulePeriod').implement({
  authScopes: { permission: 'stations:command' },
  fields: (t) => ({
    startSeconds: t.exposeInt('startSeconds', { description: 'Seconds from the start of the schedule.' }),
    limit: t.exposeFloat('limit'),
    numberPhases: t.exposeInt('numberPhases', { nullable: true }),
  }),
});

const CompositeScheduleRef = builder.objectRef<CompositeSchedule>('CompositeSchedule').implement({
  description: 'The limits a connector will charge at, combined from every profile the station holds.',
  authScopes: { permission: 'stations:command' },
  fields: (t) => ({
    connectorId: t.exposeInt('connectorId'),
    scheduleStart: t.expose('scheduleStart', { type: 'DateTime', nullable: true }),
    durationSeconds: t.exposeInt('durationSeconds', { nullable: true }),
    unit: t.expose('unit', { type: ChargingRateUnitEnum }),
    minChargingRate: t.exposeFloat('minChargingRate', { nullable: true }),
    periods: t.field({ type: [SchedulePeriodRef], resolve: (s) => s.periods }),
  }),
});

const CommandPayloadRef = builder.interfaceRef<CommandOutcome<{ answer: CommandAnswer }>>('CommandPayload').implement({
  description: 'What every command mutation returns: the recorded command and what the station answered.',
  fields: (t) => ({
    command: t.field({ type: StationCommandRef, resolve: (o) => o.command }),
    answer: t.field({ type: CommandAnswerEnum, resolve: (o) => o.result.answer }),
    accepted: t.boolean({
      description: 'The station did, or will do, what was asked (ACCEPTED, SCHEDULED, REBOOT_REQUIRED, UNLOCKED).',
      resolve: (o) => o.command.status === 'ACCEPTED',
    }),
  }),
});

const StationCommandPayloadRef = builder.objectRef<CommandOutcome>('StationCommandPayload').implement({
  authScopes: CHARGING_CONTROL,
  interfaces: [CommandPayloadRef],
  fields: () => ({}),
});

const StationConfigurationPayloadRef = builder
  .objectRef<CommandOutcome<ResultOf<'GET_CONFIGURATION'>> & { keys: ConfigurationKeyView[] }>('StationConfigurationPayload')
  .implement({
    authScopes: { permission: 'stations:command' },
    interfaces: [CommandPayloadRef],
    fields: (t) => ({
      keys: t.field({ type: [ConfigurationKeyRef], description: 'The keys the station reported, as stored.', resolve: (o) => o.keys }),
      unknownKeys: t.stringList({ description: 'Requested keys the station does not know.', resolve: (o) => o.result.unknownKeys }),
    }),
  });

const ChangeConfigurationPayloadRef = builder
  .objectRef<CommandOutcome<ResultOf<'CHANGE_CONFIGURATION'>> & { key: ConfigurationKeyView | null }>(
    'ChangeStationConfigurationPayload',
  )
  .implement({
    authScopes: { permission: 'stations:command' },
    interfaces: [CommandPayloadRef],
    fields: (t) => ({
      key: t.field({ type: ConfigurationKeyRef, nullable: true, description: 'The key as stored, when the change was accepted.', resolve: (o) => o.key }),
      rebootRequired: t.boolean({ resolve: (o) => o.result.answer === 'REBOOT_REQUIRED' }),
    }),
  });

const DataTransferPayloadRef = builder.objectRef<CommandOutcome<ResultOf<'DATA_TRANSFER'>>>('DataTransferPayload').implement({
  authScopes: { permission: 'stations:command' },
  interfaces: [CommandPayloadRef],
  fields: (t) => ({ data: t.string({ nullable: true, resolve: (o) => o.result.data }) }),
});

const LocalListVersionPayloadRef = builder
  .objectRef<CommandOutcome<ResultOf<'GET_LOCAL_LIST_VERSION'>> & { list: LocalListView }>('LocalListVersionPayload')
  .implement({
    authScopes: { permission: 'stations:command' },
    interfaces: [CommandPayloadRef],
    fields: (t) => ({
      version: t.int({ nullable: true, description: 'Null when the station has no local list support.', resolve: (o) => o.result.version }),
      list: t.field({ type: LocalListRef, resolve: (o) => o.list }),
    }),
  });

const SendLocalListPayloadRef = builder
  .objectRef<CommandOutcome<ResultOf<'SEND_LOCAL_LIST'>> & { list: LocalListView; sent: number }>('SendLocalListPayload')
  .implement({
    authScopes: { permission: 'stations:command' },
    interfaces: [CommandPayloadRef],
    fields: (t) => ({
      sent: t.int({ description: 'Entries sent (for DIFFERENTIAL: additions, changes and removals).', resolve: (o) => o.sent }),
      list: t.field({ type: LocalListRef, resolve: (o) => o.list }),
    }),
  });

const ReservationPayloadRef = builder
  .objectRef<CommandOutcome & { reservation: ReservationView }>('ReservationPayload')
  .implement({
    authScopes: CHARGING_CONTROL,
    interfaces: [CommandPayloadRef],
    fields: (t) => ({ reservation: t.field({ type: ReservationRef, resolve: (o) => o.reservation }) }),
  });

const ChargingLimitPayloadRef = builder
  .objectRef<CommandOutcome & { limit: ChargingLimitView | null }>('ChargingLimitPayload')
  .implement({
    authScopes: { permission: 'stations:command' },
    interfaces: [CommandPayloadRef],
    fields: (t) => ({
      limit: t.field({ type: ChargingLimitRef, nullable: true, description: 'The limit set or cleared, when there was one.', resolve: (o) => o.limit }),
    }),
  });

const CompositeSchedulePayloadRef = builder
  .objectRef<CommandOutcome<ResultOf<'GET_COMPOSITE_SCHEDULE'>>>('CompositeSchedulePayload')
  .implement({
    authScopes: { permission: 'stations:command' },
    interfaces: [CommandPayloadRef],
    fields: (t) => ({ schedule: t.field({ type: CompositeScheduleRef, nullable: true, resolve: (o) => o.result.schedule }) }),
  });

const listSize = (first: number | null | undefined, max = 500) => listLimit(first, 50, max);

builder.objectFields(StationRef, (t) => ({
  commands: t.connection({
    type: StationCommandRef,
    description: 'Commands sent to this station, newest first, with who asked.',
    authScopes: { permission: 'monitoring:read' },
    resolve: async (station, args, ctx) =>
      toConnection(operates(ctx, station) ? await ctx.services.commands.history(station.id, pageRequest(args)) : NO_PAGE),
  }),
  configuration: t.field({
    type: [ConfigurationKeyRef],
    description: 'Configuration keys as last read from the station (getStationConfiguration), A-Z.',
    authScopes: { permission: 'stations:command' },
    resolve: (station, _args, ctx) => (operates(ctx, station) ? ctx.services.configuration.list(station.id) : []),
  }),
  reservations: t.field({
    type: [ReservationRef],
    description: 'Newest first.',
    args: { active: t.arg.boolean({ description: 'Only those the station holds now.' }), first: t.arg.int({ defaultValue: 50 }) },
    authScopes: { permission: 'stations:command' },
    resolve: (station, args, ctx) =>
      operates(ctx, station)
        ? ctx.services.reservations.list(station.id, { activeOnly: args.active ?? false, limit: listSize(args.first) })
        : [],
  }),
  localListVersion: t.int({
    nullable: true,
    description: 'The version of its local authorization list, as last sent or reported.',
    authScopes: { permission: 'stations:command' },
    resolve: async (station, _args, ctx) => (operates(ctx, station) ? ((await ctx.services.localLists.view(station.id))?.version ?? null) : null),
  }),
  localList: t.field({
    type: LocalListRef,
    nullable: true,
    authScopes: { permission: 'stations:command' },
    resolve: (station, _args, ctx) => (operates(ctx, station) ? ctx.services.localLists.view(station.id) : null),
  }),
  chargingLimits: t.field({
    type: [ChargingLimitRef],
    description: 'Newest first.',
    args: { active: t.arg.boolean({ description: 'Only those in effect.' }), first: t.arg.int({ defaultValue: 50 }) },
    authScopes: { permission: 'stations:command' },
    resolve: (station, args, ctx) =>
      operates(ctx, station)
        ? ctx.services.chargingLimits.list(station.id, { activeOnly: args.active ?? false, limit: listSize(args.first) })
        : [],
  }),
}));

const NO_PAGE = { items: [], hasNextPage: false };

builder.queryField('reservation', (t) =>
  t.field({
    type: ReservationRef,
    nullable: true,
    description: 'Drivers: reservations of their own tokens; operators and API keys: those at their stations. Null for any other.',
    args: { id: t.arg.int({ required: true }) },
    authScopes: CHARGING_CONTROL,
    resolve: (_root, args, ctx) => ctx.services.reservations.get(args.id, ctx.visibility),
  }),
);

builder.mutationFields((t) => ({
  startCharging: t.field({
    type: StationCommandPayloadRef,
    description:
      "Asks the station to start charging for a token; without idTag, the caller's own token (an app token first). " +
      'Drivers: at any station, only with their own token (an idTag is FORBIDDEN); operators: at their stations, any token.',
    args: {
      stationIdentity: t.arg.string({ required: true }),
      connectorId: t.arg.int({ description: 'Omitted: the station picks one.' }),
      idTag: t.arg.string({ description: 'Operators only.' }),
    },
    authScopes: CHARGING_CONTROL,
    resolve: (_root, args, ctx) =>
      ctx.services.commands.startCharging(
        actorOf(ctx),
        args.stationIdentity,
        { connectorId: args.connectorId, idTag: args.idTag },
        ctx.visibility,
      ),
  }),
  stopCharging: t.field({
    type: StationCommandPayloadRef,
    description: 'Asks the station to stop a running session. Drivers: only their own (any other is NOT_FOUND).',
    args: { sessionId: t.arg.id({ required: true }) },
    authScopes: CHARGING_CONTROL,
    resolve: (_root, args, ctx) => ctx.services.commands.stopCharging(actorOf(ctx), String(args.sessionId), ctx.visibility),
  }),
  resetStation: t.field({
    type: StationCommandPayloadRef,
    args: { stationIdentity: t.arg.string({ required: true }), type: t.arg({ type: ResetTypeEnum, required: true }) },
    authScopes: { permission: 'stations:command' },
    resolve: (_root, args, ctx) => ctx.services.commands.reset(actorOf(ctx), args.stationIdentity, args.type, ctx.visibility),
  }),
  unlockConnector: t.field({
    type: StationCommandPayloadRef,
    description: 'Releases the cable lock of a connector, e.g. for a driver whose cable is stuck.',
    args: { stationIdentity: t.arg.string({ required: true }), connectorId: t.arg.int({ required: true }) },
    authScopes: { permission: 'stations:command' },
    resolve: (_root, args, ctx) =>
      ctx.services.commands.unlockConnector(actorOf(ctx), args.stationIdentity, args.connectorId, ctx.visibility),
  }),
  changeAvailability: t.field({
    type: StationCommandPayloadRef,
    description: 'Takes a connector (or with connectorId 0 the station) out of service or back. SCHEDULED: after the running session.',
    args: {
      stationIdentity: t.arg.string({ required: true }),
      connectorId: t.arg.int({ defaultValue: 0 }),
      available: t.arg.boolean({ required: true }),
    },
    authScopes: { permission: 'stations:command' },
    resolve: (_root, args, ctx) =>
      ctx.services.commands.changeAvailability(actorOf(ctx), args.stationIdentity, args.connectorId ?? 0, args.available, ctx.visibility),
  }),
  getStationConfiguration: t.field({
    type: StationConfigurationPayloadRef,
    description: 'Reads configuration keys from the station (all when keys is omitted) and stores them.',
    args: { stationIdentity: t.arg.string({ required: true }), keys: t.arg.stringList() },
    authScopes: { permission: 'stations:command' },
    resolve: (_root, args, ctx) => ctx.services.configuration.fetch(actorOf(ctx), args.stationIdentity, args.keys ?? null, ctx.visibility),
  }),
  changeStationConfiguration: t.field({
    type: ChangeConfigurationPayloadRef,
    args: {
      stationIdentity: t.arg.string({ required: true }),
      key: t.arg.string({ required: true }),
      value: t.arg.string({ required: true }),
    },
    authScopes: { permission: 'stations:command' },
    resolve: (_root, args, ctx) =>
      ctx.services.configuration.change(actorOf(ctx), args.stationIdentity, { key: args.key, value: args.value }, ctx.visibility),
  }),
  clearStationCache: t.field({
    type: StationCommandPayloadRef,
    description: "Empties the station's authorization cache.",
    args: { stationIdentity: t.arg.string({ required: true }) },
    authScopes: { permission: 'stations:command' },
    resolve: (_root, args, ctx) => ctx.services.commands.clearCache(actorOf(ctx), args.stationIdentity, ctx.visibility),
  }),
  triggerMessage: t.field({
    type: StationCommandPayloadRef,
    description: 'Asks the station to send a message now, e.g. its status or meter values.',
    args: {
      stationIdentity: t.arg.string({ required: true }),
      message: t.arg({ type: TriggerMessageTypeEnum, required: true }),
      connectorId: t.arg.int(),
    },
    authScopes: { permission: 'stations:command' },
    resolve: (_root, args, ctx) =>
      ctx.services.commands.triggerMessage(actorOf(ctx), args.stationIdentity, args.message, args.connectorId ?? null, ctx.visibility),
  }),
  sendDataTransfer: t.field({
    type: DataTransferPayloadRef,
    description: 'A vendor-specific message.',
    args: {
      stationIdentity: t.arg.string({ required: true }),
      vendorId: t.arg.string({ required: true }),
      messageId: t.arg.string(),
      data: t.arg.string(),
    },
    authScopes: { permission: 'stations:command' },
    resolve: (_root, args, ctx) =>
      ctx.services.commands.dataTransfer(
        actorOf(ctx),
        args.stationIdentity,
        { vendorId: args.vendorId, messageId: args.messageId, data: args.data },
        ctx.visibility,
      ),
  }),
  getLocalListVersion: t.field({
    type: LocalListVersionPayloadRef,
    args: { stationIdentity: t.arg.string({ required: true }) },
    authScopes: { permission: 'stations:command' },
    resolve: async (_root, args, ctx) => {
      // The local list service sends to any station it is given: only one the caller operates.
      await ctx.services.stations.requireOperated(ctx.caller, args.stationIdentity);
      return ctx.services.localLists.fetchVersion(actorOf(ctx), args.stationIdentity);
    },
  }),
  sendLocalList: t.field({
    type: SendLocalListPayloadRef,
    description: 'Sends the tokens allowed to charge at the station, so it can authorize them offline.',
    args: { stationIdentity: t.arg.string({ required: true }), mode: t.arg({ type: LocalListUpdateModeEnum, required: true }) },
    authScopes: { permission: 'stations:command' },
    resolve: async (_root, args, ctx) => {
      await ctx.services.stations.requireOperated(ctx.caller, args.stationIdentity);
      return ctx.services.localLists.send(actorOf(ctx), args.stationIdentity, args.mode);
    },
  }),
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
      ctx.services.reservations.reserve(
        actorOf(ctx),
        args.stationIdentity,
        { connectorId: args.connectorId, idTag: args.idTag, expiresAt: args.expiresAt },
        ctx.visibility,
      ),
  }),
  cancelReservation: t.field({
    type: ReservationPayloadRef,
    description: 'Drivers: reservations of their own tokens; operators: those at their stations (any other is NOT_FOUND).',
    args: { reservationId: t.arg.int({ required: true }) },
    authScopes: CHARGING_CONTROL,
    resolve: (_root, args, ctx) => ctx.services.reservations.cancel(actorOf(ctx), args.reservationId, ctx.visibility),
  }),
  setChargingLimit: t.field({
    type: ChargingLimitPayloadRef,
    description: "Caps the station's (connectorId 0) or a connector's charging power (W) or current (A), replacing our previous cap there.",
    args: {
      stationIdentity: t.arg.string({ required: true }),
      connectorId: t.arg.int({ defaultValue: 0 }),
      limit: t.arg.float({ required: true }),
      unit: t.arg({ type: ChargingRateUnitEnum, required: true }),
    },
    authScopes: { permission: 'stations:command' },
    resolve: (_root, args, ctx) =>
      ctx.services.chargingLimits.set(
        actorOf(ctx),
        args.stationIdentity,
        { connectorId: args.connectorId ?? 0, limit: args.limit, unit: args.unit },
        ctx.visibility,
      ),
  }),
  clearChargingLimit: t.field({
    type: ChargingLimitPayloadRef,
    args: { stationIdentity: t.arg.string({ required: true }), connectorId: t.arg.int({ defaultValue: 0 }) },
    authScopes: { permission: 'stations:command' },
    resolve: (_root, args, ctx) =>
      ctx.services.chargingLimits.clear(actorOf(ctx), args.stationIdentity, args.connectorId ?? 0, ctx.visibility),
  }),
  getCompositeSchedule: t.field({
    type: CompositeSchedulePayloadRef,
    description: 'The limits the station will apply on a connector (0: the station) for the coming durationSeconds.',
    args: {
      stationIdentity: t.arg.string({ required: true }),
      connectorId: t.arg.int({ defaultValue: 0 }),
      durationSeconds: t.arg.int({ required: true }),
      unit: t.arg({ type: ChargingRateUnitEnum }),
    },
    authScopes: { permission: 'stations:command' },
    resolve: (_root, args, ctx) =>
      ctx.services.chargingLimits.compositeSchedule(
        actorOf(ctx),
        args.stationIdentity,
        { connectorId: args.connectorId ?? 0, durationSeconds: args.durationSeconds, unit: args.unit },
        ctx.visibility,
      ),
  }),
}));

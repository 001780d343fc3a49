import {
  COMMAND_ANSWERS,
  COMMAND_STATUSES,
  RESET_KINDS,
  STATION_COMMAND_KINDS,
  TRIGGER_MESSAGE_KINDS,
  type CommandAnswer,
  type ResultOf,
} from '../../domain/operations/command.types.js';
import type { CommandOutcome, StationCommandView } from '../../domain/operations/operations.types.js';
import { builder } from '../builder.js';
import { pageRequest, toConnection } from '../pagination.js';
import { anyPermission, CHARGING_CONTROL } from '../scopes.js';
import { StationRef } from './station.js';

// Remote control: one mutation per thing an operator or app wants done. Each sends a command to
// the station, waits for its answer and returns the recorded command with the answer's meaning.
// A station that answers "no" is a result; a station that cannot be reached, does not answer or
// answers with an error is a GraphQL error (STATION_OFFLINE, STATION_TIMEOUT, STATION_ERROR, with
// extensions.commandId), and recorded. Every call to a station, whichever area sent it
// (configuration, reservations, local lists, charging limits, diagnostics, firmware), is in its
// command history.
//
// Access: every command needs stations:command and a station of the caller's organisation
// (admins: any); any other station is STATION_NOT_FOUND. A driver's own charging (charging:self)
// is the exception: startCharging at any station with their own token (never a named idTag),
// stopCharging of their own session, reservations for their own tokens. The services decide.

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

/** The interface every command mutation's payload implements (station-configuration.ts, reservations.ts, ...). */
export const CommandPayloadRef = builder.interfaceRef<CommandOutcome<{ answer: CommandAnswer }>>('CommandPayload').implement({
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

const DataTransferPayloadRef = builder.objectRef<CommandOutcome<ResultOf<'DATA_TRANSFER'>>>('DataTransferPayload').implement({
  authScopes: { permission: 'stations:command' },
  interfaces: [CommandPayloadRef],
  fields: (t) => ({ data: t.string({ nullable: true, resolve: (o) => o.result.data }) }),
});

builder.objectField(StationRef, 'commands', (t) =>
  t.connection({
    type: StationCommandRef,
    description: 'Commands sent to this station, newest first, with who asked.',
    authScopes: { permission: 'monitoring:read' },
    resolve: async (station, args, ctx) => toConnection(await ctx.services.commands.history(ctx.caller, station, pageRequest(args))),
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
      ctx.services.commands.startCharging(ctx.caller, args.stationIdentity, { connectorId: args.connectorId, idTag: args.idTag }),
  }),
  stopCharging: t.field({
    type: StationCommandPayloadRef,
    description: 'Asks the station to stop a running session. Drivers: only their own (any other is NOT_FOUND).',
    args: { sessionId: t.arg.id({ required: true }) },
    authScopes: CHARGING_CONTROL,
    resolve: (_root, args, ctx) => ctx.services.commands.stopCharging(ctx.caller, String(args.sessionId)),
  }),
  resetStation: t.field({
    type: StationCommandPayloadRef,
    args: { stationIdentity: t.arg.string({ required: true }), type: t.arg({ type: ResetTypeEnum, required: true }) },
    authScopes: { permission: 'stations:command' },
    resolve: (_root, args, ctx) => ctx.services.commands.reset(ctx.caller, args.stationIdentity, args.type),
  }),
  unlockConnector: t.field({
    type: StationCommandPayloadRef,
    description: 'Releases the cable lock of a connector, e.g. for a driver whose cable is stuck.',
    args: { stationIdentity: t.arg.string({ required: true }), connectorId: t.arg.int({ required: true }) },
    authScopes: { permission: 'stations:command' },
    resolve: (_root, args, ctx) => ctx.services.commands.unlockConnector(ctx.caller, args.stationIdentity, args.connectorId),
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
      ctx.services.commands.changeAvailability(ctx.caller, args.stationIdentity, args.connectorId ?? 0, args.available),
  }),
  clearStationCache: t.field({
    type: StationCommandPayloadRef,
    description: "Empties the station's authorization cache.",
    args: { stationIdentity: t.arg.string({ required: true }) },
    authScopes: { permission: 'stations:command' },
    resolve: (_root, args, ctx) => ctx.services.commands.clearCache(ctx.caller, args.stationIdentity),
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
      ctx.services.commands.triggerMessage(ctx.caller, args.stationIdentity, args.message, args.connectorId ?? null),
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
      ctx.services.commands.dataTransfer(ctx.caller, args.stationIdentity, {
        vendorId: args.vendorId,
        messageId: args.messageId,
        data: args.data,
      }),
  }),
}));

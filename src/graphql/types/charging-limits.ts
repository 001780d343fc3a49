import { CHARGING_LIMIT_STATUSES } from '../../domain/operations/charging-limit.entity.js';
import {
  CHARGING_LIMIT_SCOPES,
  CHARGING_RATE_UNITS,
  type CompositeSchedule,
  type ResultOf,
  type SchedulePeriod,
} from '../../domain/operations/command.types.js';
import type { ChargingLimitView, CommandOutcome } from '../../domain/operations/operations.types.js';
import { builder } from '../builder.js';
import { listLimit } from '../pagination.js';
import { StationRef } from './station.js';
import { CommandPayloadRef } from './station-commands.js';

// Caps on a station's or a connector's charging power or current, and the schedule the station
// will apply (stations:command).

const ChargingRateUnitEnum = builder.enumType('ChargingRateUnit', { values: CHARGING_RATE_UNITS, description: 'W: power in watts. A: current in amperes (per phase).' });
const ChargingLimitScopeEnum = builder.enumType('ChargingLimitScope', { values: CHARGING_LIMIT_SCOPES });
const ChargingLimitStatusEnum = builder.enumType('ChargingLimitStatus', { values: CHARGING_LIMIT_STATUSES });

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

builder.objectField(StationRef, 'chargingLimits', (t) =>
  t.field({
    type: [ChargingLimitRef],
    description: 'Newest first.',
    args: { active: t.arg.boolean({ description: 'Only those in effect.' }), first: t.arg.int({ defaultValue: 50 }) },
    authScopes: { permission: 'stations:command' },
    resolve: (station, args, ctx) =>
      ctx.services.chargingLimits.list(ctx.caller, station, { activeOnly: args.active ?? false, limit: listLimit(args.first, 50, 500) }),
  }),
);

builder.mutationFields((t) => ({
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
      ctx.services.chargingLimits.set(ctx.caller, args.stationIdentity, { connectorId: args.connectorId ?? 0, limit: args.limit, unit: args.unit }),
  }),
  clearChargingLimit: t.field({
    type: ChargingLimitPayloadRef,
    args: { stationIdentity: t.arg.string({ required: true }), connectorId: t.arg.int({ defaultValue: 0 }) },
    authScopes: { permission: 'stations:command' },
    resolve: (_root, args, ctx) => ctx.services.chargingLimits.clear(ctx.caller, args.stationIdentity, args.connectorId ?? 0),
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
      ctx.services.chargingLimits.compositeSchedule(ctx.caller, args.stationIdentity, {
        connectorId: args.connectorId ?? 0,
        durationSeconds: args.durationSeconds,
        unit: args.unit,
      }),
  }),
}));

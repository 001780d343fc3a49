import {
  ALERT_KINDS,
  ALERT_SEVERITIES,
  ALERT_SUBJECTS,
  type AlertView,
  type ConnectionEventView,
  type FaultView,
  type StatusEventView,
  type UptimeView,
} from '../../domain/monitoring/monitoring.types.js';
import type { ConnectorAvailability } from '../../domain/monitoring/availability.js';
import { operatesStation } from '../../domain/stations/station-scope.js';
import { builder } from '../builder.js';
import { listLimit, pageRequest, toConnection } from '../pagination.js';
import { filterEvents } from '../subscriptions.js';
import { ConnectorStatusEnum, reportedErrorFields, StationRef } from './station.js';

// Monitoring is operator data (monitoring:read): faults, alerts, connection and status history,
// uptime. Only of stations the caller operates: admins all, operators and API keys their
// organisation's. The services decide, for lists and for a station's own fields alike.

const AlertKindEnum = builder.enumType('AlertKind', { values: ALERT_KINDS });
const AlertSeverityEnum = builder.enumType('AlertSeverity', { values: ALERT_SEVERITIES });
const AlertSubjectEnum = builder.enumType('AlertSubject', { values: ALERT_SUBJECTS });

export const FaultRef = builder.objectRef<FaultView>('Fault').implement({
  description:
    'A period during which a connector reported an error: opened by a status with an error code other than NO_ERROR ' +
    '(or the FAULTED status), closed by the next status with NO_ERROR. A different error or vendor code is a new fault.',
  authScopes: { permission: 'monitoring:read' },
  fields: (t) => ({
    id: t.exposeID('id'),
    stationIdentity: t.exposeString('stationIdentity'),
    station: t.field({ type: StationRef, nullable: true, resolve: (f) => f.stationId }),
    connectorId: t.exposeInt('connectorId', { description: '0 is the station itself.' }),
    status: t.expose('status', { type: ConnectorStatusEnum, description: 'The status reported with the error.' }),
    ...reportedErrorFields(t),
    open: t.exposeBoolean('open'),
    openedAt: t.expose('openedAt', { type: 'DateTime', description: 'When the charger says the error began.' }),
    closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true }),
    durationSeconds: t.int({
      description: 'Until closedAt, or until now while open.',
      resolve: (f) => Math.max(0, Math.round(((f.closedAt ? Date.parse(f.closedAt) : Date.now()) - Date.parse(f.openedAt)) / 1000)),
    }),
  }),
});

const AlertDetailRef = builder.objectRef<{ key: string; value: string }>('AlertDetail').implement({
  authScopes: { permission: 'monitoring:read' },
  fields: (t) => ({ key: t.exposeString('key'), value: t.exposeString('value') }),
});

export const AlertRef = builder.objectRef<AlertView>('Alert').implement({
  description: 'Something an operator should know about a station. Kept, and pushed live on stationAlerts.',
  authScopes: { permission: 'monitoring:read' },
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.expose('kind', { type: AlertKindEnum }),
    severity: t.expose('severity', { type: AlertSeverityEnum }),
    stationIdentity: t.exposeString('stationIdentity'),
    station: t.field({ type: StationRef, nullable: true, resolve: (a) => a.stationId }),
    connectorId: t.exposeInt('connectorId', { nullable: true }),
    message: t.exposeString('message'),
    details: t.field({
      type: [AlertDetailRef],
      description: 'Facts behind the alert, e.g. errorCode, reason, note (FIRST_BOOT, AFTER_RESET, AFTER_FIRMWARE_UPDATE, UNEXPECTED).',
      resolve: (a) => Object.entries(a.details).map(([key, value]) => ({ key, value })),
    }),
    subjectType: t.expose('subjectType', { type: AlertSubjectEnum, nullable: true }),
    subjectId: t.exposeID('subjectId', { nullable: true }),
    fault: t.field({
      type: FaultRef,
      nullable: true,
      resolve: (a, _args, ctx) =>
        a.subjectType === 'FAULT' && a.subjectId ? ctx.services.monitoring.getFault(ctx.caller, a.subjectId) : null,
    }),
    at: t.expose('at', { type: 'DateTime' }),
  }),
});

const ConnectionEventRef = builder.objectRef<ConnectionEventView>('StationConnectionEvent').implement({
  description: 'The station connected (online) or its connection ended (offline, with the reason).',
  authScopes: { permission: 'monitoring:read' },
  fields: (t) => ({
    online: t.exposeBoolean('online'),
    reason: t.exposeString('reason', { nullable: true, description: 'e.g. "ping timeout", "socket closed (1006)", "node restarted".' }),
    at: t.expose('at', { type: 'DateTime' }),
  }),
});

const StatusEventRef = builder.objectRef<StatusEventView>('ConnectorStatusRecord').implement({
  description: 'A status report as received.',
  authScopes: { permission: 'monitoring:read' },
  fields: (t) => ({
    connectorId: t.exposeInt('connectorId'),
    status: t.expose('status', { type: ConnectorStatusEnum }),
    ...reportedErrorFields(t),
    occurredAt: t.expose('occurredAt', { type: 'DateTime', description: 'When the status began, per the charger.' }),
    receivedAt: t.expose('receivedAt', { type: 'DateTime' }),
    applied: t.exposeBoolean('applied', { description: 'False when a newer status was already known when it arrived.' }),
  }),
});

const ConnectorUptimeRef = builder.objectRef<ConnectorAvailability>('ConnectorUptime').implement({
  description: 'How a connector spent the window. The *Seconds other than chargingSeconds add up to the window.',
  authScopes: { permission: 'monitoring:read' },
  fields: (t) => ({
    connectorId: t.exposeInt('connectorId'),
    availableRatio: t.exposeFloat('availableRatio', { description: 'availableSeconds / windowSeconds.' }),
    availableSeconds: t.exposeInt('availableSeconds', { description: 'Station online and the connector serviceable: available, reserved or in use.' }),
    chargingSeconds: t.exposeInt('chargingSeconds', { description: 'Part of availableSeconds: charging or suspended.' }),
    faultedSeconds: t.exposeInt('faultedSeconds'),
    unavailableSeconds: t.exposeInt('unavailableSeconds'),
    offlineSeconds: t.exposeInt('offlineSeconds', { description: 'The station was not connected.' }),
    unknownSeconds: t.exposeInt('unknownSeconds', { description: 'Online, but no status was known yet.' }),
  }),
});

const UptimeRef = builder.objectRef<UptimeView>('StationUptime').implement({
  description: 'Uptime and availability over [from, to), computed from the connection and status histories.',
  authScopes: { permission: 'monitoring:read' },
  fields: (t) => ({
    from: t.expose('from', { type: 'DateTime' }),
    to: t.expose('to', { type: 'DateTime', description: 'The end actually measured: now, when the window reaches into the future.' }),
    windowSeconds: t.exposeInt('windowSeconds'),
    onlineSeconds: t.exposeInt('onlineSeconds'),
    onlineRatio: t.exposeFloat('onlineRatio'),
    connectors: t.field({ type: [ConnectorUptimeRef], resolve: (u) => u.connectors }),
  }),
});

const HISTORY_LIMIT = 1000;
const historyLimit = (first: number | null | undefined) => listLimit(first, 100, HISTORY_LIMIT);

builder.objectFields(StationRef, (t) => ({
  faults: t.connection({
    type: FaultRef,
    description: 'Newest first.',
    args: { open: t.arg.boolean(), connectorId: t.arg.int() },
    authScopes: { permission: 'monitoring:read' },
    resolve: async (s, args, ctx) =>
      toConnection(
        await ctx.services.monitoring.faultsOf(ctx.caller, s, pageRequest(args), { open: args.open, connectorId: args.connectorId }),
      ),
  }),
  alerts: t.connection({
    type: AlertRef,
    description: 'Newest first.',
    args: { kinds: t.arg({ type: [AlertKindEnum] }) },
    authScopes: { permission: 'monitoring:read' },
    resolve: async (s, args, ctx) =>
      toConnection(await ctx.services.monitoring.alertsOf(ctx.caller, s, pageRequest(args), { kinds: args.kinds })),
  }),
  connectionHistory: t.field({
    type: [ConnectionEventRef],
    description: 'Connections and disconnections, newest first.',
    args: { from: t.arg({ type: 'DateTime' }), to: t.arg({ type: 'DateTime' }), first: t.arg.int({ defaultValue: 100 }) },
    authScopes: { permission: 'monitoring:read' },
    resolve: (s, args, ctx) =>
      ctx.services.monitoring.connectionHistory(ctx.caller, s, { from: args.from, to: args.to, limit: historyLimit(args.first) }),
  }),
  statusHistory: t.field({
    type: [StatusEventRef],
    description: 'Every status report, newest (by the charger\'s time) first; all connectors unless one is given.',
    args: {
      connectorId: t.arg.int(),
      from: t.arg({ type: 'DateTime' }),
      to: t.arg({ type: 'DateTime' }),
      first: t.arg.int({ defaultValue: 100 }),
    },
    authScopes: { permission: 'monitoring:read' },
    resolve: (s, args, ctx) =>
      ctx.services.monitoring.statusHistory(ctx.caller, s, args.connectorId ?? null, {
        from: args.from,
        to: args.to,
        limit: historyLimit(args.first),
      }),
  }),
  uptime: t.field({
    type: UptimeRef,
    args: { from: t.arg({ type: 'DateTime', required: true }), to: t.arg({ type: 'DateTime', required: true }) },
    authScopes: { permission: 'monitoring:read' },
    resolve: (s, args, ctx) => ctx.services.monitoring.uptime(ctx.caller, s, args.from, args.to),
  }),
}));

const FaultFilter = builder.inputType('FaultFilter', {
  fields: (t) => ({
    stationIdentity: t.string(),
    connectorId: t.int(),
    open: t.boolean(),
    from: t.field({ type: 'DateTime', description: 'With `to`: faults that were open at some time in [from, to).' }),
    to: t.field({ type: 'DateTime' }),
  }),
});

const AlertFilter = builder.inputType('AlertFilter', {
  fields: (t) => ({
    stationIdentity: t.string(),
    kinds: t.field({ type: [AlertKindEnum] }),
    severities: t.field({ type: [AlertSeverityEnum] }),
    from: t.field({ type: 'DateTime', description: 'Raised at or after.' }),
    to: t.field({ type: 'DateTime', description: 'Raised before.' }),
  }),
});

builder.queryFields((t) => ({
  fault: t.field({
    type: FaultRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    authScopes: { permission: 'monitoring:read' },
    resolve: (_root, args, ctx) => ctx.services.monitoring.getFault(ctx.caller, String(args.id)),
  }),
  faults: t.connection({
    type: FaultRef,
    description: 'Open and past faults of the stations the caller operates, newest first.',
    args: { filter: t.arg({ type: FaultFilter }) },
    authScopes: { permission: 'monitoring:read' },
    resolve: async (_root, args, ctx) =>
      toConnection(await ctx.services.monitoring.faults(ctx.caller, pageRequest(args), args.filter ?? {})),
  }),
  alerts: t.connection({
    type: AlertRef,
    description: 'Alerts of the stations the caller operates, newest first.',
    args: { filter: t.arg({ type: AlertFilter }) },
    authScopes: { permission: 'monitoring:read' },
    resolve: async (_root, args, ctx) =>
      toConnection(await ctx.services.monitoring.alerts(ctx.caller, pageRequest(args), args.filter ?? {})),
  }),
}));

builder.subscriptionFields((t) => ({
  stationAlerts: t.field({
    type: AlertRef,
    description:
      'Alerts as they are raised: faults, offline/online, boots, firmware and diagnostics failures. ' +
      'Every station the caller operates when no identity is given.',
    args: { stationIdentity: t.arg.string(), kinds: t.arg({ type: [AlertKindEnum] }) },
    authScopes: { permission: 'monitoring:read' },
    subscribe: (_root, args, ctx) =>
      filterEvents(
        ctx.services.events.subscribe('station.alert'),
        (a) =>
          operatesStation(ctx.visibility, a.organisationId) &&
          (!args.stationIdentity || a.stationIdentity === args.stationIdentity) &&
          (!args.kinds?.length || args.kinds.includes(a.kind)),
      ),
    resolve: (alert) => alert,
  }),
}));

import type { StationStatusEvent } from '../../domain/stations/station.types.js';
import { findsStation } from '../../domain/stations/station-scope.js';
import { CONNECTOR_ERROR_CODES, CONNECTOR_STATUSES, type ConnectorErrorCode } from '../../domain/stations/station.types.js';
import type { ConnectorView, StationReportView, StationView } from '../../domain/stations/station.types.js';
import { STATION_REPORT_KINDS } from '../../domain/stations/station-report.entity.js';
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import { listLimit, pageRequest, toConnection } from '../pagination.js';
import { STATION_STAFF } from '../scopes.js';
import { filterEvents } from '../subscriptions.js';

// Everyone who may read stations finds them (drivers: every station; operators and API keys:
// their organisation's) and reads their public data: name, address, location, connectors and
// their live status. The rest is operator data, each field naming the permission it needs;
// whatever hangs off a station for operators is decided by its service from the caller.

export const ConnectorStatusEnum = builder.enumType('ConnectorStatus', { values: CONNECTOR_STATUSES });
export const ConnectorErrorCodeEnum = builder.enumType('ConnectorErrorCode', { values: CONNECTOR_ERROR_CODES });
const StationReportKindEnum = builder.enumType('StationReportKind', { values: STATION_REPORT_KINDS });
const StationStatusEventKindEnum = builder.enumType('StationStatusEventKind', {
  values: ['CONNECTOR_STATUS', 'CONNECTION', 'BOOT'] as const,
});

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** The error part of a connector's status report: the same on a connector, a status record and a fault. */
interface ReportedError {
  errorCode: ConnectorErrorCode;
  info: string | null;
  vendorId: string | null;
  vendorErrorCode: string | null;
}

export function reportedErrorFields<Shape extends ReportedError>(t: PothosSchemaTypes.ObjectFieldBuilder<Types, Shape>) {
  return {
    errorCode: t.field({ type: ConnectorErrorCodeEnum, resolve: (s) => s.errorCode }),
    info: t.string({ nullable: true, resolve: (s) => s.info }),
    vendorId: t.string({ nullable: true, resolve: (s) => s.vendorId }),
    vendorErrorCode: t.string({ nullable: true, resolve: (s) => s.vendorErrorCode }),
  };
}

export const ConnectorRef = builder.objectRef<ConnectorView>('Connector').implement({
  description: 'A connector of a station as last reported. connectorId 0 is the station itself.',
  authScopes: { permission: 'stations:read' },
  fields: (t) => ({
    connectorId: t.exposeInt('connectorId'),
    status: t.expose('status', { type: ConnectorStatusEnum }),
    ...reportedErrorFields(t),
    statusAt: t.expose('statusAt', { type: 'DateTime', nullable: true, description: 'When the charger says this status began.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const StationReportRef = builder.objectRef<StationReportView>('StationReport').implement({
  description: 'A message the station sent that is kept for operators: data transfers, diagnostics and firmware statuses.',
  authScopes: { permission: 'monitoring:read' },
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.expose('kind', { type: StationReportKindEnum }),
    status: t.exposeString('status', { nullable: true }),
    vendorId: t.exposeString('vendorId', { nullable: true }),
    messageId: t.exposeString('messageId', { nullable: true }),
    data: t.exposeString('data', { nullable: true }),
    receivedAt: t.expose('receivedAt', { type: 'DateTime' }),
  }),
});

/**
 * Station, loadable: a field of type Station may resolve to a station id, and every id asked for
 * in one response is read in one batch (a list of sessions, faults or jobs reads its stations once).
 * A station the caller does not find resolves to null.
 */
export const StationRef = builder.loadableObjectRef<StationView, string>('Station', {
  // Batched, never memoized: a subscription keeps one context for all its events, and each
  // event must show the row as it is then.
  loaderOptions: { cache: false },
  load: (ids, ctx: GraphQLContext) => ctx.services.stations.getByIds(ctx.caller, ids) as Promise<StationView[]>,
});

StationRef.implement({
  description:
    'A charging station, identified by the identity it connects with over OCPP. Drivers read its public data ' +
    '(name, address, location, time zone, connectors, online); the rest is for its operators.',
  authScopes: { permission: 'stations:read' },
  fields: (t) => ({
    id: t.exposeID('id'),
    identity: t.exposeString('identity', { description: 'The OCPP charge point identity: ws://host/ocpp/<identity>.' }),
    name: t.exposeString('name'),
    organisationId: t.exposeID('organisationId', {
      nullable: true,
      description: 'The operator that owns it; null for stations only admins manage.',
      authScopes: STATION_STAFF,
    }),
    address: t.exposeString('address', { nullable: true }),
    latitude: t.float({ nullable: true, resolve: (s) => (s.latitude === null ? null : Number(s.latitude)) }),
    longitude: t.float({ nullable: true, resolve: (s) => (s.longitude === null ? null : Number(s.longitude)) }),
    timeZone: t.exposeString('timeZone', { description: 'IANA time zone of the site, for local-time reports.' }),
    securityProfile: t.exposeInt('securityProfile', {
      authScopes: { permission: 'stations:manage' },
      description:
        'OCPP security profile the station must connect with: 0 no authentication, 1 HTTP Basic auth, 2 Basic auth over TLS. ' +
        'It rises to the highest profile the station connected with; a connection below it is refused.',
    }),
    hasPassword: t.exposeBoolean('hasPassword', {
      authScopes: { permission: 'stations:manage' },
      description: 'Whether the station has a Basic auth password (set with setStationPassword). The password itself is never shown again.',
    }),
    online: t.exposeBoolean('online', { description: 'Whether the station holds an open, live OCPP connection.' }),
    ocppProtocol: t.exposeString('ocppProtocol', { nullable: true, authScopes: STATION_STAFF }),
    connectedAt: t.expose('connectedAt', { type: 'DateTime', nullable: true, authScopes: STATION_STAFF }),
    disconnectedAt: t.expose('disconnectedAt', { type: 'DateTime', nullable: true, authScopes: STATION_STAFF }),
    lastSeenAt: t.expose('lastSeenAt', { type: 'DateTime', nullable: true, authScopes: STATION_STAFF }),
    lastBootAt: t.expose('lastBootAt', { type: 'DateTime', nullable: true, authScopes: STATION_STAFF }),
    lastHeartbeatAt: t.expose('lastHeartbeatAt', { type: 'DateTime', nullable: true, authScopes: STATION_STAFF }),
    vendor: t.exposeString('vendor', { nullable: true, authScopes: STATION_STAFF }),
    model: t.exposeString('model', { nullable: true, authScopes: STATION_STAFF }),
    serialNumber: t.exposeString('serialNumber', { nullable: true, authScopes: STATION_STAFF }),
    chargeBoxSerialNumber: t.exposeString('chargeBoxSerialNumber', { nullable: true, authScopes: STATION_STAFF }),
    firmwareVersion: t.exposeString('firmwareVersion', { nullable: true, authScopes: STATION_STAFF }),
    iccid: t.exposeString('iccid', { nullable: true, authScopes: STATION_STAFF }),
    imsi: t.exposeString('imsi', { nullable: true, authScopes: STATION_STAFF }),
    meterType: t.exposeString('meterType', { nullable: true, authScopes: STATION_STAFF }),
    meterSerialNumber: t.exposeString('meterSerialNumber', { nullable: true, authScopes: STATION_STAFF }),
    diagnosticsStatus: t.exposeString('diagnosticsStatus', { nullable: true, authScopes: STATION_STAFF }),
    diagnosticsStatusAt: t.expose('diagnosticsStatusAt', { type: 'DateTime', nullable: true, authScopes: STATION_STAFF }),
    firmwareStatus: t.exposeString('firmwareStatus', { nullable: true, authScopes: STATION_STAFF }),
    firmwareStatusAt: t.expose('firmwareStatusAt', { type: 'DateTime', nullable: true, authScopes: STATION_STAFF }),
    connectors: t.field({ type: [ConnectorRef], resolve: (s) => s.connectors }),
    reports: t.field({
      type: [StationReportRef],
      description: 'The newest reports first.',
      authScopes: { permission: 'monitoring:read' },
      args: {
        kinds: t.arg({ type: [StationReportKindEnum], required: false }),
        first: t.arg.int({ required: false, defaultValue: 50 }),
      },
      resolve: (s, args, ctx) => {
        const limit = listLimit(args.first, 50, 500);
        return ctx.services.stationTelemetry.reports(ctx.caller, s, args.kinds ?? null, limit);
      },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const StationFilter = builder.inputType('StationFilter', {
  fields: (t) => ({
    online: t.boolean(),
    search: t.string({ description: 'Matches identity or name, case-insensitive.' }),
  }),
});

builder.queryFields((t) => ({
  station: t.field({
    type: StationRef,
    nullable: true,
    description: 'Drivers find every station; operators and API keys their organisation\'s (null for any other).',
    args: { identity: t.arg.string({ required: true }) },
    authScopes: { permission: 'stations:read' },
    resolve: (_root, args, ctx) => ctx.services.stations.get(ctx.caller, args.identity),
  }),
  stations: t.connection({
    type: StationRef,
    description: 'Drivers: every station; operators and API keys: their organisation\'s.',
    args: { filter: t.arg({ type: StationFilter }) },
    authScopes: { permission: 'stations:read' },
    resolve: async (_root, args, ctx) =>
      toConnection(await ctx.services.stations.list(ctx.caller, pageRequest(args), args.filter ?? {})),
  }),
}));

const RegisterStationInput = builder.inputType('RegisterStationInput', {
  fields: (t) => ({
    identity: t.string({ required: true, description: 'Charge point identity, 1-48 of A-Z a-z 0-9 . _ ~ : @ + -' }),
    name: t.string({ required: true }),
    address: t.string(),
    latitude: t.float(),
    longitude: t.float(),
    timeZone: t.string({ description: 'IANA time zone, e.g. Europe/Berlin. Default UTC.' }),
    organisationId: t.id({
      description: "Admins: the operator that will own it (none: admins only). An operator's station is their organisation's.",
    }),
    password: t.string({
      description:
        'HTTP Basic auth password the charger will connect with (its AuthorizationKey / BasicAuthPassword): 16-40 printable ASCII. ' +
        'Without one the station connects unauthenticated, where OCPP_ALLOW_UNSECURED allows it; setStationPassword can generate one later.',
    }),
  }),
});

const UpdateStationInput = builder.inputType('UpdateStationInput', {
  fields: (t) => ({
    identity: t.string({ required: true, description: 'Which station; the identity itself cannot change.' }),
    name: t.string(),
    address: t.string(),
    latitude: t.float(),
    longitude: t.float(),
    timeZone: t.string(),
    securityProfile: t.int({
      description:
        'Require a security profile: 1 (Basic auth) or 2 (Basic auth over TLS) for a station with a password, 0 for one without. ' +
        'Lowering it lets the station connect with less again, until it next connects with more.',
    }),
  }),
});

const StationPasswordPayloadRef = builder
  .objectRef<{ station: StationView; generatedPassword: string | null }>('StationPasswordPayload')
  .implement({
    authScopes: { permission: 'stations:manage' },
    fields: (t) => ({
      station: t.field({ type: StationRef, resolve: (p) => p.station }),
      generatedPassword: t.exposeString('generatedPassword', {
        nullable: true,
        description: 'The password the server generated, shown this once; null when you gave one. Configure it in the charger now.',
      }),
    }),
  });

builder.mutationFields((t) => ({
  setStationPassword: t.field({
    type: StationPasswordPayloadRef,
    description:
      'Sets or rotates the HTTP Basic auth password of a station (OCPP security profile 1 and 2); generates one when none is given. ' +
      'Only a hash is kept; the old password stops working at once.',
    args: {
      stationIdentity: t.arg.string({ required: true }),
      password: t.arg.string({ description: '16-40 printable ASCII characters; omit to have one generated.' }),
    },
    authScopes: { permission: 'stations:manage' },
    resolve: (_root, args, ctx) =>
      ctx.services.stations.setPassword(ctx.caller, args.stationIdentity, args.password),
  }),
  registerStation: t.field({
    type: StationRef,
    description: "Operators and API keys register stations for their own organisation; admins for the one they name, or none.",
    args: { input: t.arg({ type: RegisterStationInput, required: true }) },
    authScopes: { permission: 'stations:manage' },
    resolve: (_root, { input }, ctx) => {
      const { identity, organisationId, ...rest } = input;
      return ctx.services.stations.register(ctx.caller, identity, { ...rest, organisationId: organisationId ? String(organisationId) : null });
    },
  }),
  updateStation: t.field({
    type: StationRef,
    args: { input: t.arg({ type: UpdateStationInput, required: true }) },
    authScopes: { permission: 'stations:manage' },
    resolve: (_root, { input }, ctx) => {
      const { identity, ...patch } = input;
      return ctx.services.stations.update(ctx.caller, identity, patch);
    },
  }),
}));

const StationStatusEventRef = builder.objectRef<StationStatusEvent>('StationStatusEvent').implement({
  description: 'A change of a station: a connector status, the connection going up or down, or a boot.',
  authScopes: { permission: 'stations:read' },
  fields: (t) => ({
    kind: t.expose('kind', { type: StationStatusEventKindEnum }),
    stationIdentity: t.exposeString('stationIdentity'),
    connectorId: t.exposeInt('connectorId', { nullable: true }),
    status: t.expose('status', { type: ConnectorStatusEnum, nullable: true }),
    errorCode: t.expose('errorCode', { type: ConnectorErrorCodeEnum, nullable: true }),
    info: t.exposeString('info', { nullable: true }),
    vendorErrorCode: t.exposeString('vendorErrorCode', { nullable: true }),
    online: t.exposeBoolean('online'),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
    station: t.field({
      type: StationRef,
      nullable: true,
      resolve: (e) => e.stationId,
    }),
  }),
});

builder.subscriptionFields((t) => ({
  stationStatusChanged: t.field({
    type: StationStatusEventRef,
    description:
      'Connector statuses, connection changes and boots; every station the caller finds when no identity is given ' +
      '(drivers: all; operators and API keys: their organisation\'s).',
    args: { stationIdentity: t.arg.string() },
    authScopes: { permission: 'stations:read' },
    subscribe: (_root, args, ctx) =>
      filterEvents(
        ctx.services.events.subscribe('station.status'),
        (e) => findsStation(ctx.visibility, e.organisationId) && (!args.stationIdentity || e.stationIdentity === args.stationIdentity),
      ),
    resolve: (event) => event,
  }),
}));

import { FIRMWARE_JOB_STATUSES } from '../../domain/firmware/firmware-status.js';
import { MAX_ROLLOUT_STATIONS } from '../../domain/firmware/firmware-input.js';
import type { FirmwareFileView, FirmwareJobView, FirmwareRolloutView, RolloutCounts } from '../../domain/firmware/firmware.types.js';
import { builder } from '../builder.js';
import { listLimit, pageRequest, toConnection } from '../pagination.js';
import { operatesStation } from '../../domain/stations/station-scope.js';
import { MAINTENANCE_READ } from '../scopes.js';
import { filterEvents } from '../subscriptions.js';
import { AlertRef } from './monitoring.js';
import { StationRef } from './station.js';

// Firmware files belong to an organisation (an admin's own: admins only); rollouts and jobs are
// seen by whoever operates their stations (the service decides). Uploading, using files and
// rolling out take stations:command; watching progress monitoring:read or stations:command.
// Each UpdateFirmware call is in its station's command history.

const FirmwareJobStatusEnum = builder.enumType('FirmwareJobStatus', {
  values: FIRMWARE_JOB_STATUSES,
  description:
    'SCHEDULED: created, being sent. SENT: the station accepted UpdateFirmware. DOWNLOADING ... INSTALLED and the failures: ' +
    'as the station reports them. SEND_FAILED: offline, no answer, or refused. SUPERSEDED: a newer rollout replaced it.',
});
const FirmwareProgressEnum = builder.enumType('FirmwareProgress', {
  values: ['IDLE', 'DOWNLOADING', 'DOWNLOADED', 'DOWNLOAD_FAILED', 'INSTALLING', 'INSTALLED', 'INSTALLATION_FAILED'] as const,
});

export const FirmwareFileRef = builder.objectRef<FirmwareFileView>('FirmwareFile').implement({
  description:
    'A firmware image uploaded with POST /firmware (raw body with ?fileName=, or multipart/form-data; ' +
    '`Authorization: Bearer <token or API key>`; admins may add ?organisationId=).',
  authScopes: { permission: 'stations:command' },
  fields: (t) => ({
    id: t.exposeID('id'),
    fileName: t.exposeString('fileName'),
    organisationId: t.exposeID('organisationId', { nullable: true, description: "The operator it belongs to; null: an admin's." }),
    contentType: t.exposeString('contentType', { nullable: true }),
    size: t.exposeInt('size'),
    sha256: t.exposeString('sha256'),
    uploadedAt: t.expose('uploadedAt', { type: 'DateTime' }),
    downloadUrl: t.exposeString('downloadUrl'),
  }),
});

export const FirmwareJobRef = builder.objectRef<FirmwareJobView>('FirmwareJob').implement({
  description: 'The update of one station within a rollout.',
  authScopes: MAINTENANCE_READ,
  fields: (t) => ({
    id: t.exposeID('id'),
    rolloutId: t.exposeID('rolloutId'),
    rollout: t.field({
      type: FirmwareRolloutRef,
      nullable: true,
      resolve: (j, _args, ctx) => ctx.services.firmwareRollouts.getRollout(ctx.caller, j.rolloutId),
    }),
    stationIdentity: t.exposeString('stationIdentity'),
    station: t.field({ type: StationRef, nullable: true, resolve: (j) => j.stationId }),
    status: t.expose('status', { type: FirmwareJobStatusEnum }),
    stationStatus: t.expose('stationStatus', { type: FirmwareProgressEnum, nullable: true, description: 'The last progress the station reported.' }),
    failureReason: t.exposeString('failureReason', { nullable: true }),
    sentAt: t.expose('sentAt', { type: 'DateTime', nullable: true }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const StatusCountRef = builder.objectRef<{ status: FirmwareJobView['status']; count: number }>('FirmwareJobStatusCount').implement({
  authScopes: MAINTENANCE_READ,
  fields: (t) => ({ status: t.expose('status', { type: FirmwareJobStatusEnum }), count: t.exposeInt('count') }),
});

const RolloutCountsRef = builder.objectRef<RolloutCounts>('FirmwareRolloutCounts').implement({
  authScopes: MAINTENANCE_READ,
  fields: (t) => ({
    total: t.exposeInt('total'),
    pending: t.exposeInt('pending', { description: 'SCHEDULED or SENT: no progress reported yet.' }),
    inProgress: t.exposeInt('inProgress', { description: 'DOWNLOADING, DOWNLOADED or INSTALLING.' }),
    installed: t.exposeInt('installed'),
    failed: t.exposeInt('failed', { description: 'SEND_FAILED, DOWNLOAD_FAILED or INSTALLATION_FAILED.' }),
    superseded: t.exposeInt('superseded'),
    byStatus: t.field({ type: [StatusCountRef], resolve: (c) => c.byStatus }),
  }),
});

const FirmwareRolloutRef = builder.objectRef<FirmwareRolloutView>('FirmwareRollout');
FirmwareRolloutRef.implement({
  description:
    'One updateFirmware: the same firmware sent to a list of stations, one job each. Its counts and jobs cover the stations the caller operates.',
  authScopes: MAINTENANCE_READ,
  fields: (t) => ({
    id: t.exposeID('id'),
    firmwareFile: t.field({
      type: FirmwareFileRef,
      nullable: true,
      description: "Null when the file is not the caller's organisation's.",
      resolve: (r, _args, ctx) => (r.firmwareFileId ? ctx.services.firmwareFiles.getFile(ctx.caller, r.firmwareFileId) : null),
    }),
    externalLocation: t.exposeString('externalLocation', { nullable: true }),
    retrieveAt: t.expose('retrieveAt', { type: 'DateTime' }),
    retries: t.exposeInt('retries', { nullable: true }),
    retryInterval: t.exposeInt('retryInterval', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    counts: t.field({ type: RolloutCountsRef, resolve: (r, _args, ctx) => ctx.services.firmwareRollouts.rolloutCounts(ctx.caller, r.id) }),
    jobs: t.field({
      type: [FirmwareJobRef],
      description: 'By station identity.',
      args: { status: t.arg({ type: [FirmwareJobStatusEnum] }) },
      resolve: (r, args, ctx) => ctx.services.firmwareRollouts.rolloutJobs(ctx.caller, r.id, args.status),
    }),
  }),
});

builder.objectField(StationRef, 'firmwareJobs', (t) =>
  t.field({
    type: [FirmwareJobRef],
    description: 'Newest first.',
    args: { first: t.arg.int({ defaultValue: 20 }) },
    authScopes: MAINTENANCE_READ,
    resolve: (s, args, ctx) => ctx.services.firmwareRollouts.jobsForStation(ctx.caller, s, listLimit(args.first, 20, 200)),
  }),
);

builder.objectField(AlertRef, 'firmwareJob', (t) =>
  t.field({
    type: FirmwareJobRef,
    nullable: true,
    authScopes: MAINTENANCE_READ,
    resolve: (a, _args, ctx) =>
      a.subjectType === 'FIRMWARE_JOB' && a.subjectId ? ctx.services.firmwareRollouts.getJob(ctx.caller, a.subjectId) : null,
  }),
);

builder.queryFields((t) => ({
  firmwareFile: t.field({
    type: FirmwareFileRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    authScopes: { permission: 'stations:command' },
    resolve: (_root, args, ctx) => ctx.services.firmwareFiles.getFile(ctx.caller, String(args.id)),
  }),
  firmwareFiles: t.connection({
    type: FirmwareFileRef,
    description: "Newest first: the caller's organisation's (admins: all).",
    authScopes: { permission: 'stations:command' },
    resolve: async (_root, args, ctx) => toConnection(await ctx.services.firmwareFiles.listFiles(ctx.caller, pageRequest(args))),
  }),
  firmwareRollout: t.field({
    type: FirmwareRolloutRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    authScopes: MAINTENANCE_READ,
    resolve: (_root, args, ctx) => ctx.services.firmwareRollouts.getRollout(ctx.caller, String(args.id)),
  }),
  firmwareRollouts: t.connection({
    type: FirmwareRolloutRef,
    description: 'Newest first: those with a station the caller operates.',
    authScopes: MAINTENANCE_READ,
    resolve: async (_root, args, ctx) => toConnection(await ctx.services.firmwareRollouts.listRollouts(ctx.caller, pageRequest(args))),
  }),
}));

const UpdateFirmwareInput = builder.inputType('UpdateFirmwareInput', {
  fields: (t) => ({
    stationIdentities: t.stringList({ required: true, description: `1 to ${MAX_ROLLOUT_STATIONS} stations, each once.` }),
    firmwareFileId: t.id({ description: 'A file uploaded with POST /firmware; or else' }),
    location: t.string({ description: 'an external http(s) or ftp(s) URL stations download from.' }),
    retrieveAt: t.field({ type: 'DateTime', description: 'From when stations may download; default now.' }),
    retries: t.int({ description: 'Download attempts a station may retry (0-100).' }),
    retryInterval: t.int({ description: 'Seconds between retries (0-86400).' }),
  }),
});

builder.mutationField('updateFirmware', (t) =>
  t.field({
    type: FirmwareRolloutRef,
    description:
      'Rolls firmware out to the stations: one job each, UpdateFirmware sent to all. Answers once every station answered; ' +
      'a station offline or refusing has a SEND_FAILED job. Watch progress with firmwareJobUpdated.',
    args: { input: t.arg({ type: UpdateFirmwareInput, required: true }) },
    authScopes: { permission: 'stations:command' },
    resolve: (_root, { input }, ctx) =>
      ctx.services.firmwareRollouts.rollout(ctx.caller, { ...input, firmwareFileId: input.firmwareFileId ? String(input.firmwareFileId) : null }),
  }),
);

builder.subscriptionField('firmwareJobUpdated', (t) =>
  t.field({
    type: FirmwareJobRef,
    description: 'Firmware jobs of the stations the caller operates as they move; narrowed to a rollout and/or a station when given.',
    args: { rolloutId: t.arg.id(), stationIdentity: t.arg.string() },
    authScopes: MAINTENANCE_READ,
    subscribe: (_root, args, ctx) =>
      filterEvents(
        ctx.services.events.subscribe('firmware.job'),
        (j) =>
          operatesStation(ctx.visibility, j.organisationId) &&
          (!args.rolloutId || j.rolloutId === String(args.rolloutId)) &&
          (!args.stationIdentity || j.stationIdentity === args.stationIdentity),
      ),
    resolve: (job) => job,
  }),
);

import { DIAGNOSTICS_STATUSES } from '../../domain/diagnostics/diagnostics-status.js';
import type { DiagnosticsRequestView } from '../../domain/diagnostics/diagnostics.types.js';
import { builder } from '../builder.js';
import { listLimit } from '../pagination.js';
import { MAINTENANCE_READ } from '../scopes.js';
import { AlertRef } from './monitoring.js';
import { StationRef } from './station.js';

// Diagnostics requests are those of stations the caller operates (the service decides). Reading
// them takes monitoring:read or stations:command; asking a station for its diagnostics
// stations:command, and the GetDiagnostics call is in the station's command history.

const DiagnosticsStatusEnum = builder.enumType('DiagnosticsStatus', {
  values: DIAGNOSTICS_STATUSES,
  description:
    'REQUESTED: being sent. ACCEPTED: the station named the file it will upload. NO_DIAGNOSTICS: it has none. ' +
    'UPLOADING / UPLOADED / UPLOAD_FAILED: as the station and our upload endpoint saw it. REJECTED: the station refused. ' +
    'SEND_FAILED: offline or no answer. SUPERSEDED: a newer request for the station replaced it.',
});
const DiagnosticsUploadStatusEnum = builder.enumType('DiagnosticsUploadStatus', {
  values: ['IDLE', 'UPLOADING', 'UPLOADED', 'UPLOAD_FAILED'] as const,
});

export const DiagnosticsRequestRef = builder.objectRef<DiagnosticsRequestView>('DiagnosticsRequest').implement({
  description:
    'A GetDiagnostics asked of a station. The station uploads over HTTP(S) PUT or POST (raw body or multipart/form-data) ' +
    'to a URL of this server with a token for this request; FTP is not offered.',
  authScopes: MAINTENANCE_READ,
  fields: (t) => ({
    id: t.exposeID('id'),
    stationIdentity: t.exposeString('stationIdentity'),
    station: t.field({ type: StationRef, nullable: true, resolve: (r) => r.stationId }),
    status: t.expose('status', { type: DiagnosticsStatusEnum }),
    startTime: t.expose('startTime', { type: 'DateTime', nullable: true }),
    stopTime: t.expose('stopTime', { type: 'DateTime', nullable: true }),
    fileName: t.exposeString('fileName', { nullable: true, description: 'The file name the station announced.' }),
    uploadedFileName: t.exposeString('uploadedFileName', { nullable: true, description: 'The name the upload carried, if any.' }),
    contentType: t.exposeString('contentType', { nullable: true, description: 'As the uploader declared it; downloads are always served as octet-stream.' }),
    size: t.exposeInt('size', { nullable: true, description: 'Bytes received.' }),
    sha256: t.exposeString('sha256', { nullable: true }),
    downloadUrl: t.exposeString('downloadUrl', {
      nullable: true,
      description: 'GET it with `Authorization: Bearer <token or API key>` to download the file, once uploaded.',
    }),
    stationStatus: t.expose('stationStatus', { type: DiagnosticsUploadStatusEnum, nullable: true, description: 'The last upload status the station reported.' }),
    failureReason: t.exposeString('failureReason', { nullable: true }),
    requestedAt: t.expose('requestedAt', { type: 'DateTime' }),
    uploadedAt: t.expose('uploadedAt', { type: 'DateTime', nullable: true }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.objectField(StationRef, 'diagnosticsRequests', (t) =>
  t.field({
    type: [DiagnosticsRequestRef],
    description: 'Newest first.',
    args: { first: t.arg.int({ defaultValue: 20 }) },
    authScopes: MAINTENANCE_READ,
    resolve: (s, args, ctx) => ctx.services.diagnostics.listForStation(ctx.caller, s, listLimit(args.first, 20, 200)),
  }),
);

builder.objectField(AlertRef, 'diagnosticsRequest', (t) =>
  t.field({
    type: DiagnosticsRequestRef,
    nullable: true,
    authScopes: MAINTENANCE_READ,
    resolve: (a, _args, ctx) =>
      a.subjectType === 'DIAGNOSTICS_REQUEST' && a.subjectId ? ctx.services.diagnostics.get(ctx.caller, a.subjectId) : null,
  }),
);

builder.queryField('diagnosticsRequest', (t) =>
  t.field({
    type: DiagnosticsRequestRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    authScopes: MAINTENANCE_READ,
    resolve: (_root, args, ctx) => ctx.services.diagnostics.get(ctx.caller, String(args.id)),
  }),
);

const RequestDiagnosticsInput = builder.inputType('RequestDiagnosticsInput', {
  fields: (t) => ({
    stationIdentity: t.string({ required: true }),
    startTime: t.field({ type: 'DateTime', description: 'Oldest logging to include.' }),
    stopTime: t.field({ type: 'DateTime', description: 'Latest logging to include.' }),
    retries: t.int({ description: 'Upload attempts the station may retry (0-10).' }),
    retryInterval: t.int({ description: 'Seconds between retries (0-86400).' }),
  }),
});

builder.mutationField('requestDiagnostics', (t) =>
  t.field({
    type: DiagnosticsRequestRef,
    description:
      'Asks the station to upload its diagnostics here. Answers the request once the station answered: ACCEPTED, NO_DIAGNOSTICS, ' +
      'REJECTED or SEND_FAILED (with failureReason); the upload itself follows and moves the request on.',
    args: { input: t.arg({ type: RequestDiagnosticsInput, required: true }) },
    authScopes: { permission: 'stations:command' },
    resolve: (_root, { input }, ctx) => {
      const { stationIdentity, ...rest } = input;
      return ctx.services.diagnostics.request(ctx.caller, stationIdentity, rest);
    },
  }),
);

import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { LockMode, type EntityManager, type MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { refId } from '../../db/ref.js';
import { FileTooLargeError, type FileStore, type IncomingFile } from '../../files/file-store.js';
import type { Caller } from '../caller.js';
import { cleanFileName } from '../file-name.js';
import { InFlight } from '../in-flight.js';
import { isUuid } from '../ids.js';
import { parseInput } from '../input.js';
import type { MonitoringService } from '../monitoring/monitoring.service.js';
import { isCallFailure, type CommandRunner } from '../operations/command-runner.js';
import type { Station } from '../stations/station.entity.js';
import type { AfterCommit } from '../stations/station-observer.js';
import type { StationRef, StationRepository } from '../stations/station.repository.js';
import { operatesStation } from '../stations/station-scope.js';
import type { StationTelemetry } from '../stations/station-telemetry.service.js';
import { newSecretToken, tokenMatches } from '../secret-token.js';
import { isoOrNull } from '../timestamps.js';
import { DiagnosticsRequestSchema, type DiagnosticsRequest } from './diagnostics-request.entity.js';
import {
  ATTRIBUTABLE_DIAGNOSTICS_STATUSES,
  nextDiagnosticsStatus,
  OPEN_DIAGNOSTICS_STATUSES,
  type DiagnosticsEvent,
  type DiagnosticsUploadStatus,
} from './diagnostics-status.js';
import { DiagnosticsError } from './diagnostics.errors.js';
import type { DiagnosticsRequestInput, DiagnosticsRequestView, ReportedUploadStatus } from './diagnostics.types.js';

export interface DiagnosticsServiceOptions {
  /** Base URL stations reach this server at; known once the server listens. */
  publicUrl: () => string;
  maxUploadBytes: number;
  /** How long a request's upload URL works. */
  uploadWindowMs?: number;
}

const DEFAULT_UPLOAD_WINDOW_MS = 24 * 3600_000;

const requestInput = z
  .object({
    startTime: z.date().nullish(),
    stopTime: z.date().nullish(),
    retries: z.number().int().min(0).max(10).nullish(),
    retryInterval: z.number().int().min(0).max(86_400).nullish(),
  })
  .refine((i) => !i.startTime || !i.stopTime || i.startTime < i.stopTime, { message: 'must be after startTime', path: ['stopTime'] });

export interface DiagnosticsFile {
  fileName: string;
  size: number;
  stream: Readable;
}

/**
 * GetDiagnostics with an upload location served by this system: one request per call, an upload
 * URL with a token of its own, the file kept under FILES_DIR, the request's state driven by the
 * station's answer, its notifications and the upload itself.
 */
export class DiagnosticsService {
  private readonly inFlight = new InFlight();
  private readonly uploadWindowMs: number;

  constructor(
    private readonly orm: MikroORM,
    private readonly stations: StationRepository,
    private readonly telemetry: StationTelemetry,
    private readonly monitoring: MonitoringService,
    private readonly runner: CommandRunner,
    private readonly files: FileStore,
    private readonly options: DiagnosticsServiceOptions,
  ) {
    this.uploadWindowMs = options.uploadWindowMs ?? DEFAULT_UPLOAD_WINDOW_MS;
  }

  /**
   * Creates the request, sends GetDiagnostics (recorded in the station's command history, as
   * asked by the caller) and answers the request as it then stands: ACCEPTED, NO_DIAGNOSTICS, or
   * REJECTED / SEND_FAILED with the reason. Never left REQUESTED. Only of a station the caller operates.
   */
  request(caller: Caller, identity: string, input: DiagnosticsRequestInput): Promise<DiagnosticsRequestView> {
    return this.inFlight.track(this.send(caller, identity, input));
  }

  private async send(caller: Caller, identity: string, input: DiagnosticsRequestInput): Promise<DiagnosticsRequestView> {
    const data = parseInput(requestInput, input, invalid);
    const station = await this.stations.requireOperated(identity, caller.visibility);
    const { token, hash } = newSecretToken();
    const request = await this.orm.em.fork().transactional(async (tx) => {
      // A station works on one diagnostics request at a time: a new one replaces any still open.
      for (const open of await tx.find(DiagnosticsRequestSchema, { station: station.id, status: { $in: [...OPEN_DIAGNOSTICS_STATUSES] } })) {
        open.status = nextDiagnosticsStatus(open.status, { kind: 'SUPERSEDED' });
      }
      return tx.create(DiagnosticsRequestSchema, {
        id: randomUUID(),
        station: station.id,
        status: 'REQUESTED',
        uploadTokenHash: hash,
        startTime: data.startTime ?? null,
        stopTime: data.stopTime ?? null,
        retries: data.retries ?? null,
        retryInterval: data.retryInterval ?? null,
        requestedAt: new Date(),
      });
    });

    let event: DiagnosticsEvent;
    let failureReason: string | null = null;
    const upload = `${this.options.publicUrl()}/diagnostics/${request.id}`;
    try {
      const { result } = await this.runner.run(caller, station, {
        kind: 'GET_DIAGNOSTICS',
        // The token is the upload's only credential: the command history keeps the URL without it.
        location: { url: `${upload}/${token}`, recorded: `${upload}/<token>` },
        startTime: data.startTime ?? null,
        stopTime: data.stopTime ?? null,
        retries: data.retries ?? null,
        retryIntervalSeconds: data.retryInterval ?? null,
      });
      event = { kind: 'ANSWERED', fileName: result.fileName };
    } catch (err) {
      // No usable answer: offline or silent is a send failure; an error answer is the station refusing.
      const known = isCallFailure(err);
      event = { kind: 'CALL_FAILED', rejected: known && err.code === 'STATION_ERROR' };
      failureReason = known ? err.message : 'the request could not be sent';
      if (!known) {
        await this.update(request.id, (r) => void Object.assign(r, { status: nextDiagnosticsStatus(r.status, event), failureReason })).catch(() => {});
        throw err;
      }
    }
    return this.update(request.id, (r) => {
      r.status = nextDiagnosticsStatus(r.status, event);
      if (event.kind === 'ANSWERED') r.fileName = event.fileName?.slice(0, 255) ?? null;
      if (failureReason && r.status !== 'UPLOADED') r.failureReason = failureReason.slice(0, 500);
    });
  }

  /**
   * A DiagnosticsStatusNotification. 1.6 carries no request id: it belongs to the station's latest
   * request still waiting for (or just given) its upload. The station's own word is kept in its
   * report log either way.
   */
  async recordStatus(identity: string, { status, reported }: ReportedUploadStatus): Promise<void> {
    await this.telemetry.recordReport(identity, { kind: 'DIAGNOSTICS_STATUS', status: reported });
    const latest = await this.orm.em.fork().findOne(
      DiagnosticsRequestSchema,
      {
        station: { identity },
        status: { $in: [...ATTRIBUTABLE_DIAGNOSTICS_STATUSES] },
        requestedAt: { $gte: new Date(Date.now() - this.uploadWindowMs) },
      },
      { orderBy: { requestedAt: 'desc' }, fields: ['id'] },
    );
    if (!latest) return;
    await this.update(latest.id, (r, station, tx) => {
      r.stationStatus = status;
      const next = nextDiagnosticsStatus(r.status, { kind: 'REPORTED', status, fileReceived: Boolean(r.storageKey) });
      if (next === r.status) return;
      r.status = next;
      if (next !== 'UPLOAD_FAILED') return;
      r.failureReason = failureOf(status);
      return this.monitoring.raise(tx, station, {
        kind: 'DIAGNOSTICS_FAILED',
        severity: 'WARNING',
        message: `Station ${station.identity}: diagnostics upload failed (${r.failureReason})`,
        details: { reason: r.failureReason },
        subject: { type: 'DIAGNOSTICS_REQUEST', id: r.id },
      });
    });
  }

  /**
   * A file arriving at the request's upload URL. The token is checked before the body is read
   * (`open` is called only then); the file replaces an earlier upload only once it is complete.
   */
  async receiveUpload(requestId: string, token: string, open: () => Promise<IncomingFile>): Promise<DiagnosticsRequestView> {
    if (!isUuid(requestId)) throw notFound();
    const request = await this.orm.em.fork().findOne(DiagnosticsRequestSchema, { id: requestId });
    if (!request) throw notFound();
    if (!tokenMatches(request.uploadTokenHash, token)) {
      throw new DiagnosticsError('DIAGNOSTICS_UPLOAD_FORBIDDEN', 'the upload token is not valid for this request');
    }
    if (request.requestedAt.getTime() + this.uploadWindowMs < Date.now()) {
      throw new DiagnosticsError('DIAGNOSTICS_UPLOAD_FORBIDDEN', 'the upload window of this request has closed');
    }
    const incoming = await open();
    const key = `diagnostics/${request.id}/${randomUUID()}`;
    let stored;
    try {
      stored = await this.files.save(key, incoming.content, this.options.maxUploadBytes);
    } catch (err) {
      if (err instanceof FileTooLargeError) {
        throw new DiagnosticsError('DIAGNOSTICS_UPLOAD_TOO_LARGE', `a diagnostics file may be at most ${err.maxBytes} bytes`);
      }
      throw err;
    }
    let previousKey: string | null = null;
    try {
      const view = await this.update(requestId, (r) => {
        previousKey = r.storageKey ?? null;
        Object.assign(r, {
          status: nextDiagnosticsStatus(r.status, { kind: 'FILE_RECEIVED' }),
          storageKey: key,
          size: stored.size,
          sha256: stored.sha256,
          uploadedFileName: cleanFileName(incoming.fileName),
          contentType: incoming.contentType?.slice(0, 255) ?? null,
          uploadedAt: new Date(),
          failureReason: null,
        });
      });
      if (previousKey) await this.files.remove(previousKey).catch(() => {});
      return view;
    } catch (err) {
      await this.files.remove(key).catch(() => {});
      throw err;
    }
  }

  /** The uploaded file, for someone who operates the station; not found for anyone else. */
  async openFile(caller: Caller, requestId: string): Promise<DiagnosticsFile> {
    if (!isUuid(requestId)) throw notFound();
    const request = await this.orm.em.fork().findOne(DiagnosticsRequestSchema, { id: requestId }, { populate: ['station'] });
    if (!request || !operatesStation(caller.visibility, refId(request.station.organisation))) throw notFound();
    const opened = request.storageKey ? await this.files.open(request.storageKey) : null;
    if (!opened) throw new DiagnosticsError('DIAGNOSTICS_FILE_NOT_FOUND', 'no file was uploaded for this request');
    const fileName =
      request.uploadedFileName ?? cleanFileName(request.fileName) ?? `diagnostics-${request.station.identity}-${request.requestedAt.toISOString().slice(0, 10)}.bin`;
    return { fileName, ...opened };
  }

  async get(caller: Caller, id: string): Promise<DiagnosticsRequestView | null> {
    if (!isUuid(id)) return null;
    const request = await this.orm.em.fork().findOne(DiagnosticsRequestSchema, { id }, { populate: ['station'] });
    if (!request || !operatesStation(caller.visibility, refId(request.station.organisation))) return null;
    return this.toView(request, request.station);
  }

  /** Newest first: operator data, so none for a caller who does not operate the station. */
  async listForStation(caller: Caller, station: StationRef, limit: number): Promise<DiagnosticsRequestView[]> {
    if (!operatesStation(caller.visibility, station.organisationId)) return [];
    const rows = await this.orm.em
      .fork()
      .find(DiagnosticsRequestSchema, { station: station.id }, { orderBy: [{ requestedAt: 'desc' }, { id: 'desc' }], limit, populate: ['station'] });
    return rows.map((r) => this.toView(r, r.station));
  }

  /** Lets requests being sent finish their write before the database closes. */
  close(): Promise<void> {
    return this.inFlight.drain();
  }

  // One request changed under a row lock, so the answer to our call, the station's notification
  // and the upload, racing each other, each see the others' result.
  private async update(
    id: string,
    change: (request: DiagnosticsRequest, station: Station, tx: EntityManager) => AfterCommit | void,
  ): Promise<DiagnosticsRequestView> {
    const { request, station, after } = await this.orm.em.fork().transactional(async (tx) => {
      const request = await tx.findOneOrFail(DiagnosticsRequestSchema, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      // The request's own station row, for the alert an upload failure raises.
      await tx.populate(request, ['station']);
      const station = request.station;
      return { request, station, after: change(request, station, tx) };
    });
    after?.();
    return this.toView(request, station);
  }

  private toView(r: DiagnosticsRequest, station: Pick<Station, 'id' | 'identity' | 'organisation'>): DiagnosticsRequestView {
    return {
      id: r.id,
      stationId: station.id,
      stationIdentity: station.identity,
      organisationId: refId(station.organisation),
      status: r.status,
      startTime: isoOrNull(r.startTime),
      stopTime: isoOrNull(r.stopTime),
      fileName: r.fileName ?? null,
      uploadedFileName: r.uploadedFileName ?? null,
      contentType: r.contentType ?? null,
      size: r.size ?? null,
      sha256: r.sha256 ?? null,
      downloadUrl: r.storageKey ? `${this.options.publicUrl()}/diagnostics/${r.id}/file` : null,
      stationStatus: (r.stationStatus ?? null) as DiagnosticsUploadStatus | null,
      failureReason: r.failureReason ?? null,
      requestedAt: r.requestedAt.toISOString(),
      uploadedAt: isoOrNull(r.uploadedAt),
      updatedAt: r.updatedAt.toISOString(),
    };
  }
}

function failureOf(status: DiagnosticsUploadStatus): string {
  return status === 'UPLOADED'
    ? 'the station reported the upload done, but no file reached the upload endpoint'
    : 'the station reported that the upload failed';
}

const notFound = () => new DiagnosticsError('DIAGNOSTICS_REQUEST_NOT_FOUND', 'no such diagnostics request');

const invalid = (message: string, field: string) => new DiagnosticsError('INVALID_DIAGNOSTICS_INPUT', message, { field });

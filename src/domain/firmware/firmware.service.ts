import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { LockMode, type EntityManager, type MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { refId } from '../../db/ref.js';
import type { EventPublisher } from '../events.js';
import { FileTooLargeError, type FileStore, type IncomingFile } from '../../files/file-store.js';
import { seesOrganisation } from '../accounts/viewer.js';
import type { Caller } from '../caller.js';
import { cleanFileName } from '../file-name.js';
import { InFlight } from '../in-flight.js';
import { isUuid } from '../ids.js';
import { parseInput } from '../input.js';
import type { MonitoringService } from '../monitoring/monitoring.service.js';
import { CALL_FAILURE_CODES, type CommandRunner } from '../operations/command-runner.js';
import { OperationsError } from '../operations/operations.errors.js';
import { OrganisationSchema } from '../organisations/organisation.entity.js';
import { decodeCursor, encodeCursor, toPage, type Page, type PageRequest } from '../pagination.js';
import type { Station } from '../stations/station.entity.js';
import type { AfterCommit } from '../stations/station-observer.js';
import type { OperatedStation, StationRef, StationRepository } from '../stations/station.repository.js';
import { operatedRowsWhere, operatesStation } from '../stations/station-scope.js';
import type { StationTelemetry } from '../stations/station-telemetry.service.js';
import { newSecretToken, tokenMatches } from '../secret-token.js';
import { isoOrNull } from '../timestamps.js';
import { FirmwareFileSchema, type FirmwareFile } from './firmware-file.entity.js';
import { FirmwareJobSchema, type FirmwareJob } from './firmware-job.entity.js';
import { FirmwareRolloutSchema, type FirmwareRollout } from './firmware-rollout.entity.js';
import {
  ATTRIBUTABLE_FIRMWARE_STATUSES,
  FAILED_FIRMWARE_STATUSES,
  FINAL_FIRMWARE_STATUSES,
  nextFirmwareJobStatus,
  type FirmwareJobEvent,
  type FirmwareJobStatus,
  type FirmwareProgress,
} from './firmware-status.js';
import { FirmwareError } from './firmware.errors.js';
import type {
  FirmwareFileView,
  FirmwareJobView,
  FirmwareRolloutView,
  ReportedFirmwareProgress,
  RolloutCounts,
  RolloutInput,
} from './firmware.types.js';

export interface FirmwareServiceOptions {
  /** Base URL stations reach this server at; known once the server listens. */
  publicUrl: () => string;
  maxFileBytes: number;
  nodeId: string;
  /** UpdateFirmware calls in flight at once during a rollout. */
  sendConcurrency?: number;
}

export const MAX_ROLLOUT_STATIONS = 1000;
const DOWNLOAD_PROTOCOLS = ['http:', 'https:', 'ftp:', 'ftps:'];

const rolloutInput = z
  .object({
    stationIdentities: z
      .array(z.string().min(1).max(48))
      .min(1, 'name at least one station')
      .max(MAX_ROLLOUT_STATIONS, `at most ${MAX_ROLLOUT_STATIONS} stations per rollout`)
      .superRefine((ids, ctx) => {
        const twice = ids.find((id, i) => ids.indexOf(id) !== i);
        if (twice) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${twice}" is listed twice` });
      }),
    firmwareFileId: z.string().uuid('must be the id of an uploaded firmware file').nullish(),
    location: z
      .string()
      .max(2000)
      .refine(isDownloadUrl, 'must be an absolute http, https, ftp or ftps URL')
      .nullish(),
    retrieveAt: z.date().nullish(),
    retries: z.number().int().min(0).max(100).nullish(),
    retryInterval: z.number().int().min(0).max(86_400).nullish(),
  })
  .superRefine((i, ctx) => {
    if (Boolean(i.firmwareFileId) === Boolean(i.location)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['location'], message: 'give either firmwareFileId or location, not both or neither' });
    }
  });

const PENDING: readonly FirmwareJobStatus[] = ['SCHEDULED', 'SENT'];
const IN_PROGRESS: readonly FirmwareJobStatus[] = ['DOWNLOADING', 'DOWNLOADED', 'INSTALLING'];

/**
 * Firmware files, rollouts and jobs. A rollout creates one SCHEDULED job per station in one
 * transaction and then sends UpdateFirmware to each; every job leaves SCHEDULED as SENT or
 * SEND_FAILED. FirmwareStatusNotification then moves the station's latest job.
 */
export class FirmwareService {
  private readonly inFlight = new InFlight();

  constructor(
    private readonly orm: MikroORM,
    private readonly events: EventPublisher,
    private readonly stations: StationRepository,
    private readonly telemetry: StationTelemetry,
    private readonly monitoring: MonitoringService,
    private readonly runner: CommandRunner,
    private readonly files: FileStore,
    private readonly options: FirmwareServiceOptions,
  ) {}

  /**
   * Stores a firmware image for an organisation the caller sees (null: an admin's own, for admins
   * only); another organisation is as unknown as one that does not exist.
   */
  async uploadFile(caller: Caller, incoming: IncomingFile, organisationId: string | null): Promise<FirmwareFileView> {
    const fileName = cleanFileName(incoming.fileName);
    if (!fileName) {
      throw new FirmwareError('INVALID_FIRMWARE_INPUT', 'a firmware file needs a name: a multipart filename or ?fileName=', { field: 'fileName' });
    }
    if (!seesOrganisation(caller.visibility, organisationId)) {
      throw new FirmwareError('INVALID_FIRMWARE_INPUT', `no organisation with id ${organisationId}`, { field: 'organisationId' });
    }
    if (organisationId && (!isUuid(organisationId) || !(await this.orm.em.fork().findOne(OrganisationSchema, { id: organisationId })))) {
      throw new FirmwareError('INVALID_FIRMWARE_INPUT', `no organisation with id ${organisationId}`, { field: 'organisationId' });
    }
    const id = randomUUID();
    const key = `firmware/${id}`;
    let stored;
    try {
      stored = await this.files.save(key, incoming.content, this.options.maxFileBytes);
    } catch (err) {
      if (err instanceof FileTooLargeError) throw new FirmwareError('FIRMWARE_FILE_TOO_LARGE', `a firmware file may be at most ${err.maxBytes} bytes`);
      throw err;
    }
    try {
      const em = this.orm.em.fork();
      const file = em.create(FirmwareFileSchema, {
        id,
        fileName,
        organisation: organisationId,
        contentType: incoming.contentType?.slice(0, 255) ?? null,
        size: stored.size,
        sha256: stored.sha256,
        storageKey: key,
        uploadedAt: new Date(),
      });
      await em.flush();
      return this.fileView(file);
    } catch (err) {
      await this.files.remove(key).catch(() => {});
      throw err;
    }
  }

  // Files are their organisation's: admins see all, operators and API keys their own.
  async getFile(caller: Caller, id: string): Promise<FirmwareFileView | null> {
    if (!isUuid(id)) return null;
    const file = await this.orm.em.fork().findOne(FirmwareFileSchema, { id });
    return file && seesOrganisation(caller.visibility, refId(file.organisation)) ? this.fileView(file) : null;
  }

  async listFiles(caller: Caller, page: PageRequest): Promise<Page<FirmwareFileView>> {
    const { visibility } = caller;
    if (visibility.kind !== 'all' && visibility.kind !== 'organisation') return { items: [], hasNextPage: false };
    const where: Record<string, unknown>[] = [page.after ? keysetBefore('uploadedAt', page.after) : {}];
    if (visibility.kind === 'organisation') where.push({ organisation: visibility.organisationId });
    const rows = await this.orm.em
      .fork()
      .find(FirmwareFileSchema, { $and: where }, { orderBy: [{ uploadedAt: 'desc' }, { id: 'desc' }], limit: page.first + 1 });
    return toPage(rows, page.first, (f) => this.fileView(f), (f) => encodeCursor([f.uploadedAt.toISOString(), f.id]));
  }

  /** For operators: a file of another organisation is not found. */
  async openFile(caller: Caller, id: string): Promise<{ fileName: string; size: number; stream: Readable }> {
    const file = isUuid(id) ? await this.orm.em.fork().findOne(FirmwareFileSchema, { id }) : null;
    if (!file || !seesOrganisation(caller.visibility, refId(file.organisation))) throw fileNotFound();
    return this.open(file);
  }

  /** For the station of one job, with the token from its download URL. */
  async openJobDownload(jobId: string, token: string): Promise<{ fileName: string; size: number; stream: Readable }> {
    const em = this.orm.em.fork();
    const job = isUuid(jobId) ? await em.findOne(FirmwareJobSchema, { id: jobId }, { populate: ['rollout'] }) : null;
    // An unknown job and a wrong token look the same to the caller.
    if (!job || !tokenMatches(job.downloadTokenHash, token)) {
      throw new FirmwareError('FIRMWARE_DOWNLOAD_FORBIDDEN', 'the download token is not valid for this job');
    }
    const fileId = job.rollout.firmwareFile?.id;
    const file = fileId ? await em.findOne(FirmwareFileSchema, { id: fileId }) : null;
    if (!file) throw fileNotFound();
    return this.open(file);
  }

  /**
   * Creates the rollout and its jobs, sends UpdateFirmware to every station (each call recorded
   * in the station's command history, as asked by the caller), and answers the rollout as it
   * then stands. Only to stations the caller operates, with a file they may use.
   */
  rollout(caller: Caller, input: RolloutInput): Promise<FirmwareRolloutView> {
    return this.inFlight.track(this.startRollout(caller, input));
  }

  private async startRollout(caller: Caller, input: RolloutInput): Promise<FirmwareRolloutView> {
    const data = parseInput(rolloutInput, input, invalid);
    const em = this.orm.em.fork();
    const file = data.firmwareFileId ? await em.findOne(FirmwareFileSchema, { id: data.firmwareFileId }) : null;
    if (data.firmwareFileId && (!file || !seesOrganisation(caller.visibility, refId(file.organisation)))) throw fileNotFound();
    const stations = await this.stations.requireAllOperated(data.stationIdentities, caller.visibility);
    const byIdentity = new Map(stations.map((s) => [s.identity, s]));
    const tokens = new Map<string, string>();
    const now = new Date();

    const created = await em.transactional(async (tx) => {
      // A station installs one firmware at a time: a newer rollout replaces an unfinished job.
      const unfinished = await tx.find(FirmwareJobSchema, {
        station: { $in: stations.map((s) => s.id) },
        status: { $nin: [...FINAL_FIRMWARE_STATUSES] },
      });
      for (const job of unfinished) {
        job.status = nextFirmwareJobStatus(job.status, { kind: 'SUPERSEDED' });
        job.finishedAt = now;
      }
      const rollout = tx.create(FirmwareRolloutSchema, {
        id: randomUUID(),
        firmwareFile: file,
        externalLocation: data.location ?? null,
        retrieveAt: data.retrieveAt ?? now,
        retries: data.retries ?? null,
        retryInterval: data.retryInterval ?? null,
        nodeId: this.options.nodeId,
        createdAt: now,
      });
      const jobs = data.stationIdentities.map((identity) => {
        const token = file ? newSecretToken() : null;
        const job = tx.create(FirmwareJobSchema, {
          id: randomUUID(),
          rollout,
          station: byIdentity.get(identity)!.id,
          status: 'SCHEDULED',
          downloadTokenHash: token?.hash ?? null,
          createdAt: now,
        });
        if (token) tokens.set(job.id, token.token);
        return job;
      });
      return { rollout, jobs, unfinished };
    });
    const stationOf = (job: FirmwareJob) => stations.find((s) => s.id === job.station.id)!;
    for (const job of [...created.unfinished, ...created.jobs]) this.events.publish('firmware.job', toJobView(job, stationOf(job)));

    const { rollout } = created;
    const base = this.options.publicUrl();
    let failure: unknown;
    await forEachLimited(created.jobs, this.options.sendConcurrency ?? 16, async (job) => {
      // The token is the download's only credential: the command history keeps the URL without it.
      const hosted = (token: string) => `${base}/firmware/jobs/${job.id}/${token}/${encodeURIComponent(file!.fileName)}`;
      const location = file ? { url: hosted(tokens.get(job.id)!), recorded: hosted('<token>') } : { url: data.location!, recorded: data.location! };
      await this.send(caller, job.id, stationOf(job), location, rollout).catch((err) => (failure ??= err));
    });
    if (failure) throw failure;
    return this.rolloutView(rollout);
  }

  private async send(
    caller: Caller,
    jobId: string,
    station: OperatedStation,
    location: { url: string; recorded: string },
    rollout: FirmwareRollout,
  ): Promise<void> {
    let event: FirmwareJobEvent;
    let reason: string | null = null;
    try {
      await this.runner.run(caller, station, {
        kind: 'UPDATE_FIRMWARE',
        location,
        retrieveAt: rollout.retrieveAt,
        retries: rollout.retries ?? null,
        retryIntervalSeconds: rollout.retryInterval ?? null,
      });
      event = { kind: 'SENT' };
    } catch (err) {
      event = { kind: 'SEND_FAILED' };
      const known = err instanceof OperationsError && CALL_FAILURE_CODES.includes(err.code);
      reason = known ? err.message : 'the request could not be sent';
    }
    await this.updateJob(jobId, (job) => {
      const next = nextFirmwareJobStatus(job.status, event);
      if (next === job.status) return;
      job.status = next;
      if (next === 'SENT') job.sentAt = new Date();
      if (next === 'SEND_FAILED') Object.assign(job, { failureReason: reason, finishedAt: new Date() });
    });
  }

  /**
   * A FirmwareStatusNotification. 1.6 carries no job id: it belongs to the station's latest job
   * that can still make progress. The station's own word is kept in its report log either way.
   */
  async recordStatus(identity: string, { progress, reported }: ReportedFirmwareProgress): Promise<void> {
    await this.telemetry.recordReport(identity, { kind: 'FIRMWARE_STATUS', status: reported });
    const latest = await this.orm.em
      .fork()
      .findOne(
        FirmwareJobSchema,
        { station: { identity }, status: { $in: [...ATTRIBUTABLE_FIRMWARE_STATUSES] } },
        { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], fields: ['id'] },
      );
    if (!latest) return;
    await this.updateJob(latest.id, async (job, station, tx) => {
      if (progress !== 'IDLE') job.stationStatus = progress;
      const next = nextFirmwareJobStatus(job.status, { kind: 'REPORTED', progress });
      if (next === job.status) return;
      job.status = next;
      job.finishedAt = next === 'INSTALLED' || FAILED_FIRMWARE_STATUSES.includes(next) ? new Date() : null;
      // Installing ends in a reboot: the boot that follows is no surprise.
      if (next === 'INSTALLING') await this.monitoring.expectRebootIn(tx, station, 'FIRMWARE_UPDATE');
      if (next === 'INSTALLED') {
        job.failureReason = null;
        return this.monitoring.raise(tx, station, {
          kind: 'FIRMWARE_INSTALLED',
          severity: 'INFO',
          message: `Station ${station.identity}: firmware installed`,
          subject: { type: 'FIRMWARE_JOB', id: job.id },
        });
      }
      if (next === 'DOWNLOAD_FAILED' || next === 'INSTALLATION_FAILED') {
        job.failureReason = next === 'DOWNLOAD_FAILED' ? 'the station could not download the firmware' : 'the station could not install the firmware';
        return this.monitoring.raise(tx, station, {
          kind: 'FIRMWARE_FAILED',
          // A failed install may leave a station on a half-updated image.
          severity: next === 'INSTALLATION_FAILED' ? 'CRITICAL' : 'WARNING',
          message: `Station ${station.identity}: ${job.failureReason}`,
          details: { status: next },
          subject: { type: 'FIRMWARE_JOB', id: job.id },
        });
      }
    });
  }

  /** At start: jobs this node created but never sent (it stopped mid-rollout) end as SEND_FAILED. */
  async failInterruptedJobs(): Promise<number> {
    const em = this.orm.em.fork();
    const jobs = await em.find(FirmwareJobSchema, { status: 'SCHEDULED', rollout: { nodeId: this.options.nodeId } }, { populate: ['station'] });
    const now = new Date();
    for (const job of jobs) Object.assign(job, { status: 'SEND_FAILED', failureReason: 'the server stopped before sending the request', finishedAt: now });
    await em.flush();
    for (const job of jobs) this.events.publish('firmware.job', toJobView(job, jobStationOf(job.station)));
    return jobs.length;
  }

  // A rollout is seen by whoever operates one of its stations; its jobs and counts only cover
  // the stations they operate (an admin's rollout may span several organisations).
  async getRollout(caller: Caller, id: string): Promise<FirmwareRolloutView | null> {
    if (!isUuid(id)) return null;
    const { visibility } = caller;
    const em = this.orm.em.fork();
    const rollout = await em.findOne(FirmwareRolloutSchema, { id });
    if (!rollout) return null;
    if (visibility.kind !== 'all' && (await em.count(FirmwareJobSchema, { rollout: id, ...operatedRowsWhere(visibility) })) === 0) return null;
    return this.rolloutView(rollout);
  }

  async listRollouts(caller: Caller, page: PageRequest): Promise<Page<FirmwareRolloutView>> {
    const { visibility } = caller;
    if (visibility.kind !== 'all' && visibility.kind !== 'organisation') return { items: [], hasNextPage: false };
    const qb = this.orm.em
      .fork()
      .createQueryBuilder(FirmwareRolloutSchema, 'r')
      .select('*')
      .where(page.after ? keysetBefore('createdAt', page.after) : {})
      .orderBy([{ createdAt: 'desc' }, { id: 'desc' }])
      .limit(page.first + 1);
    if (visibility.kind === 'organisation') {
      qb.andWhere(
        'exists (select 1 from firmware_job j join station s on s.id = j.station_id where j.rollout_id = r.id and s.organisation_id = ?)',
        [visibility.organisationId],
      );
    }
    const rows = await qb.getResultList();
    return toPage(rows, page.first, (r) => this.rolloutView(r), (r) => encodeCursor([r.createdAt.toISOString(), r.id]));
  }

  /** Every job of a rollout (at most MAX_ROLLOUT_STATIONS) at a station the viewer operates, by station identity. */
  async rolloutJobs(caller: Caller, rolloutId: string, status: FirmwareJobStatus[] | null | undefined): Promise<FirmwareJobView[]> {
    const where: Record<string, unknown> = { rollout: rolloutId, ...operatedRowsWhere(caller.visibility) };
    if (status?.length) where.status = { $in: status };
    const jobs = await this.orm.em.fork().find(FirmwareJobSchema, where, { populate: ['station'] });
    return jobs
      .map((j) => toJobView(j, jobStationOf(j.station)))
      .sort((a, b) => (a.stationIdentity < b.stationIdentity ? -1 : a.stationIdentity > b.stationIdentity ? 1 : 0));
  }

  async rolloutCounts(caller: Caller, rolloutId: string): Promise<RolloutCounts> {
    const { visibility } = caller;
    const scope =
      visibility.kind === 'all'
        ? { sql: '', params: [] }
        : visibility.kind === 'organisation'
          ? { sql: ' and s.organisation_id = ?', params: [visibility.organisationId] }
          : { sql: ' and false', params: [] };
    const rows = await this.orm.em
      .fork()
      .getConnection()
      .execute<{ status: FirmwareJobStatus; count: number }[]>(
        `select j.status, count(*)::int as count
           from firmware_job j join station s on s.id = j.station_id
          where j.rollout_id = ?${scope.sql}
          group by j.status order by j.status`,
        [rolloutId, ...scope.params],
      );
    const sum = (statuses: readonly FirmwareJobStatus[]) => rows.filter((r) => statuses.includes(r.status)).reduce((n, r) => n + r.count, 0);
    return {
      total: rows.reduce((n, r) => n + r.count, 0),
      pending: sum(PENDING),
      inProgress: sum(IN_PROGRESS),
      installed: sum(['INSTALLED']),
      failed: sum(FAILED_FIRMWARE_STATUSES),
      superseded: sum(['SUPERSEDED']),
      byStatus: rows,
    };
  }

  async getJob(caller: Caller, id: string): Promise<FirmwareJobView | null> {
    if (!isUuid(id)) return null;
    const job = await this.orm.em.fork().findOne(FirmwareJobSchema, { id }, { populate: ['station'] });
    return job && operatesStation(caller.visibility, refId(job.station.organisation)) ? toJobView(job, jobStationOf(job.station)) : null;
  }

  /** Newest first: operator data, so none for a caller who does not operate the station. */
  async jobsForStation(caller: Caller, station: StationRef, limit: number): Promise<FirmwareJobView[]> {
    if (!operatesStation(caller.visibility, station.organisationId)) return [];
    const jobs = await this.orm.em
      .fork()
      .find(FirmwareJobSchema, { station: station.id }, { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], limit, populate: ['station'] });
    return jobs.map((j) => toJobView(j, jobStationOf(j.station)));
  }

  /** Lets rollouts being sent finish their writes before the database closes. */
  close(): Promise<void> {
    return this.inFlight.drain();
  }

  // One job changed under a row lock: the answer to our call and the station's notifications race.
  private async updateJob(
    id: string,
    change: (job: FirmwareJob, station: Station, tx: EntityManager) => Promise<AfterCommit | void> | AfterCommit | void,
  ): Promise<void> {
    const result = await this.orm.em.fork().transactional(async (tx) => {
      const job = await tx.findOneOrFail(FirmwareJobSchema, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      // The job's own station row, for the alerts and expected reboot its progress brings.
      await tx.populate(job, ['station']);
      const before = job.status;
      const after = await change(job, job.station, tx);
      return { job, station: job.station, after, moved: job.status !== before };
    });
    result.after?.();
    if (result.moved) this.events.publish('firmware.job', toJobView(result.job, jobStationOf(result.station)));
  }

  private async open(file: FirmwareFile) {
    const opened = await this.files.open(file.storageKey);
    if (!opened) throw fileNotFound();
    return { fileName: file.fileName, ...opened };
  }

  private fileView(f: FirmwareFile): FirmwareFileView {
    return {
      id: f.id,
      fileName: f.fileName,
      organisationId: refId(f.organisation),
      contentType: f.contentType ?? null,
      size: f.size,
      sha256: f.sha256,
      uploadedAt: f.uploadedAt.toISOString(),
      downloadUrl: `${this.options.publicUrl()}/firmware/${f.id}/file`,
    };
  }

  private rolloutView(r: FirmwareRollout): FirmwareRolloutView {
    return {
      id: r.id,
      firmwareFileId: r.firmwareFile?.id ?? null,
      externalLocation: r.externalLocation ?? null,
      retrieveAt: r.retrieveAt.toISOString(),
      retries: r.retries ?? null,
      retryInterval: r.retryInterval ?? null,
      createdAt: r.createdAt.toISOString(),
    };
  }
}

/** The station of a job, as its view names it. */
type JobStation = Pick<OperatedStation, 'id' | 'identity' | 'organisationId'>;

const jobStationOf = (s: Station): JobStation => ({ id: s.id, identity: s.identity, organisationId: refId(s.organisation) });

export function toJobView(j: FirmwareJob, station: JobStation): FirmwareJobView {
  return {
    id: j.id,
    rolloutId: j.rollout.id,
    stationId: station.id,
    stationIdentity: station.identity,
    organisationId: station.organisationId,
    status: j.status,
    stationStatus: (j.stationStatus ?? null) as FirmwareProgress | null,
    failureReason: j.failureReason ?? null,
    sentAt: isoOrNull(j.sentAt),
    finishedAt: isoOrNull(j.finishedAt),
    createdAt: j.createdAt.toISOString(),
    // Set by the ORM at flush; a job published before its first flush has none yet.
    updatedAt: (j.updatedAt ?? j.createdAt).toISOString(),
  };
}

function isDownloadUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return DOWNLOAD_PROTOCOLS.includes(url.protocol) && url.hostname !== '';
  } catch {
    return false;
  }
}

function keysetBefore(field: string, after: string): Record<string, unknown> {
  const parsed = decodeCursor(after, z.tuple([z.string().datetime(), z.string().uuid()]));
  if (!parsed) throw invalid('after is not a valid cursor', 'after');
  const at = new Date(parsed[0]);
  return { $or: [{ [field]: { $lt: at } }, { [field]: at, id: { $lt: parsed[1] } }] };
}

async function forEachLimited<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const fileNotFound = () => new FirmwareError('FIRMWARE_FILE_NOT_FOUND', 'no such firmware file');

const invalid = (message: string, field: string) => new FirmwareError('INVALID_FIRMWARE_INPUT', message, { field });

import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { refId } from '../../db/ref.js';
import type { Caller } from '../caller.js';
import type { EventPublisher } from '../events.js';
import { InFlight } from '../in-flight.js';
import { isUuid } from '../ids.js';
import { parseInput } from '../input.js';
import { isCallFailure, type CommandRunner } from '../operations/command-runner.js';
import { encodeCursor, toPage, type Page, type PageRequest } from '../pagination.js';
import { newSecretToken } from '../secret-token.js';
import type { OperatedStation, StationRef, StationRepository } from '../stations/station.repository.js';
import { operatedRowsWhere, operatesStation } from '../stations/station-scope.js';
import type { FirmwareFileService } from './firmware-files.service.js';
import { keysetBefore, rolloutInput } from './firmware-input.js';
import { FirmwareJobSchema, type FirmwareJob } from './firmware-job.entity.js';
import type { FirmwareProgressService, FirmwareSendOutcome } from './firmware-progress.service.js';
import { FirmwareRolloutSchema, type FirmwareRollout } from './firmware-rollout.entity.js';
import { FINAL_FIRMWARE_STATUSES, nextFirmwareJobStatus, type FirmwareJobStatus } from './firmware-status.js';
import { invalidFirmwareInput } from './firmware.errors.js';
import type { FirmwareJobView, FirmwareRolloutView, RolloutCounts, RolloutInput } from './firmware.types.js';
import { jobStationOf, toJobView, toRolloutCounts, toRolloutView } from './firmware.views.js';

export interface FirmwareRolloutServiceOptions {
  /** Base URL stations reach this server at; known once the server listens. */
  publicUrl: () => string;
  nodeId: string;
  /** UpdateFirmware calls in flight at once during a rollout. */
  sendConcurrency?: number;
}

/**
 * Rollouts and their jobs, for callers. A rollout creates one SCHEDULED job per station in one
 * transaction and then sends UpdateFirmware to each; every job leaves SCHEDULED as SENT or
 * SEND_FAILED (FirmwareProgressService records which, and what the station reports after).
 */
export class FirmwareRolloutService {
  private readonly inFlight = new InFlight();

  constructor(
    private readonly orm: MikroORM,
    private readonly events: EventPublisher,
    private readonly stations: StationRepository,
    private readonly runner: CommandRunner,
    private readonly files: FirmwareFileService,
    private readonly progress: FirmwareProgressService,
    private readonly options: FirmwareRolloutServiceOptions,
  ) {}

  /**
   * Creates the rollout and its jobs, sends UpdateFirmware to every station (each call recorded
   * in the station's command history, as asked by the caller), and answers the rollout as it
   * then stands. Only to stations the caller operates, with a file they may use.
   */
  rollout(caller: Caller, input: RolloutInput): Promise<FirmwareRolloutView> {
    return this.inFlight.track(this.startRollout(caller, input));
  }

  private async startRollout(caller: Caller, input: RolloutInput): Promise<FirmwareRolloutView> {
    const data = parseInput(rolloutInput, input, invalidFirmwareInput);
    const em = this.orm.em.fork();
    const file = data.firmwareFileId ? await this.files.requireFile(caller, data.firmwareFileId, em) : null;
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
    const byId = new Map(stations.map((s) => [s.id, s]));
    const stationOf = (job: FirmwareJob) => byId.get(job.station.id)!;
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
    return toRolloutView(rollout);
  }

  private async send(
    caller: Caller,
    jobId: string,
    station: OperatedStation,
    location: { url: string; recorded: string },
    rollout: FirmwareRollout,
  ): Promise<void> {
    let outcome: FirmwareSendOutcome;
    try {
      await this.runner.run(caller, station, {
        kind: 'UPDATE_FIRMWARE',
        location,
        retrieveAt: rollout.retrieveAt,
        retries: rollout.retries ?? null,
        retryIntervalSeconds: rollout.retryInterval ?? null,
      });
      outcome = { kind: 'SENT' };
    } catch (err) {
      const known = isCallFailure(err);
      outcome = { kind: 'SEND_FAILED', reason: known ? err.message : 'the request could not be sent' };
    }
    await this.progress.recordSendOutcome(jobId, outcome);
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
    return toRolloutView(rollout);
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
    return toPage(rows, page.first, toRolloutView, (r) => encodeCursor([r.createdAt.toISOString(), r.id]));
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
    return toRolloutCounts(rows);
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
}

async function forEachLimited<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

import { LockMode, type EntityManager, type MikroORM } from '@mikro-orm/postgresql';
import type { EventPublisher } from '../events.js';
import type { MonitoringService } from '../monitoring/monitoring.service.js';
import type { Station } from '../stations/station.entity.js';
import type { AfterCommit } from '../stations/station-observer.js';
import type { StationTelemetry } from '../stations/station-telemetry.service.js';
import { FirmwareJobSchema, type FirmwareJob } from './firmware-job.entity.js';
import { ATTRIBUTABLE_FIRMWARE_STATUSES, FAILED_FIRMWARE_STATUSES, nextFirmwareJobStatus } from './firmware-status.js';
import type { ReportedFirmwareProgress } from './firmware.types.js';
import { jobStationOf, toJobView } from './firmware.views.js';

export interface FirmwareProgressServiceOptions {
  nodeId: string;
}

/** How our UpdateFirmware call ended: the station accepted it, or why it did not. */
export type FirmwareSendOutcome = { kind: 'SENT' } | { kind: 'SEND_FAILED'; reason: string };

/**
 * Where a firmware job stands, moved by what happens to it after its rollout: the outcome of
 * the call that sent it, the station's FirmwareStatusNotifications, and a restart of the node
 * that was sending it. Each move is one job changed under a row lock, then published.
 */
export class FirmwareProgressService {
  constructor(
    private readonly orm: MikroORM,
    private readonly events: EventPublisher,
    private readonly telemetry: StationTelemetry,
    private readonly monitoring: MonitoringService,
    private readonly options: FirmwareProgressServiceOptions,
  ) {}

  /** A job leaves SCHEDULED as SENT or SEND_FAILED, unless the station's report moved it on first. */
  async recordSendOutcome(jobId: string, outcome: FirmwareSendOutcome): Promise<void> {
    await this.updateJob(jobId, (job) => {
      const next = nextFirmwareJobStatus(job.status, outcome);
      if (next === job.status) return;
      job.status = next;
      if (next === 'SENT') job.sentAt = new Date();
      if (next === 'SEND_FAILED') {
        Object.assign(job, { failureReason: outcome.kind === 'SEND_FAILED' ? outcome.reason : null, finishedAt: new Date() });
      }
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
}

import { ConnectorStatusEventSchema } from './connector-status-event.entity.js';
import type { Caller } from '../caller.js';
import type { EventPublisher } from '../events.js';
import { BatchQueue, type Outcome } from '../../db/batch-queue.js';
import type { Logger } from '../../logger.js';
import { NO_STATION_OBSERVER, type ConnectorStatusChange, type StationKey, type StationObserver } from './station-observer.js';
import type { BootedRow, StationHotRows } from './station-hot-rows.js';
import { stationNotFound } from './station.errors.js';
import { StationReportSchema, type StationReportKind } from './station-report.entity.js';
import type { StationRef, StationRepository } from './station.repository.js';
import { operatesStation } from './station-scope.js';
import { statusColumns, type BootInfo, type ConnectorStatusReport, type StationReportView } from './station.types.js';
import { statusEventOf, toReportView } from './station.views.js';

export interface StationReportInput {
  kind: StationReportKind;
  status?: string;
  vendorId?: string;
  messageId?: string;
  data?: string;
  payload?: Record<string, unknown>;
}

interface Boot {
  identity: string;
  boot: BootInfo;
  at: Date;
}

interface StatusReport {
  identity: string;
  report: ConnectorStatusReport;
  receivedAt: Date;
}

/**
 * What a station tells about itself: boots, connector statuses, and reports kept for operators.
 * Boots and statuses come in floods after a reconnect, so the ones that queue while a write is
 * in flight are written together (BatchQueue); each charger is answered when its row committed.
 */
export class StationTelemetry {
  private readonly boots: BatchQueue<Boot, void>;
  private readonly statuses: BatchQueue<StatusReport, { applied: boolean }>;

  constructor(
    private readonly repository: StationRepository,
    private readonly hot: StationHotRows,
    private readonly events: EventPublisher,
    log: Logger,
    private readonly observer: StationObserver = NO_STATION_OBSERVER,
  ) {
    this.boots = new BatchQueue((batch) => this.writeBoots(batch), { name: 'station boots', maxBatch: 200, concurrency: 2 }, log);
    this.statuses = new BatchQueue((batch) => this.writeStatuses(batch), { name: 'connector statuses', maxBatch: 200, concurrency: 2 }, log);
  }

  recordBoot(identity: string, boot: BootInfo): Promise<void> {
    return this.boots.submit({ identity, boot, at: new Date() });
  }

  /**
   * Applies a connector status unless a newer one is already known (chargers resend queued
   * notifications after a reconnect). Every report is kept in the history either way.
   */
  recordConnectorStatus(identity: string, report: ConnectorStatusReport): Promise<{ applied: boolean }> {
    return this.statuses.submit({ identity, report, receivedAt: new Date() });
  }

  private async writeBoots(batch: readonly Boot[]): Promise<Outcome<void>[]> {
    const last = new Map(batch.map((b) => [b.identity, b]));
    const { rows, after } = await this.hot.transaction(async (sql) => {
      const rows = await this.hot.recordBoots(sql, [...last.values()]);
      const after = await this.observer.booted(
        sql,
        rows.map((r) => ({
          station: keyOf(r),
          at: last.get(r.identity)!.at,
          firmwareVersion: r.firmwareVersion,
          previousBootAt: r.previousBootAt,
          previousFirmwareVersion: r.previousFirmwareVersion,
        })),
      );
      return { rows, after };
    });
    after();
    for (const r of rows) this.events.publish('station.status', statusEventOf(keyOf(r), last.get(r.identity)!.at, { kind: 'BOOT' }));
    const booted = new Set(rows.map((r) => r.identity));
    return batch.map((b) => (booted.has(b.identity) ? { ok: true, value: undefined } : { ok: false, error: stationNotFound(b.identity) }));
  }

  private async writeStatuses(batch: readonly StatusReport[]): Promise<Outcome<{ applied: boolean }>[]> {
    const { outcomes, changes, after } = await this.hot.transaction(async (sql) => {
      const stations = await this.hot.keysOf(sql, [...new Set(batch.map((s) => s.identity))]);
      const outcomes: Outcome<{ applied: boolean }>[] = [];
      const changes: ConnectorStatusChange[] = [];
      // A connector reported twice in one batch is written in a second round, after the first.
      let rest = batch.map((item, index) => ({ item, index }));
      while (rest.length > 0) {
        const round: { item: StatusReport; index: number; station: StationKey; occurredAt: Date }[] = [];
        const keys = new Set<string>();
        const later: typeof rest = [];
        for (const entry of rest) {
          const station = stations.get(entry.item.identity);
          if (!station) {
            outcomes[entry.index] = { ok: false, error: stationNotFound(entry.item.identity) };
            continue;
          }
          const key = `${station.id}:${entry.item.report.connectorId}`;
          if (keys.has(key)) {
            later.push(entry);
            continue;
          }
          keys.add(key);
          const { report, receivedAt } = entry.item;
          // A charger clock running ahead must not make its statuses immune to later ones.
          const occurredAt = report.occurredAt && report.occurredAt <= receivedAt ? report.occurredAt : receivedAt;
          round.push({ ...entry, station, occurredAt });
        }
        if (round.length > 0) {
          const applied = await this.hot.applyConnectorStatuses(
            sql,
            round.map((r) => ({ stationId: r.station.id, report: r.item.report, occurredAt: r.occurredAt, receivedAt: r.item.receivedAt })),
          );
          for (const r of round) {
            const yes = applied.has(`${r.station.id}:${r.item.report.connectorId}`);
            outcomes[r.index] = { ok: true, value: { applied: yes } };
            if (yes) changes.push({ station: r.station, report: r.item.report, occurredAt: r.occurredAt });
          }
        }
        rest = later;
      }
      const after = await this.observer.connectorStatusesApplied(sql, changes);
      return { outcomes, changes, after };
    });
    after();
    for (const { station, report, occurredAt } of changes) {
      this.events.publish(
        'station.status',
        statusEventOf(station, occurredAt, {
          kind: 'CONNECTOR_STATUS',
          connectorId: report.connectorId,
          status: report.status,
          errorCode: report.errorCode,
          info: report.info ?? null,
          vendorErrorCode: report.vendorErrorCode ?? null,
        }),
      );
    }
    return outcomes;
  }

  async recordReport(identity: string, report: StationReportInput): Promise<void> {
    const now = new Date();
    const em = this.repository.fork();
    const station = await this.repository.requireEntity(em, identity);
    em.create(StationReportSchema, {
      station,
      kind: report.kind,
      status: report.status ?? null,
      vendorId: report.vendorId ?? null,
      messageId: report.messageId ?? null,
      data: report.data ?? null,
      payload: report.payload ?? null,
      receivedAt: now,
    });
    if (report.kind === 'DIAGNOSTICS_STATUS') {
      station.diagnosticsStatus = report.status ?? null;
      station.diagnosticsStatusAt = now;
    } else if (report.kind === 'FIRMWARE_STATUS') {
      station.firmwareStatus = report.status ?? null;
      station.firmwareStatusAt = now;
    }
    await em.flush();
  }

  /** The station's reports, newest first: operator data, so none for a caller who does not operate it. */
  async reports(caller: Caller, station: StationRef, kinds: StationReportKind[] | null, limit: number): Promise<StationReportView[]> {
    if (!operatesStation(caller.visibility, station.organisationId)) return [];
    const where: Record<string, unknown> = { station: station.id };
    if (kinds?.length) where.kind = { $in: kinds };
    const rows = await this.repository.fork().find(StationReportSchema, where, { orderBy: { id: 'desc' }, limit });
    return rows.map(toReportView);
  }
}

const keyOf = (r: BootedRow): StationKey => ({ id: r.id, identity: r.identity, organisationId: r.organisationId, online: r.online });

import { ConnectorStatusEventSchema } from './connector-status-event.entity.js';
import type { Caller } from '../caller.js';
import type { EventPublisher } from '../events.js';
import { BatchQueue, type Outcome } from '../../db/batch-queue.js';
import type { Logger } from '../../logger.js';
import { NO_STATION_OBSERVER, type BootChange, type ConnectorStatusChange, type StationObserver } from './station-observer.js';
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
    const em = this.repository.fork();
    const stations = await this.repository.entitiesByIdentity(em, batch.map((b) => b.identity));
    const changes: BootChange[] = [];
    const outcomes = batch.map(({ identity, boot, at }): Outcome<void> => {
      const station = stations.get(identity);
      if (!station) return { ok: false, error: stationNotFound(identity) };
      const previousBootAt = station.lastBootAt ?? null;
      const previousFirmwareVersion = station.firmwareVersion ?? null;
      Object.assign(station, {
        vendor: boot.vendor,
        model: boot.model,
        serialNumber: boot.serialNumber ?? null,
        chargeBoxSerialNumber: boot.chargeBoxSerialNumber ?? null,
        firmwareVersion: boot.firmwareVersion ?? null,
        iccid: boot.iccid ?? null,
        imsi: boot.imsi ?? null,
        meterType: boot.meterType ?? null,
        meterSerialNumber: boot.meterSerialNumber ?? null,
        lastBootAt: at,
        lastSeenAt: at,
      });
      changes.push({ station, at, previousBootAt, previousFirmwareVersion });
      return { ok: true, value: undefined };
    });
    const after = await this.observer.booted(em, changes);
    await em.flush();
    after();
    for (const { station, at } of changes) this.events.publish('station.status', statusEventOf(station, at, { kind: 'BOOT' }));
    return outcomes;
  }

  private async writeStatuses(batch: readonly StatusReport[]): Promise<Outcome<{ applied: boolean }>[]> {
    const em = this.repository.fork();
    const stations = await this.repository.entitiesByIdentity(em, batch.map((s) => s.identity));
    const known = batch.flatMap((s) => {
      const station = stations.get(s.identity);
      return station ? [{ station, connectorId: s.report.connectorId }] : [];
    });
    const connectors = known.length > 0 ? await this.repository.connectorsFor(em, known) : new Map<string, never>();
    const changes: ConnectorStatusChange[] = [];
    const outcomes = batch.map(({ identity, report, receivedAt }): Outcome<{ applied: boolean }> => {
      const station = stations.get(identity);
      if (!station) return { ok: false, error: stationNotFound(identity) };
      const connector = connectors.get(`${station.id}:${report.connectorId}`)!;
      // A charger clock running ahead must not make its statuses immune to later ones.
      const occurredAt = report.occurredAt && report.occurredAt <= receivedAt ? report.occurredAt : receivedAt;
      const applied = !connector.statusAt || connector.statusAt.getTime() <= occurredAt.getTime();
      if (applied) Object.assign(connector, { ...statusColumns(report), statusAt: occurredAt });
      em.create(ConnectorStatusEventSchema, {
        station,
        connectorId: report.connectorId,
        ...statusColumns(report),
        occurredAt,
        receivedAt,
        applied,
      });
      if (applied) changes.push({ station, report, occurredAt });
      return { ok: true, value: { applied } };
    });
    const after = changes.length > 0 ? await this.observer.connectorStatusesApplied(em, changes) : () => {};
    await em.flush();
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

import { ConnectorStatusEventSchema } from './connector-status-event.entity.js';
import type { Caller } from '../caller.js';
import type { EventPublisher } from '../events.js';
import { NO_STATION_OBSERVER, type StationObserver } from './station-observer.js';
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

/** What a station tells about itself: boots, connector statuses, and reports kept for operators. */
export class StationTelemetry {
  constructor(
    private readonly repository: StationRepository,
    private readonly events: EventPublisher,
    private readonly observer: StationObserver = NO_STATION_OBSERVER,
  ) {}

  async recordBoot(identity: string, boot: BootInfo): Promise<void> {
    const now = new Date();
    const em = this.repository.fork();
    const station = await this.repository.requireEntity(em, identity);
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
      lastBootAt: now,
      lastSeenAt: now,
    });
    const after = await this.observer.booted(em, { station, at: now, previousBootAt, previousFirmwareVersion });
    await em.flush();
    after();
    this.events.publish('station.status', statusEventOf(station, now, { kind: 'BOOT' }));
  }

  /**
   * Applies a connector status unless a newer one is already known (chargers resend queued
   * notifications after a reconnect). Every report is kept in the history either way.
   */
  async recordConnectorStatus(identity: string, report: ConnectorStatusReport): Promise<{ applied: boolean }> {
    const receivedAt = new Date();
    // A charger clock running ahead must not make its statuses immune to later ones.
    const occurredAt = report.occurredAt && report.occurredAt <= receivedAt ? report.occurredAt : receivedAt;
    const em = this.repository.fork();
    const station = await this.repository.requireEntity(em, identity);
    const connector = await this.repository.connectorFor(em, station, report.connectorId);
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
    const after = applied ? await this.observer.connectorStatusApplied(em, { station, report, occurredAt }) : () => {};
    await em.flush();
    after();
    if (applied) {
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
    return { applied };
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

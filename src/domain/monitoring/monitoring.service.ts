import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { refId } from '../../db/ref.js';
import type { Caller } from '../caller.js';
import type { EventPublisher } from '../events.js';
import { isUuid } from '../ids.js';
import { decodeCursor, encodeCursor, toPage, type Page, type PageRequest } from '../pagination.js';
import type { Station } from '../stations/station.entity.js';
import type { StationRef, StationRepository } from '../stations/station.repository.js';
import { operatedRowsWhere, operatesStation } from '../stations/station-scope.js';
import type {
  AfterCommit,
  BootChange,
  ConnectionChange,
  ConnectorStatusChange,
  StationObserver,
} from '../stations/station-observer.js';
import { statusColumns, type ConnectorErrorCode } from '../stations/station.types.js';
import { AlertSchema } from './alert.entity.js';
import { ExpectedRebootSchema, type ExpectedReboot } from './expected-reboot.entity.js';
import { decideFault } from './fault-rule.js';
import { FaultSchema, type Fault } from './fault.entity.js';
import { invalidMonitoringQuery as invalid } from './monitoring.errors.js';
import type {
  AlertFilter,
  AlertInput,
  AlertView,
  BootNote,
  ConnectionEventView,
  FaultFilter,
  FaultView,
  HistoryRange,
  RebootReason,
  StatusEventView,
  UptimeView,
} from './monitoring.types.js';
import { toAlertView, toFaultView } from './monitoring.views.js';
import { StationConnectionEventSchema } from './station-connection-event.entity.js';
import { StationHistoryService, type UptimeStation } from './station-history.service.js';

export interface MonitoringServiceOptions {
  /** How long after a reset or a firmware install a boot still counts as expected. */
  rebootGraceMs?: number;
}

const DEFAULT_REBOOT_GRACE_MS = 30 * 60_000;

const nothing: AfterCommit = () => {};

/**
 * Connection history, faults, alerts and uptime. Connection changes, applied statuses and boots
 * arrive as a StationObserver inside the station's own unit of work; other areas raise alerts
 * with `raise` inside theirs. Histories and uptime are read by StationHistoryService.
 */
export class MonitoringService implements StationObserver {
  private readonly rebootGraceMs: number;
  private readonly history: StationHistoryService;

  constructor(
    private readonly orm: MikroORM,
    private readonly events: EventPublisher,
    private readonly stations: StationRepository,
    options: MonitoringServiceOptions = {},
  ) {
    this.rebootGraceMs = options.rebootGraceMs ?? DEFAULT_REBOOT_GRACE_MS;
    this.history = new StationHistoryService(orm);
  }

  async connectionChanged(em: EntityManager, change: ConnectionChange): Promise<AfterCommit> {
    const { station, online, at } = change;
    em.create(StationConnectionEventSchema, {
      station,
      online,
      reason: change.reason?.slice(0, 200) ?? null,
      nodeId: change.nodeId,
      at,
    });
    // A socket replaced by a newer one: the station never stopped being reachable.
    if (online && change.wasOnline) return nothing;
    if (online) {
      const offlineSeconds = change.offlineSince ? Math.round((at.getTime() - change.offlineSince.getTime()) / 1000) : null;
      return this.raise(em, station, {
        kind: 'STATION_ONLINE',
        severity: 'INFO',
        message:
          offlineSeconds === null
            ? `Station ${station.identity} is online`
            : `Station ${station.identity} is back online after ${offlineSeconds} s offline`,
        details: change.offlineSince ? { offlineSince: change.offlineSince.toISOString(), offlineSeconds: String(offlineSeconds) } : {},
        at,
      });
    }
    return this.raise(em, station, {
      kind: 'STATION_OFFLINE',
      severity: 'WARNING',
      message: `Station ${station.identity} went offline${change.reason ? ` (${change.reason})` : ''}`,
      details: change.reason ? { reason: change.reason } : {},
      at,
    });
  }

  async connectorStatusesApplied(em: EntityManager, changes: readonly ConnectorStatusChange[]): Promise<AfterCommit> {
    if (changes.length === 0) return nothing;
    // The open fault of each connector, newest first, for the whole batch in one query; kept
    // current below as faults open and close, since one connector may report twice.
    const rows = await em.find(
      FaultSchema,
      { station: { $in: [...new Set(changes.map((c) => c.station.id))] }, open: true },
      { orderBy: { openedAt: 'desc' } },
    );
    const openFaults = new Map<string, Fault>();
    for (const fault of rows) {
      const key = `${refId(fault.station)}:${fault.connectorId}`;
      if (!openFaults.has(key)) openFaults.set(key, fault);
    }
    const afters = changes.map((change) => this.statusApplied(em, change, openFaults));
    return () => afters.forEach((after) => after());
  }

  private statusApplied(em: EntityManager, change: ConnectorStatusChange, openFaults: Map<string, Fault>): AfterCommit {
    const { station, report, occurredAt } = change;
    const key = `${station.id}:${report.connectorId}`;
    const open = openFaults.get(key) ?? null;
    const decision = decideFault(
      open
        ? { errorCode: open.errorCode as ConnectorErrorCode, vendorId: open.vendorId ?? null, vendorErrorCode: open.vendorErrorCode ?? null }
        : null,
      { status: report.status, errorCode: report.errorCode, vendorId: report.vendorId ?? null, vendorErrorCode: report.vendorErrorCode ?? null },
    );
    const afters: AfterCommit[] = [];
    if (decision.close && open) {
      open.open = false;
      open.closedAt = occurredAt;
      openFaults.delete(key);
      afters.push(
        this.raise(em, station, {
          kind: 'FAULT_CLEARED',
          severity: 'INFO',
          connectorId: report.connectorId,
          message: `${where(station, report.connectorId)}: ${open.errorCode} cleared`,
          details: {
            errorCode: open.errorCode,
            durationSeconds: String(Math.round((occurredAt.getTime() - open.openedAt.getTime()) / 1000)),
          },
          subject: { type: 'FAULT', id: open.id },
          at: occurredAt,
        }),
      );
    }
    if (decision.open) {
      const fault = em.create(FaultSchema, {
        // Set now, not at flush: the alert below refers to it.
        id: randomUUID(),
        station,
        connectorId: report.connectorId,
        ...statusColumns(report),
        open: true,
        openedAt: occurredAt,
        closedAt: null,
      });
      openFaults.set(key, fault);
      const vendor = [report.vendorId, report.vendorErrorCode].filter(Boolean).join(' ');
      afters.push(
        this.raise(em, station, {
          kind: 'FAULT_OPENED',
          // A faulted connector cannot charge; a warning code on an available one still can.
          severity: report.status === 'FAULTED' ? 'CRITICAL' : 'WARNING',
          connectorId: report.connectorId,
          message: `${where(station, report.connectorId)}: ${report.errorCode}${vendor ? ` (${vendor})` : ''}${report.info ? `: ${report.info}` : ''}`,
          details: compact({
            status: report.status,
            errorCode: report.errorCode,
            info: report.info,
            vendorId: report.vendorId,
            vendorErrorCode: report.vendorErrorCode,
          }),
          subject: { type: 'FAULT', id: fault.id },
          at: occurredAt,
        }),
      );
    }
    return () => afters.forEach((after) => after());
  }

  async booted(em: EntityManager, changes: readonly BootChange[]): Promise<AfterCommit> {
    if (changes.length === 0) return nothing;
    const rows = await em.find(ExpectedRebootSchema, { station: { $in: [...new Set(changes.map((c) => c.station.id))] } });
    const expectedReboots = new Map(rows.map((r) => [refId(r.station), r]));
    const afters = changes.map((change) => {
      const expected = expectedReboots.get(change.station.id) ?? null;
      // Used up by this boot: a second boot in the same batch is not expected any more.
      expectedReboots.delete(change.station.id);
      return this.bootNoted(em, change, expected);
    });
    return () => afters.forEach((after) => after());
  }

  private bootNoted(em: EntityManager, change: BootChange, expected: ExpectedReboot | null): AfterCommit {
    const { station, at } = change;
    let note: BootNote;
    if (expected && expected.expectedUntil.getTime() >= at.getTime()) {
      note = expected.reason === 'RESET' ? 'AFTER_RESET' : 'AFTER_FIRMWARE_UPDATE';
    } else if (!change.previousBootAt) {
      note = 'FIRST_BOOT';
    } else {
      note = 'UNEXPECTED';
    }
    if (expected) em.remove(expected);
    const firmware = station.firmwareVersion ?? null;
    const firmwareChanged = change.previousFirmwareVersion !== null && firmware !== change.previousFirmwareVersion;
    return this.raise(em, station, {
      kind: 'STATION_BOOTED',
      severity: note === 'UNEXPECTED' ? 'WARNING' : 'INFO',
      message: `Station ${station.identity} booted (${BOOT_MESSAGES[note]})${firmwareChanged ? `, firmware ${change.previousFirmwareVersion} -> ${firmware}` : ''}`,
      details: compact({
        note,
        firmwareVersion: firmware,
        previousFirmwareVersion: change.previousFirmwareVersion,
        previousBootAt: change.previousBootAt?.toISOString(),
      }),
      at,
    });
  }

  /** Records an alert in the caller's unit of work; the returned function publishes it after the commit. */
  raise(em: EntityManager, station: Station, input: AlertInput): AfterCommit {
    const alert = em.create(AlertSchema, {
      station,
      kind: input.kind,
      severity: input.severity,
      connectorId: input.connectorId ?? null,
      message: input.message.slice(0, 500),
      details: input.details ?? {},
      subjectType: input.subject?.type ?? null,
      subjectId: input.subject?.id ?? null,
      at: input.at ?? new Date(),
    });
    return () => this.events.publish('station.alert', toAlertView(alert, station));
  }

  /** Notes in the caller's unit of work that the station's next boot is expected (until grace runs out). */
  async expectRebootIn(em: EntityManager, station: Station, reason: RebootReason, withinMs = this.rebootGraceMs): Promise<void> {
    const expectedUntil = new Date(Date.now() + withinMs);
    const existing = await em.findOne(ExpectedRebootSchema, { station });
    if (existing) Object.assign(existing, { reason, expectedUntil });
    else em.create(ExpectedRebootSchema, { station, reason, expectedUntil });
  }

  /**
   * For whoever makes a station reboot (the command layer, once a Reset is accepted): the boot
   * that follows within the grace period is reported as expected, not as a surprise.
   */
  async expectReboot(identity: string, reason: RebootReason, withinMs = this.rebootGraceMs): Promise<void> {
    const em = this.orm.em.fork();
    const station = await this.stations.requireEntity(em, identity);
    await this.expectRebootIn(em, station, reason, withinMs);
    await em.flush();
  }

  // Faults and alerts are operator data: only those of stations the caller operates.
  async getFault(caller: Caller, id: string): Promise<FaultView | null> {
    if (!isUuid(id)) return null;
    const fault = await this.orm.em.fork().findOne(FaultSchema, { id }, { populate: ['station'] });
    if (!fault) return null;
    const view = toFaultView(fault);
    return operates(caller, view) ? view : null;
  }

  async faults(caller: Caller, page: PageRequest, filter: FaultFilter): Promise<Page<FaultView>> {
    if (filter.from && filter.to && filter.from >= filter.to) throw invalid('from must be before to', 'filter.from');
    const where: Record<string, unknown>[] = [operatedRowsWhere(caller.visibility)];
    if (filter.stationIdentity) where.push({ station: { identity: filter.stationIdentity } });
    if (filter.stationId) where.push({ station: filter.stationId });
    if (filter.connectorId !== undefined && filter.connectorId !== null) where.push({ connectorId: filter.connectorId });
    if (filter.open !== undefined && filter.open !== null) where.push({ open: filter.open });
    // Overlapping the window: opened before its end, not closed before its start.
    if (filter.to) where.push({ openedAt: { $lt: filter.to } });
    if (filter.from) where.push({ $or: [{ closedAt: null }, { closedAt: { $gte: filter.from } }] });
    if (page.after) {
      const [at, id] = cursorOf(page.after);
      where.push({ $or: [{ openedAt: { $lt: at } }, { openedAt: at, id: { $lt: id } }] });
    }
    const rows = await this.orm.em
      .fork()
      .find(FaultSchema, { $and: where }, { orderBy: [{ openedAt: 'desc' }, { id: 'desc' }], limit: page.first + 1, populate: ['station'] });
    return toPage(rows, page.first, toFaultView, (f) => encodeCursor([f.openedAt.toISOString(), f.id]));
  }

  /** A station's faults; none when the caller does not operate it. */
  async faultsOf(caller: Caller, station: StationRef, page: PageRequest, filter: OneStation<FaultFilter>): Promise<Page<FaultView>> {
    return operates(caller, station) ? this.faults(caller, page, { ...filter, stationId: station.id }) : NO_PAGE;
  }

  async alerts(caller: Caller, page: PageRequest, filter: AlertFilter): Promise<Page<AlertView>> {
    if (filter.from && filter.to && filter.from >= filter.to) throw invalid('from must be before to', 'filter.from');
    const where: Record<string, unknown>[] = [operatedRowsWhere(caller.visibility)];
    if (filter.stationIdentity) where.push({ station: { identity: filter.stationIdentity } });
    if (filter.stationId) where.push({ station: filter.stationId });
    if (filter.kinds?.length) where.push({ kind: { $in: filter.kinds } });
    if (filter.severities?.length) where.push({ severity: { $in: filter.severities } });
    if (filter.from) where.push({ at: { $gte: filter.from } });
    if (filter.to) where.push({ at: { $lt: filter.to } });
    if (page.after) {
      const [at, id] = cursorOf(page.after);
      where.push({ $or: [{ at: { $lt: at } }, { at, id: { $lt: id } }] });
    }
    const rows = await this.orm.em
      .fork()
      .find(AlertSchema, { $and: where }, { orderBy: [{ at: 'desc' }, { id: 'desc' }], limit: page.first + 1, populate: ['station'] });
    return toPage(rows, page.first, (a) => toAlertView(a, a.station), (a) => encodeCursor([a.at.toISOString(), a.id]));
  }

  /** A station's alerts; none when the caller does not operate it. */
  async alertsOf(caller: Caller, station: StationRef, page: PageRequest, filter: OneStation<AlertFilter>): Promise<Page<AlertView>> {
    return operates(caller, station) ? this.alerts(caller, page, { ...filter, stationId: station.id }) : NO_PAGE;
  }

  connectionHistory(caller: Caller, station: StationRef, range: HistoryRange): Promise<ConnectionEventView[]> {
    return this.history.connectionHistory(caller, station, range);
  }

  statusHistory(caller: Caller, station: StationRef, connectorId: number | null, range: HistoryRange): Promise<StatusEventView[]> {
    return this.history.statusHistory(caller, station, connectorId, range);
  }

  uptime(caller: Caller, station: UptimeStation, from: Date, to: Date, now?: Date): Promise<UptimeView> {
    return this.history.uptime(caller, station, from, to, now);
  }
}

const BOOT_MESSAGES: Record<BootNote, string> = {
  FIRST_BOOT: 'first boot',
  AFTER_RESET: 'after a reset',
  AFTER_FIRMWARE_UPDATE: 'after a firmware update',
  UNEXPECTED: 'unexpected: no reset or update was asked for',
};

const where = (station: Station, connectorId: number) =>
  connectorId === 0 ? `Station ${station.identity}` : `Station ${station.identity} connector ${connectorId}`;

function compact(values: Record<string, string | null | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
}

function cursorOf(after: string): [Date, string] {
  const parsed = decodeCursor(after, z.tuple([z.string().datetime(), z.string().uuid()]));
  if (!parsed) throw invalid('after is not a valid cursor', 'after');
  return [new Date(parsed[0]), parsed[1]];
}

const NO_PAGE: Page<never> = { items: [], hasNextPage: false };

// A filter of one station's rows: the station is given apart.
type OneStation<F> = Omit<F, 'stationIdentity' | 'stationId'>;

const operates = (caller: Caller, station: { organisationId: string | null }) => operatesStation(caller.visibility, station.organisationId);

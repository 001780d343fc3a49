import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Caller } from '../caller.js';
import type { EventPublisher } from '../events.js';
import { isUuid } from '../ids.js';
import { decodeCursor, encodeCursor, toPage, type Page, type PageRequest } from '../pagination.js';
import type { Station } from '../stations/station.entity.js';
import type { StationRef, StationRepository } from '../stations/station.repository.js';
import { operatedRowsWhere, operatesStation } from '../stations/station-scope.js';
import type { Sql } from '../../db/sql.js';
import type {
  AfterCommit,
  BootChange,
  ConnectionClosed,
  ConnectionOpened,
  ConnectorStatusChange,
  StationObserver,
} from '../stations/station-observer.js';
import { StationEventRecorder } from './station-events.recorder.js';
import { AlertSchema } from './alert.entity.js';
import { ExpectedRebootSchema } from './expected-reboot.entity.js';
import { FaultSchema } from './fault.entity.js';
import { invalidMonitoringQuery as invalid } from './monitoring.errors.js';
import type {
  AlertFilter,
  AlertInput,
  AlertView,
  ConnectionEventView,
  FaultFilter,
  FaultView,
  HistoryRange,
  RebootReason,
  StatusEventView,
  UptimeView,
} from './monitoring.types.js';
import { alertColumns, toAlertView, toFaultView } from './monitoring.views.js';
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
  private readonly recorder: StationEventRecorder;

  constructor(
    private readonly orm: MikroORM,
    private readonly events: EventPublisher,
    private readonly stations: StationRepository,
    options: MonitoringServiceOptions = {},
  ) {
    this.rebootGraceMs = options.rebootGraceMs ?? DEFAULT_REBOOT_GRACE_MS;
    this.history = new StationHistoryService(orm);
    this.recorder = new StationEventRecorder(events);
  }

  // The connection path's batches, in the station's raw transaction.
  connectionsClosed(sql: Sql, changes: readonly ConnectionClosed[]): Promise<AfterCommit> {
    return this.recorder.connectionsClosed(sql, changes);
  }

  connectionsOpened(sql: Sql, changes: readonly ConnectionOpened[]): Promise<AfterCommit> {
    return this.recorder.connectionsOpened(sql, changes);
  }

  connectorStatusesApplied(sql: Sql, changes: readonly ConnectorStatusChange[]): Promise<AfterCommit> {
    return this.recorder.connectorStatusesApplied(sql, changes);
  }

  booted(sql: Sql, changes: readonly BootChange[]): Promise<AfterCommit> {
    return this.recorder.booted(sql, changes);
  }

  /** Records an alert in the caller's unit of work; the returned function publishes it after the commit. */
  raise(em: EntityManager, station: Station, input: AlertInput): AfterCommit {
    const alert = em.create(AlertSchema, { station, ...alertColumns(input) });
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

function cursorOf(after: string): [Date, string] {
  const parsed = decodeCursor(after, z.tuple([z.string().datetime(), z.string().uuid()]));
  if (!parsed) throw invalid('after is not a valid cursor', 'after');
  return [new Date(parsed[0]), parsed[1]];
}

const NO_PAGE: Page<never> = { items: [], hasNextPage: false };

// A filter of one station's rows: the station is given apart.
type OneStation<F> = Omit<F, 'stationIdentity' | 'stationId'>;

const operates = (caller: Caller, station: { organisationId: string | null }) => operatesStation(caller.visibility, station.organisationId);

import type { MikroORM } from '@mikro-orm/postgresql';
import type { Caller } from '../caller.js';
import { ConnectorStatusEventSchema } from '../stations/connector-status-event.entity.js';
import type { StationRef } from '../stations/station.repository.js';
import { operatesStation, requireOperates } from '../stations/station-scope.js';
import type { ConnectorStatus } from '../stations/station.types.js';
import { computeAvailability, type StateChange } from './availability.js';
import { invalidMonitoringQuery as invalid } from './monitoring.errors.js';
import type { ConnectionEventView, HistoryRange, StatusEventView, UptimeView } from './monitoring.types.js';
import { toConnectionEventView, toStatusEventView } from './monitoring.views.js';
import { StationConnectionEventSchema } from './station-connection-event.entity.js';

// Uptime reads every event of the window; a year of a busy station is still a few thousand rows.
const MAX_UPTIME_WINDOW_MS = 366 * 24 * 3600_000;

/** The station whose uptime is asked for, as the caller already has it. */
export type UptimeStation = StationRef & { identity: string };

/**
 * A station's connection and status histories, and the uptime and availability computed from
 * them. Operator data: only of stations the caller operates.
 */
export class StationHistoryService {
  constructor(private readonly orm: MikroORM) {}

  /** Newest first; none for a station the caller does not operate. */
  async connectionHistory(caller: Caller, station: StationRef, range: HistoryRange): Promise<ConnectionEventView[]> {
    if (!operatesStation(caller.visibility, station.organisationId)) return [];
    const rows = await this.orm.em
      .fork()
      .find(
        StationConnectionEventSchema,
        { $and: [{ station: station.id }, ...timeRange('at', range)] },
        { orderBy: [{ at: 'desc' }, { id: 'desc' }], limit: range.limit },
      );
    return rows.map(toConnectionEventView);
  }

  /** Every status report as received, late ones included, newest (by the charger's time) first. */
  async statusHistory(caller: Caller, station: StationRef, connectorId: number | null, range: HistoryRange): Promise<StatusEventView[]> {
    if (!operatesStation(caller.visibility, station.organisationId)) return [];
    const where: Record<string, unknown>[] = [{ station: station.id }, ...timeRange('occurredAt', range)];
    if (connectorId !== null) where.push({ connectorId });
    const rows = await this.orm.em
      .fork()
      .find(ConnectorStatusEventSchema, { $and: where }, { orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }], limit: range.limit });
    return rows.map(toStatusEventView);
  }

  /**
   * Online time of the station and serviceable time of each connector over [from, to), from the
   * connection and status histories. A window reaching into the future is measured until now.
   * STATION_NOT_FOUND for a station the caller does not operate.
   */
  async uptime(caller: Caller, station: UptimeStation, from: Date, to: Date, now = new Date()): Promise<UptimeView> {
    requireOperates(caller.visibility, station);
    const stationId = station.id;
    if (from >= to) throw invalid('from must be before to', 'from');
    if (from >= now) throw invalid('from must be in the past', 'from');
    if (to.getTime() - from.getTime() > MAX_UPTIME_WINDOW_MS) throw invalid('the window may span at most 366 days', 'to');
    const end = to < now ? to : now;
    const em = this.orm.em.fork();

    const [connectionBefore, connectionChanges, statusBefore, statusChanges] = await Promise.all([
      em.findOne(
        StationConnectionEventSchema,
        { station: stationId, at: { $lt: from } },
        { orderBy: [{ at: 'desc' }, { id: 'desc' }], fields: ['online'] },
      ),
      em.find(
        StationConnectionEventSchema,
        { station: stationId, at: { $gte: from, $lt: end } },
        { orderBy: [{ at: 'asc' }, { id: 'asc' }], fields: ['online', 'at'] },
      ),
      // The status each connector was in when the window opened.
      em.getConnection().execute<{ connector_id: number; status: ConnectorStatus }[]>(
        `select distinct on (connector_id) connector_id, status
           from connector_status_event
          where station_id = ? and occurred_at < ?
          order by connector_id, occurred_at desc, id desc`,
        [stationId, from],
      ),
      em.find(
        ConnectorStatusEventSchema,
        { station: stationId, occurredAt: { $gte: from, $lt: end } },
        { orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }], fields: ['connectorId', 'status', 'occurredAt'] },
      ),
    ]);

    const connectors = new Map<number, { before: ConnectorStatus | null; changes: StateChange<ConnectorStatus>[] }>();
    const connector = (id: number) => {
      let entry = connectors.get(id);
      if (!entry) connectors.set(id, (entry = { before: null, changes: [] }));
      return entry;
    };
    for (const row of statusBefore) connector(row.connector_id).before = row.status;
    for (const row of statusChanges) connector(row.connectorId).changes.push({ at: row.occurredAt, state: row.status as ConnectorStatus });

    const availability = computeAvailability({
      from,
      to: end,
      connection: {
        before: connectionBefore?.online ?? null,
        changes: connectionChanges.map((c) => ({ at: c.at, state: c.online })),
      },
      connectors: [...connectors].map(([connectorId, history]) => ({ connectorId, ...history })),
    });
    return { ...availability, from: from.toISOString(), to: end.toISOString() };
  }
}

function timeRange(field: string, range: HistoryRange): Record<string, unknown>[] {
  if (range.from && range.to && range.from >= range.to) throw invalid('from must be before to', 'from');
  const out: Record<string, unknown>[] = [];
  if (range.from) out.push({ [field]: { $gte: range.from } });
  if (range.to) out.push({ [field]: { $lt: range.to } });
  return out;
}

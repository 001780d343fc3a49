import { randomUUID } from 'node:crypto';
import type { Sql } from '../../db/sql.js';
import type { EventPublisher } from '../events.js';
import type { AfterCommit, BootChange, ConnectionClosed, ConnectionOpened, ConnectorStatusChange, StationKey } from '../stations/station-observer.js';
import type { ConnectorErrorCode } from '../stations/station.types.js';
import { decideFault } from './fault-rule.js';
import type { AlertInput, AlertView, BootNote, RebootReason } from './monitoring.types.js';
import { alertColumns } from './monitoring.views.js';

interface OpenFault {
  id: string;
  errorCode: string;
  vendorId: string | null;
  vendorErrorCode: string | null;
  openedAt: Date;
}

/**
 * Monitoring's rows for the connection path: connection events (in and out), boot notes, faults and alerts
 * for a batch of connects, boots or statuses, in raw SQL inside the station's transaction (see
 * StationObserver). A batch costs a few statements whatever its size; what is decided here is
 * the same as MonitoringService decides for single changes.
 */
export class StationEventRecorder {
  constructor(private readonly events: EventPublisher) {}

  async connectionsOpened(sql: Sql, changes: readonly ConnectionOpened[]): Promise<AfterCommit> {
    if (changes.length === 0) return nothing;
    await sql.query(
      `insert into station_connection_event (station_id, online, reason, node_id, at)
       select i.station_id, true, null, i.node_id, i.at from unnest($1::uuid[], $2::text[], $3::timestamptz[]) as i(station_id, node_id, at)`,
      [changes.map((c) => c.station.id), changes.map((c) => c.nodeId), changes.map((c) => c.at)],
    );
    // A socket replaced by a newer one: the station never stopped being reachable.
    const alerts = changes
      .filter((c) => !c.wasOnline)
      .map(({ station, offlineSince, at }): { station: StationKey; input: AlertInput } => {
        const offlineSeconds = offlineSince ? Math.round((at.getTime() - offlineSince.getTime()) / 1000) : null;
        return {
          station,
          input: {
            kind: 'STATION_ONLINE',
            severity: 'INFO',
            message:
              offlineSeconds === null
                ? `Station ${station.identity} is online`
                : `Station ${station.identity} is back online after ${offlineSeconds} s offline`,
            details: offlineSince ? { offlineSince: offlineSince.toISOString(), offlineSeconds: String(offlineSeconds) } : {},
            at,
          },
        };
      });
    return this.insertAlerts(sql, alerts);
  }

  async connectionsClosed(sql: Sql, changes: readonly ConnectionClosed[]): Promise<AfterCommit> {
    if (changes.length === 0) return nothing;
    await sql.query(
      `insert into station_connection_event (station_id, online, reason, node_id, at)
       select i.station_id, false, i.reason, i.node_id, i.at from unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[]) as i(station_id, reason, node_id, at)`,
      [changes.map((c) => c.station.id), changes.map((c) => c.reason?.slice(0, 200) ?? null), changes.map((c) => c.nodeId), changes.map((c) => c.at)],
    );
    return this.insertAlerts(
      sql,
      changes.map(({ station, reason, at }): { station: StationKey; input: AlertInput } => ({
        station,
        input: {
          kind: 'STATION_OFFLINE',
          severity: 'WARNING',
          message: `Station ${station.identity} went offline${reason ? ` (${reason})` : ''}`,
          details: reason ? { reason } : {},
          at,
        },
      })),
    );
  }

  async booted(sql: Sql, changes: readonly BootChange[]): Promise<AfterCommit> {
    if (changes.length === 0) return nothing;
    // Consumed by the boot, expired or not.
    const { rows } = await sql.query<{ station_id: string; reason: RebootReason; expected_until: Date }>(
      'delete from expected_reboot where station_id = any($1::uuid[]) returning station_id, reason, expected_until',
      [[...new Set(changes.map((c) => c.station.id))]],
    );
    const expected = new Map(rows.map((r) => [r.station_id, r]));
    const alerts = changes.map((change) => {
      const { station, at } = change;
      const reboot = expected.get(station.id);
      // A second boot in the same batch is not expected any more.
      expected.delete(station.id);
      let note: BootNote;
      if (reboot && reboot.expected_until.getTime() >= at.getTime()) note = reboot.reason === 'RESET' ? 'AFTER_RESET' : 'AFTER_FIRMWARE_UPDATE';
      else if (!change.previousBootAt) note = 'FIRST_BOOT';
      else note = 'UNEXPECTED';
      const firmware = change.firmwareVersion;
      const firmwareChanged = change.previousFirmwareVersion !== null && firmware !== change.previousFirmwareVersion;
      const input: AlertInput = {
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
      };
      return { station, input };
    });
    return this.insertAlerts(sql, alerts);
  }

  /** Opens and closes faults as the statuses say (see decideFault), in the order they were applied. */
  async connectorStatusesApplied(sql: Sql, changes: readonly ConnectorStatusChange[]): Promise<AfterCommit> {
    if (changes.length === 0) return nothing;
    const { rows } = await sql.query<OpenFault & { stationId: string; connectorId: number }>(
      `select id, station_id as "stationId", connector_id as "connectorId", error_code as "errorCode", vendor_id as "vendorId",
              vendor_error_code as "vendorErrorCode", opened_at as "openedAt"
         from fault where station_id = any($1::uuid[]) and open order by opened_at desc`,
      [[...new Set(changes.map((c) => c.station.id))]],
    );
    // The newest open fault per connector, kept current as faults open and close below.
    const open = new Map<string, OpenFault>();
    for (const f of rows) if (!open.has(`${f.stationId}:${f.connectorId}`)) open.set(`${f.stationId}:${f.connectorId}`, f);
    const closed: { id: string; at: Date }[] = [];
    const opened: Record<string, unknown>[] = [];
    const alerts: { station: StationKey; input: AlertInput }[] = [];
    for (const { station, report, occurredAt } of changes) {
      const key = `${station.id}:${report.connectorId}`;
      const current = open.get(key) ?? null;
      const decision = decideFault(
        current ? { errorCode: current.errorCode as ConnectorErrorCode, vendorId: current.vendorId, vendorErrorCode: current.vendorErrorCode } : null,
        { status: report.status, errorCode: report.errorCode, vendorId: report.vendorId ?? null, vendorErrorCode: report.vendorErrorCode ?? null },
      );
      if (decision.close && current) {
        open.delete(key);
        closed.push({ id: current.id, at: occurredAt });
        alerts.push({
          station,
          input: {
            kind: 'FAULT_CLEARED',
            severity: 'INFO',
            connectorId: report.connectorId,
            message: `${where(station, report.connectorId)}: ${current.errorCode} cleared`,
            details: { errorCode: current.errorCode, durationSeconds: String(Math.round((occurredAt.getTime() - current.openedAt.getTime()) / 1000)) },
            subject: { type: 'FAULT', id: current.id },
            at: occurredAt,
          },
        });
      }
      if (decision.open) {
        const fault: OpenFault = {
          id: randomUUID(),
          errorCode: report.errorCode,
          vendorId: report.vendorId ?? null,
          vendorErrorCode: report.vendorErrorCode ?? null,
          openedAt: occurredAt,
        };
        open.set(key, fault);
        opened.push({
          id: fault.id,
          station_id: station.id,
          connector_id: report.connectorId,
          status: report.status,
          error_code: report.errorCode,
          info: report.info ?? null,
          vendor_id: fault.vendorId,
          vendor_error_code: fault.vendorErrorCode,
          opened_at: occurredAt,
        });
        const vendor = [report.vendorId, report.vendorErrorCode].filter(Boolean).join(' ');
        alerts.push({
          station,
          input: {
            kind: 'FAULT_OPENED',
            // A faulted connector cannot charge; a warning code on an available one still can.
            severity: report.status === 'FAULTED' ? 'CRITICAL' : 'WARNING',
            connectorId: report.connectorId,
            message: `${where(station, report.connectorId)}: ${report.errorCode}${vendor ? ` (${vendor})` : ''}${report.info ? `: ${report.info}` : ''}`,
            details: compact({ status: report.status, errorCode: report.errorCode, info: report.info, vendorId: report.vendorId, vendorErrorCode: report.vendorErrorCode }),
            subject: { type: 'FAULT', id: fault.id },
            at: occurredAt,
          },
        });
      }
    }
    if (closed.length > 0) {
      await sql.query('update fault f set open = false, closed_at = i.at from unnest($1::uuid[], $2::timestamptz[]) as i(id, at) where f.id = i.id', [
        closed.map((c) => c.id),
        closed.map((c) => c.at),
      ]);
    }
    if (opened.length > 0) {
      await sql.query(
        `insert into fault (id, station_id, connector_id, status, error_code, info, vendor_id, vendor_error_code, open, opened_at, closed_at)
         select i.id, i.station_id, i.connector_id, i.status, i.error_code, i.info, i.vendor_id, i.vendor_error_code, true, i.opened_at, null
           from jsonb_to_recordset($1::jsonb) as i(id uuid, station_id uuid, connector_id int, status text, error_code text, info text,
                vendor_id text, vendor_error_code text, opened_at timestamptz)`,
        [JSON.stringify(opened)],
      );
    }
    return this.insertAlerts(sql, alerts);
  }

  /** The alerts in one statement; the returned function publishes them after the commit. */
  private async insertAlerts(sql: Sql, alerts: readonly { station: StationKey; input: AlertInput }[]): Promise<AfterCommit> {
    if (alerts.length === 0) return nothing;
    const views: AlertView[] = alerts.map(({ station, input }) => {
      const columns = alertColumns(input);
      return {
        id: randomUUID(),
        stationId: station.id,
        stationIdentity: station.identity,
        organisationId: station.organisationId,
        ...columns,
        at: columns.at.toISOString(),
      };
    });
    await sql.query(
      `insert into alert (id, station_id, kind, severity, connector_id, message, details, subject_type, subject_id, at)
       select i.id, i."stationId", i.kind, i.severity, i."connectorId", i.message, i.details, i."subjectType", i."subjectId", i.at
         from jsonb_to_recordset($1::jsonb) as i(id uuid, "stationId" uuid, kind text, severity text, "connectorId" int, message text,
              details jsonb, "subjectType" text, "subjectId" uuid, at timestamptz)`,
      [JSON.stringify(views)],
    );
    return () => views.forEach((view) => this.events.publish('station.alert', view));
  }
}

const nothing: AfterCommit = () => {};

const BOOT_MESSAGES: Record<BootNote, string> = {
  FIRST_BOOT: 'first boot',
  AFTER_RESET: 'after a reset',
  AFTER_FIRMWARE_UPDATE: 'after a firmware update',
  UNEXPECTED: 'unexpected: no reset or update was asked for',
};

const where = (station: { identity: string }, connectorId: number) =>
  connectorId === 0 ? `Station ${station.identity}` : `Station ${station.identity} connector ${connectorId}`;

function compact(values: Record<string, string | null | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
}

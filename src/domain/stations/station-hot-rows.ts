import type pg from 'pg';
import { inTransaction, type Sql } from '../../db/sql.js';
import type { StationKey } from './station-observer.js';
import { statusColumns, toProfile } from './station.types.js';
import type { BootInfo, ConnectorStatusReport, StationCredentials } from './station.types.js';

export interface ConnectedRow {
  id: string;
  identity: string;
  organisationId: string | null;
  wasOnline: boolean;
  offlineSince: Date | null;
}

export interface KeyRow {
  id: string;
  identity: string;
  organisationId: string | null;
}

export interface BootedRow {
  id: string;
  identity: string;
  organisationId: string | null;
  online: boolean;
  firmwareVersion: string | null;
  previousBootAt: Date | null;
  previousFirmwareVersion: string | null;
}

export interface StatusRow {
  stationId: string;
  report: ConnectorStatusReport;
  occurredAt: Date;
  receivedAt: Date;
}

const STATUS_RECORD =
  'station_id uuid, connector_id int, status text, "errorCode" text, info text, "vendorId" text, "vendorErrorCode" text, occurred_at timestamptz, received_at timestamptz';


/**
 * Station and connector rows on the connection path, in raw SQL on the raw pool: a fleet that
 * reconnects at once sends thousands of handshakes, BootNotifications and StatusNotifications
 * within seconds, and each is written in a batch of its kind (see BatchQueue) in a few
 * statements, with no unit of work. Everything else about stations goes through StationRepository.
 */
export class StationHotRows {
  constructor(private readonly pool: pg.Pool) {}

  /** One transaction on the raw pool, for a batch and what observers add to it. */
  transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }

  /** What the handshakes of these chargers need, in one query; unknown identities are absent. */
  async credentialsOf(identities: readonly string[]): Promise<Map<string, StationCredentials>> {
    const { rows } = await this.pool.query<{ id: string; identity: string; password_hash: string | null; security_profile: number; organisation_id: string | null }>(
      'select id, identity, password_hash, security_profile, organisation_id from station where identity = any($1::text[])',
      [identities],
    );
    return new Map(
      rows.map((r) => [
        r.identity,
        { id: r.id, organisationId: r.organisation_id, passwordHash: r.password_hash, securityProfile: toProfile(r.security_profile) },
      ]),
    );
  }

  /** Marks these stations connected to `nodeId`; answers what they were before, for those that exist. */
  async markConnected(sql: Sql, connects: readonly { identity: string; protocol: string; at: Date }[], nodeId: string): Promise<ConnectedRow[]> {
    const { rows } = await sql.query<ConnectedRow>(
      `update station s
          set online = true, ocpp_protocol = i.protocol, connected_node_id = $4, connected_at = i.at, last_seen_at = i.at, updated_at = now()
         from unnest($1::text[], $2::text[], $3::timestamptz[]) as i(identity, protocol, at),
              (select id, online, disconnected_at from station where identity = any($1::text[]) for update) old
        where s.identity = i.identity and s.id = old.id
       returning s.id, s.identity, s.organisation_id as "organisationId", old.online as "wasOnline", old.disconnected_at as "offlineSince"`,
      [connects.map((c) => c.identity), connects.map((c) => c.protocol), connects.map((c) => c.at), nodeId],
    );
    return rows;
  }

  /** Writes what these stations said at boot; answers the previous boot and firmware, for those that exist. */
  async recordBoots(sql: Sql, boots: readonly { identity: string; boot: BootInfo; at: Date }[]): Promise<BootedRow[]> {
    const input = boots.map(({ identity, boot, at }) => ({
      identity,
      vendor: boot.vendor,
      model: boot.model,
      serial_number: boot.serialNumber ?? null,
      charge_box_serial_number: boot.chargeBoxSerialNumber ?? null,
      firmware_version: boot.firmwareVersion ?? null,
      iccid: boot.iccid ?? null,
      imsi: boot.imsi ?? null,
      meter_type: boot.meterType ?? null,
      meter_serial_number: boot.meterSerialNumber ?? null,
      at,
    }));
    const { rows } = await sql.query<BootedRow>(
      `update station s
          set vendor = i.vendor, model = i.model, serial_number = i.serial_number, charge_box_serial_number = i.charge_box_serial_number,
              firmware_version = i.firmware_version, iccid = i.iccid, imsi = i.imsi, meter_type = i.meter_type,
              meter_serial_number = i.meter_serial_number, last_boot_at = i.at, last_seen_at = i.at, updated_at = now()
         from jsonb_to_recordset($1::jsonb) as i(identity text, vendor text, model text, serial_number text, charge_box_serial_number text,
              firmware_version text, iccid text, imsi text, meter_type text, meter_serial_number text, at timestamptz),
              (select id, last_boot_at, firmware_version from station where identity = any($2::text[]) for update) old
        where s.identity = i.identity and s.id = old.id
       returning s.id, s.identity, s.organisation_id as "organisationId", s.online, s.firmware_version as "firmwareVersion",
                 old.last_boot_at as "previousBootAt", old.firmware_version as "previousFirmwareVersion"`,
      [JSON.stringify(input), boots.map((b) => b.identity)],
    );
    return rows;
  }

  /** The stations behind these identities, as the connection path names them. */
  async keysOf(sql: Sql, identities: readonly string[]): Promise<Map<string, StationKey>> {
    const { rows } = await sql.query<StationKey>(
      'select id, identity, organisation_id as "organisationId", online from station where identity = any($1::text[])',
      [identities],
    );
    return new Map(rows.map((r) => [r.identity, r]));
  }

  /**
   * Applies each status to its connector (created on first report) unless a newer one is known,
   * and keeps every report in the history. Each connector at most once per call. Answers the
   * `<stationId>:<connectorId>` keys that were applied.
   */
  async applyConnectorStatuses(sql: Sql, reports: readonly StatusRow[]): Promise<Set<string>> {
    const input = JSON.stringify(
      reports.map((r) => ({
        station_id: r.stationId,
        connector_id: r.report.connectorId,
        ...statusColumns(r.report),
        occurred_at: r.occurredAt,
        received_at: r.receivedAt,
      })),
    );
    const { rows } = await sql.query<{ station_id: string; connector_id: number }>(
      `insert into connector (id, station_id, connector_id, status, error_code, info, vendor_id, vendor_error_code, status_at, updated_at)
       select gen_random_uuid(), i.station_id, i.connector_id, i.status, i."errorCode", i.info, i."vendorId", i."vendorErrorCode", i.occurred_at, now()
         from jsonb_to_recordset($1::jsonb) as i(${STATUS_RECORD})
       on conflict (station_id, connector_id) do update
          set status = excluded.status, error_code = excluded.error_code, info = excluded.info, vendor_id = excluded.vendor_id,
              vendor_error_code = excluded.vendor_error_code, status_at = excluded.status_at, updated_at = now()
        where connector.status_at is null or connector.status_at <= excluded.status_at
       returning station_id, connector_id`,
      [input],
    );
    const applied = new Set(rows.map((r) => `${r.station_id}:${r.connector_id}`));
    await sql.query(
      `insert into connector_status_event (station_id, connector_id, status, error_code, info, vendor_id, vendor_error_code, occurred_at, received_at, applied)
       select i.station_id, i.connector_id, i.status, i."errorCode", i.info, i."vendorId", i."vendorErrorCode", i.occurred_at, i.received_at,
              (i.station_id::text || ':' || i.connector_id) = any($2::text[])
         from jsonb_to_recordset($1::jsonb) as i(${STATUS_RECORD})`,
      [input, [...applied]],
    );
    return applied;
  }

  /**
   * Takes these stations offline where this node's socket (opened at `connectedAt`) is still the
   * one the row holds: the charger may already be back, here or on another node.
   */
  async markDisconnected(
    sql: Sql,
    sockets: readonly { identity: string; connectedAt: Date | null; at: Date; lastSeenAt: Date | null }[],
    nodeId: string,
  ): Promise<KeyRow[]> {
    const { rows } = await sql.query<KeyRow>(
      `update station s
          set online = false, connected_node_id = null, disconnected_at = i.at, last_seen_at = coalesce(i.last_seen, s.last_seen_at), updated_at = now()
         from unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::timestamptz[]) as i(identity, connected_at, at, last_seen)
        where s.identity = i.identity and s.connected_node_id = $5 and (i.connected_at is null or s.connected_at = i.connected_at)
       returning s.id, s.identity, s.organisation_id as "organisationId"`,
      [sockets.map((x) => x.identity), sockets.map((x) => x.connectedAt), sockets.map((x) => x.at), sockets.map((x) => x.lastSeenAt), nodeId],
    );
    return rows;
  }

  /** Every station the database places on `nodeId` goes offline (the node restarted or died). */
  async releaseNode(sql: Sql, nodeId: string, at: Date): Promise<KeyRow[]> {
    const { rows } = await sql.query<KeyRow>(
      `update station set online = false, connected_node_id = null, disconnected_at = $2, updated_at = now()
        where connected_node_id = $1
       returning id, identity, organisation_id as "organisationId"`,
      [nodeId, at],
    );
    return rows;
  }

  /** Auto-registration: stations named by their identity, owned by no operator, defaults as `register` gives. */
  async registerUnowned(identities: readonly string[]): Promise<void> {
    await this.pool.query(
      `insert into station (id, identity, name, organisation_id, created_at, updated_at)
       select gen_random_uuid(), i.identity, i.identity, null, now(), now() from unnest($1::text[]) as i(identity)
       on conflict (identity) do nothing`,
      [identities],
    );
  }
}

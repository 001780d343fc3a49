import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { refId } from '../../db/ref.js';
import { ALL, type Visibility } from '../accounts/viewer.js';
import { isUuid } from '../ids.js';
import { ConnectorStatusEventSchema } from './connector-status-event.entity.js';
import { ConnectorSchema, type Connector } from './connector.entity.js';
import { StationSchema, type Station } from './station.entity.js';
import { StationError, stationNotFound } from './station.errors.js';
import { findableStationsWhere, findsStation, operatesStation } from './station-scope.js';
import type { ConnectorStatus, SecurityProfile, StationCredentials } from './station.types.js';

/** A station as other areas need it on hot paths: its id and owner. */
export interface StationRef {
  id: string;
  organisationId: string | null;
}

export interface StationBillingFacts {
  id: string;
  identity: string;
  name: string;
  organisationId: string | null;
  timeZone: string;
  address: string | null;
  latitude: string | null;
  longitude: string | null;
}

/** A station another area acts on for a caller who operates it (commands, diagnostics, firmware, grants). */
export interface OperatedStation extends StationRef {
  identity: string;
  /** The protocol it last connected with; null if it never connected. */
  protocol: string | null;
  timeZone: string;
}

// How long a cached owner is trusted; identities and ids never change, owners might.
const REF_TTL_MS = 30_000;

type CachedRef = StationRef & { timeZone: string; at: number };

const OPERATED_FIELDS = ['id', 'identity', 'organisation', 'ocppProtocol', 'timeZone'] as const;

/**
 * The only place that queries station and connector rows. Every lookup "this station, if the
 * caller may see it, else STATION_NOT_FOUND" is here, so no area writes it again and a station
 * of another organisation answers exactly as one that does not exist.
 */
export class StationRepository {
  private readonly idByIdentity = new Map<string, string>();
  private readonly refByIdentity = new Map<string, CachedRef>();
  private readonly refByStationId = new Map<string, CachedRef>();

  constructor(
    private readonly orm: MikroORM,
    // The raw pool of the hot paths (see StationHotRows).
    private readonly pool: pg.Pool,
  ) {}

  fork(): EntityManager {
    return this.orm.em.fork();
  }

  /** The station behind an action only its operators may take; STATION_NOT_FOUND for anyone else. */
  async requireOperated(identity: string, visibility: Visibility): Promise<OperatedStation> {
    const row = await this.fork().findOne(StationSchema, { identity }, { fields: [...OPERATED_FIELDS] });
    if (!row || !operatesStation(visibility, refId(row.organisation))) throw stationNotFound(identity);
    return toOperated(row);
  }

  /** Every station named, when the caller operates each; STATION_NOT_FOUND naming the rest otherwise. */
  async requireAllOperated(identities: readonly string[], visibility: Visibility): Promise<OperatedStation[]> {
    const rows = await this.fork().find(StationSchema, { identity: { $in: [...identities] } }, { fields: [...OPERATED_FIELDS] });
    const operated = rows.filter((s) => operatesStation(visibility, refId(s.organisation)));
    const missing = identities.filter((identity) => !operated.some((s) => s.identity === identity));
    if (missing.length) {
      throw new StationError('STATION_NOT_FOUND', `no station with identity ${missing.map((m) => `"${m}"`).join(', ')}`, {
        field: 'stationIdentities',
      });
    }
    return operated.map(toOperated);
  }

  /** The whole row, in the caller's unit of work, when the caller operates it (ALL: the system). */
  async requireEntity(em: EntityManager, identity: string, visibility: Visibility = ALL): Promise<Station> {
    const station = await em.findOne(StationSchema, { identity });
    if (!station || !operatesStation(visibility, refId(station.organisation))) throw stationNotFound(identity);
    return station;
  }

  /** A station the caller finds (drivers: any; operators: their organisation's); null otherwise. */
  async findVisible(em: EntityManager, identity: string, visibility: Visibility): Promise<Station | null> {
    const station = await em.findOne(StationSchema, { identity });
    return station && findsStation(visibility, refId(station.organisation)) ? station : null;
  }

  /** The stations with these ids that the caller finds, in no particular order. */
  async findVisibleByIds(em: EntityManager, ids: readonly string[], visibility: Visibility): Promise<Station[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return [];
    const rows = await em.find(StationSchema, { id: { $in: valid } });
    return rows.filter((s) => findsStation(visibility, refId(s.organisation)));
  }

  /** A page of the stations the caller finds, by identity. */
  async page(
    em: EntityManager,
    visibility: Visibility,
    filter: { online?: boolean | null; search?: string | null; afterIdentity?: string | null },
    limit: number,
  ): Promise<Station[]> {
    const where: Record<string, unknown> = { ...findableStationsWhere(visibility) };
    if (filter.online !== undefined && filter.online !== null) where.online = filter.online;
    if (filter.search) {
      const like = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.$or = [{ identity: { $ilike: like } }, { name: { $ilike: like } }];
    }
    if (filter.afterIdentity) where.identity = { $gt: filter.afterIdentity };
    return em.find(StationSchema, where, { orderBy: { identity: 'asc' }, limit });
  }

  async connectorsByStation(em: EntityManager, stationIds: readonly string[]): Promise<Map<string, Connector[]>> {
    const out = new Map<string, Connector[]>();
    if (stationIds.length === 0) return out;
    const rows = await em.find(ConnectorSchema, { station: { $in: [...stationIds] } }, { orderBy: { connectorId: 'asc' } });
    for (const c of rows) {
      const id = refId(c.station)!;
      if (!out.has(id)) out.set(id, []);
      out.get(id)!.push(c);
    }
    return out;
  }

  /** The connector ids the station has reported. */
  async connectorIds(stationId: string): Promise<number[]> {
    const rows = await this.fork().find(ConnectorSchema, { station: stationId }, { fields: ['connectorId'] });
    return rows.map((c) => c.connectorId);
  }

  /** The energy register last read on a connector, in Wh; null when none is known. */
  async lastRegisterWh(stationId: string, connectorId: number): Promise<number | null> {
    const row = await this.fork().findOne(ConnectorSchema, { station: stationId, connectorId }, { fields: ['lastRegisterWh'] });
    return row?.lastRegisterWh ?? null;
  }

  /** What a bill names and prices by: the station's place and time zone. */
  async billingFacts(stationId: string): Promise<StationBillingFacts | null> {
    const row = await this.fork().findOne(
      StationSchema,
      { id: stationId },
      { fields: ['id', 'identity', 'name', 'organisation', 'timeZone', 'address', 'latitude', 'longitude'] },
    );
    if (!row) return null;
    return {
      id: row.id,
      identity: row.identity,
      name: row.name,
      organisationId: refId(row.organisation),
      timeZone: row.timeZone,
      address: row.address ?? null,
      latitude: row.latitude ?? null,
      longitude: row.longitude ?? null,
    };
  }

  /**
   * A connector's statuses over [from, to] at the charger's own times, oldest first, led by
   * the last one before `from` (the status the span began in).
   */
  async statusTimeline(stationId: string, connectorId: number, from: Date, to: Date): Promise<{ at: Date; status: ConnectorStatus }[]> {
    const em = this.fork();
    const where = { station: stationId, connectorId };
    const fields = ['occurredAt', 'status'] as const;
    const [before, during] = await Promise.all([
      em.findOne(ConnectorStatusEventSchema, { ...where, occurredAt: { $lt: from } }, { fields, orderBy: { occurredAt: 'desc', id: 'desc' } }),
      em.find(ConnectorStatusEventSchema, { ...where, occurredAt: { $gte: from, $lte: to } }, { fields, orderBy: { occurredAt: 'asc', id: 'asc' } }),
    ]);
    return [...(before ? [before] : []), ...during].map((e) => ({ at: e.occurredAt, status: e.status as ConnectorStatus }));
  }

  async lastBootAt(stationId: string): Promise<Date | null> {
    const row = await this.fork().findOne(StationSchema, { id: stationId }, { fields: ['lastBootAt'] });
    return row?.lastBootAt ?? null;
  }

  /** The station's id for a hot path; identities never change once registered. */
  async idOf(identity: string): Promise<string | null> {
    const cached = this.idByIdentity.get(identity);
    if (cached) return cached;
    const row = await this.fork().findOne(StationSchema, { identity }, { fields: ['id'] });
    if (row) this.idByIdentity.set(identity, row.id);
    return row?.id ?? null;
  }

  /** Id and owner for a hot path (events carry the owner so subscriptions can filter by it). */
  async refOf(identity: string): Promise<StationRef | null> {
    const cached = this.refByIdentity.get(identity);
    if (cached && Date.now() - cached.at < REF_TTL_MS) return { id: cached.id, organisationId: cached.organisationId };
    const row = await this.fork().findOne(StationSchema, { identity }, { fields: ['id', 'organisation', 'timeZone'] });
    if (!row) return null;
    this.idByIdentity.set(identity, row.id);
    return this.cacheRef(identity, row);
  }

  /** Id and owner by the station's id (the tariff a session starts under); cached as refOf. */
  async refById(stationId: string): Promise<StationRef | null> {
    const cached = await this.cachedById(stationId);
    return cached ? { id: cached.id, organisationId: cached.organisationId } : null;
  }

  /** The station's time zone for a hot path (a running cost), cached as refOf. */
  async timeZoneById(stationId: string): Promise<string | null> {
    return (await this.cachedById(stationId))?.timeZone ?? null;
  }

  private async cachedById(stationId: string): Promise<CachedRef | null> {
    const cached = this.refByStationId.get(stationId);
    if (cached && Date.now() - cached.at < REF_TTL_MS) return cached;
    if (!isUuid(stationId)) return null;
    const row = await this.fork().findOne(StationSchema, { id: stationId }, { fields: ['id', 'identity', 'organisation', 'timeZone'] });
    if (!row) return null;
    this.cacheRef(row.identity, row);
    return this.refByStationId.get(stationId)!;
  }

  // One read fills both caches: the identity's (OCPP messages) and the id's (tariffs, costs).
  private cacheRef(identity: string, row: Pick<Station, 'id' | 'organisation' | 'timeZone'>): StationRef {
    // Aged by up to half the TTL at random: a fleet cached within seconds (a reconnect storm)
    // must not expire, and be read again, all in the same second.
    const at = Date.now() - Math.random() * (REF_TTL_MS / 2);
    const entry: CachedRef = { id: row.id, organisationId: refId(row.organisation), timeZone: row.timeZone, at };
    this.refByIdentity.set(identity, entry);
    this.refByStationId.set(row.id, entry);
    return { id: entry.id, organisationId: entry.organisationId };
  }

  /** What the charger handshake needs; null for an unknown identity. */
  /** Records a higher profile the station just connected with; never lowers it. */
  async raiseSecurityProfile(identity: string, profile: SecurityProfile): Promise<boolean> {
    return (await this.fork().nativeUpdate(StationSchema, { identity, securityProfile: { $lt: profile } }, { securityProfile: profile })) > 0;
  }

  /** The node holding the station's socket, or null when it is offline. */
  async connectedNodeOf(identity: string): Promise<string | null> {
    const row = await this.fork().findOne(StationSchema, { identity }, { fields: ['connectedNodeId'] });
    return row?.connectedNodeId ?? null;
  }

  /**
   * Nodes the database places stations on, none of which connected within the last `seconds`
   * (a node that is still up takes new connections; a dead one has not since it died).
   */
  async nodesConnectedOnlyBefore(seconds: number): Promise<string[]> {
    const rows: { node_id: string }[] = await this.fork().execute(
      `select connected_node_id as node_id from station
        where connected_node_id is not null
        group by connected_node_id
       having max(coalesce(connected_at, '-infinity')) < now() - make_interval(secs => ?)`,
      [seconds],
    );
    return rows.map((r) => r.node_id);
  }

  async setHeartbeat(identity: string, at: Date): Promise<void> {
    await this.fork().nativeUpdate(StationSchema, { identity }, { lastHeartbeatAt: at });
  }

  /** One statement for every buffered last-seen time; a later time never goes back. */
  async flushLastSeen(seen: readonly (readonly [identity: string, at: Date])[]): Promise<void> {
    if (seen.length === 0) return;
    // On the raw pool: the ORM's execute spreads an array parameter into a list of values.
    await this.pool.query(
      `update station s set last_seen_at = greatest(s.last_seen_at, v.seen)
         from unnest($1::text[], $2::timestamptz[]) as v(identity, seen)
        where s.identity = v.identity`,
      [seen.map(([i]) => i), seen.map(([, d]) => d)],
    );
  }

  // --- for monitoring, sessions, access ---

  /** The station's id for the system's own work (a charger's messages); STATION_NOT_FOUND for an unknown identity. */
  async requireId(identity: string): Promise<string> {
    const id = await this.idOf(identity);
    if (!id) throw stationNotFound(identity);
    return id;
  }

  /** Id and owner for the system's own work, as refOf; STATION_NOT_FOUND for an unknown identity. */
  async requireRef(identity: string): Promise<StationRef> {
    const ref = await this.refOf(identity);
    if (!ref) throw stationNotFound(identity);
    return ref;
  }
}


function toOperated(row: Pick<Station, 'id' | 'identity' | 'organisation' | 'ocppProtocol' | 'timeZone'>): OperatedStation {
  return {
    id: row.id,
    identity: row.identity,
    organisationId: refId(row.organisation),
    protocol: row.ocppProtocol ?? null,
    timeZone: row.timeZone,
  };
}

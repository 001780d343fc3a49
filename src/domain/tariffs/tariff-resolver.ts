import type { MikroORM } from '@mikro-orm/postgresql';
import { refId } from '../../db/ref.js';
import { isUuid } from '../ids.js';
import type { StationRepository } from '../stations/station.repository.js';
import type { TariffLookup, TariffVersionRef } from './tariff-lookup.js';
import { TariffVersionSchema, type TariffVersion } from './tariff-version.entity.js';

/** The plans area's answer to "does this driver's plan have its own tariff". */
export interface PlanTariffs {
  tariffIdFor(userId: string, at: Date): Promise<string | null>;
}

interface Timeline {
  at: number;
  versions: { id: string; createdAt: number }[];
}

// Versions never change: kept for good (up to a bound). Which tariff a connector has and which
// versions a tariff has do change: kept briefly, and dropped on this node at once when they do.
const MAX_VERSIONS_CACHED = 10_000;

/**
 * Which tariff version prices a session: read from the database once per StartTransaction at
 * most, then from memory. The order: the driver's plan tariff, the connector's assignment, the
 * station's, the station operator's default; then the version in force at the session's start
 * (a transaction a charger reports late is priced as it was when it happened).
 */
export class TariffResolver implements Omit<TariffLookup, 'ocpi'> {
  private readonly versions = new Map<string, TariffVersionRef>();
  private readonly timelines = new Map<string, Timeline>();
  private readonly placements = new Map<string, { at: number; tariffId: string | null }>();

  constructor(
    private readonly orm: MikroORM,
    private readonly stations: StationRepository,
    private readonly options: { planTariffs?: PlanTariffs; ttlMs: number },
  ) {}

  async forSession(stationId: string, connectorId: number, userId: string | null, at: Date): Promise<TariffVersionRef | null> {
    const planTariffId = userId && this.options.planTariffs ? await this.options.planTariffs.tariffIdFor(userId, at) : null;
    const tariffId = planTariffId ?? (await this.assignedTariff(stationId, connectorId));
    return tariffId ? this.versionInForce(tariffId, at) : null;
  }

  async version(versionId: string): Promise<TariffVersionRef | null> {
    const cached = this.versions.get(versionId);
    if (cached) return cached;
    if (!isUuid(versionId)) return null;
    const row = await this.orm.em.fork().findOne(TariffVersionSchema, { id: versionId }, { populate: ['tariff'] });
    return row ? this.remember(row) : null;
  }

  /** A version just saved or read by the service: cached like any other. */
  remember(row: TariffVersion): TariffVersionRef {
    const ref: TariffVersionRef = {
      tariffId: row.tariff.id,
      versionId: row.id,
      version: row.version,
      organisationId: refId(row.tariff.organisation),
      definition: row.definition,
      createdAt: row.createdAt,
    };
    if (this.versions.size >= MAX_VERSIONS_CACHED) this.versions.delete(this.versions.keys().next().value!);
    this.versions.set(row.id, ref);
    return ref;
  }

  /** Assignments or versions changed on this node: what was read of them is stale. */
  forget(): void {
    this.placements.clear();
    this.timelines.clear();
  }

  /** The tariff assigned to the connector, its station, or its operator, in that order. */
  private async assignedTariff(stationId: string, connectorId: number): Promise<string | null> {
    const key = `${stationId}:${connectorId}`;
    const cached = this.placements.get(key);
    if (cached && Date.now() - cached.at < this.options.ttlMs) return cached.tariffId;
    const station = await this.stations.refById(stationId);
    let tariffId: string | null = null;
    if (station) {
      // One plain query on the start path (the ORM's hydration costs more than the lookup).
      const rows: { tariff_id: string; station_id: string | null; connector_id: number | null }[] = await this.orm.em
        .getConnection()
        .execute(
          `select tariff_id, station_id, connector_id from tariff_assignment
            where (station_id = ? and (connector_id = ? or connector_id is null))
               or (station_id is null and organisation_id = ?)`,
          [station.id, connectorId, station.organisationId],
        );
      const rank = (r: (typeof rows)[number]) => (r.connector_id !== null ? 0 : r.station_id !== null ? 1 : 2);
      const best = rows.sort((a, b) => rank(a) - rank(b))[0];
      tariffId = best?.tariff_id ?? null;
    }
    this.placements.set(key, { at: Date.now(), tariffId });
    return tariffId;
  }

  /** The latest version made at or before `at`; the first one for a session older than the tariff. */
  private async versionInForce(tariffId: string, at: Date): Promise<TariffVersionRef | null> {
    let timeline = this.timelines.get(tariffId);
    if (!timeline || Date.now() - timeline.at >= this.options.ttlMs) {
      const rows = await this.orm.em
        .fork()
        .find(TariffVersionSchema, { tariff: tariffId }, { fields: ['id', 'createdAt'], orderBy: { version: 'asc' } });
      timeline = { at: Date.now(), versions: rows.map((r) => ({ id: r.id, createdAt: r.createdAt.getTime() })) };
      this.timelines.set(tariffId, timeline);
    }
    const { versions } = timeline;
    if (versions.length === 0) return null;
    let inForce = versions[0]!;
    for (const v of versions) if (v.createdAt <= at.getTime()) inForce = v;
    return this.version(inForce.id);
  }
}

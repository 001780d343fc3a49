import type { EventBus } from '../../events/event-bus.js';
import type { Logger } from '../../logger.js';
import type { ActiveBenefits, PlanBenefitsSource } from '../plans/plan-benefits.js';
import type { MeterPoint, SessionCost, StatusChange } from '../pricing/pricing.types.js';
import type { SessionFactsReader } from '../sessions/session-facts.js';
import type { SessionEnergyRow } from '../sessions/meter-sample-writer.js';
import type { SampledValue } from '../sessions/session.types.js';
import type { StationRepository } from '../stations/station.repository.js';
import type { TariffLookup } from '../tariffs/tariff-lookup.js';
import type { TariffDefinition } from '../tariffs/tariff.model.js';
import { costOf, freeTariff, priceOf } from './session-pricing.js';

// Running costs of the sessions whose chargers this node serves, kept in memory: a meter batch
// updates the session's compact timeline and re-prices it with the same engine and rules as
// the final CDR, without touching the database. A session this node did not see start (after a
// restart, or a charger that moved node) is loaded once, in the background, from its rows.

const ENERGY = 'Energy.Active.Import.Register';
const KEPT = new Set([ENERGY, 'Power.Active.Import', 'Current.Import']);
/** Kept points of one measurand at most this close together: a long session stays a few hundred points. */
const POINT_SPACING_MS = 60_000;

/** What a session's start tells the running cost. */
export interface SessionStart {
  sessionId: string;
  stationId: string;
  organisationId: string | null;
  connectorId: number;
  userId: string | null;
  tariffVersionId: string | null;
  startedAt: Date;
  /** The register energy is counted from. */
  meterStartWh: number;
  energyWh: number;
  lastSampleAt: Date | null;
}

interface Running {
  stationId: string;
  connectorId: number;
  tariff: TariffDefinition;
  timeZone: string;
  startedAt: Date;
  meterStartWh: number;
  energyWh: number;
  lastAt: Date;
  points: MeterPoint[];
  statuses: StatusChange[];
  benefits: ActiveBenefits | null;
  cost: SessionCost | null;
  pricedAt: number;
  /** Samples arrived since the last pricing. */
  dirty: boolean;
}

export class LiveCosts {
  private readonly running = new Map<string, Running>();
  /** Session ids by station, for the status feed. */
  private readonly byStation = new Map<string, Set<string>>();
  private readonly loading = new Set<string>();
  private statusFeed: AsyncIterableIterator<unknown> | null = null;

  constructor(
    private readonly tariffs: TariffLookup,
    private readonly stations: StationRepository,
    private readonly facts: SessionFactsReader,
    private readonly plans: PlanBenefitsSource | null,
    private readonly options: { minIntervalMs: number; defaultCurrency: string },
    private readonly log: Logger,
  ) {}

  /** Follows connector statuses (charging vs. parked) of the sessions it prices. */
  start(events: EventBus): void {
    const feed = events.subscribe('station.status');
    this.statusFeed = feed;
    void (async () => {
      for await (const e of feed) {
        if (e.kind !== 'CONNECTOR_STATUS' || !e.status || e.connectorId === null) continue;
        for (const id of this.byStation.get(e.stationId) ?? []) {
          const r = this.running.get(id);
          if (r && r.connectorId === e.connectorId) {
            insertStatus(r.statuses, { at: new Date(e.occurredAt), status: e.status });
            r.dirty = true;
            r.pricedAt = 0;
          }
        }
      }
    })().catch((err) => this.log.warn('live cost status feed ended', { err: String(err) }));
  }

  async close(): Promise<void> {
    await this.statusFeed?.return?.();
    this.running.clear();
    this.byStation.clear();
  }

  /** A session that just started here: priced from what the start knew, without reading it back. */
  async begin(session: SessionStart): Promise<SessionCost | null> {
    // Cached with the station's id and owner: no query on the start path once the station spoke.
    const timeZone = await this.stations.timeZoneById(session.stationId);
    if (timeZone === null) return null;
    const [version, benefits] = await Promise.all([
      session.tariffVersionId ? this.tariffs.version(session.tariffVersionId) : null,
      session.userId && this.plans ? this.plans.benefitsFor(session.userId, session.startedAt, session.organisationId) : null,
    ]);
    const r: Running = {
      stationId: session.stationId,
      connectorId: session.connectorId,
      tariff: version?.definition ?? freeTariff(this.options.defaultCurrency),
      timeZone,
      startedAt: session.startedAt,
      meterStartWh: session.meterStartWh,
      energyWh: session.energyWh,
      lastAt: session.lastSampleAt ?? session.startedAt,
      points: [],
      statuses: [],
      benefits,
      cost: null,
      pricedAt: 0,
      dirty: false,
    };
    this.running.set(session.sessionId, r);
    const ids = this.byStation.get(r.stationId) ?? new Set<string>();
    this.byStation.set(r.stationId, ids.add(session.sessionId));
    return this.price(r);
  }

  /** The cost after this batch, or the last one computed; null when not known here yet. */
  metered(row: SessionEnergyRow, samples: readonly SampledValue[]): SessionCost | null {
    const r = this.running.get(row.id);
    if (!r) {
      if (row.status === 'ACTIVE') this.loadInBackground(row.id);
      return null;
    }
    for (const s of samples) if (KEPT.has(s.measurand)) addPoint(r.points, s);
    r.energyWh = Number(row.energy_wh);
    if (row.last_sample_at && row.last_sample_at > r.lastAt) r.lastAt = row.last_sample_at;
    r.dirty = true;
    // A re-price reads the whole (compact) timeline: at most once per interval per session on
    // the hot path, so 5,000 chargers metering every second cost a few hundred re-prices a second.
    return Date.now() - r.pricedAt >= this.options.minIntervalMs ? this.price(r) : r.cost;
  }

  /** The cost up to the latest sample, re-priced if samples came since (for a query, not the hot path). */
  current(sessionId: string): SessionCost | null {
    const r = this.running.get(sessionId);
    if (!r) return null;
    return r.dirty || !r.cost ? this.price(r) : r.cost;
  }

  end(sessionId: string): void {
    const r = this.running.get(sessionId);
    if (!r) return;
    this.running.delete(sessionId);
    const ids = this.byStation.get(r.stationId);
    ids?.delete(sessionId);
    if (ids?.size === 0) this.byStation.delete(r.stationId);
  }

  private price(r: Running): SessionCost {
    const endedAt = r.lastAt;
    const priced = priceOf({
      tariff: r.tariff,
      timeZone: r.timeZone,
      startedAt: r.startedAt,
      endedAt,
      meterStartWh: r.meterStartWh,
      // The energy the session's meter rules counted so far: the estimate agrees with energyWh.
      meterStopWh: r.meterStartWh + r.energyWh,
      samples: r.points,
      statuses: r.statuses,
      benefits: r.benefits,
    });
    r.cost = costOf(priced, false, endedAt);
    r.pricedAt = Date.now();
    r.dirty = false;
    return r.cost;
  }

  private loadInBackground(sessionId: string): void {
    if (this.loading.has(sessionId)) return;
    this.loading.add(sessionId);
    void (async () => {
      try {
        const facts = await this.facts.load(sessionId);
        if (!facts || facts.status !== 'ACTIVE') return;
        const station = await this.stations.refById(facts.stationId);
        await this.begin({ ...facts, organisationId: station?.organisationId ?? null });
        const r = this.running.get(sessionId);
        if (!r) return;
        for (const p of facts.samples) if (KEPT.has(p.measurand)) addPointOf(r.points, p);
        r.statuses = await this.stations.statusTimeline(r.stationId, r.connectorId, r.startedAt, new Date());
        this.price(r);
      } catch (err) {
        this.log.warn('could not load a running session for its live cost', { sessionId, err: String(err) });
      } finally {
        this.loading.delete(sessionId);
      }
    })();
  }
}

function addPoint(points: MeterPoint[], s: SampledValue): void {
  addPointOf(points, { at: s.sampledAt, measurand: s.measurand, unit: s.unit, phase: s.phase, context: s.context, value: s.value });
}

// The newest point of a measurand replaces the previous one while they are close together.
function addPointOf(points: MeterPoint[], p: MeterPoint): void {
  for (let i = points.length - 1; i >= 0; i--) {
    const q = points[i]!;
    if (q.measurand !== p.measurand || q.phase !== p.phase) continue;
    if (p.at.getTime() < q.at.getTime()) break;
    const previous = findPrevious(points, i);
    if (previous && p.at.getTime() - previous.at.getTime() < POINT_SPACING_MS) {
      points[i] = p;
      return;
    }
    break;
  }
  points.push(p);
}

function findPrevious(points: MeterPoint[], i: number): MeterPoint | null {
  const q = points[i]!;
  for (let j = i - 1; j >= 0; j--) if (points[j]!.measurand === q.measurand && points[j]!.phase === q.phase) return points[j]!;
  return null;
}

function insertStatus(statuses: StatusChange[], s: StatusChange): void {
  let i = statuses.length;
  while (i > 0 && statuses[i - 1]!.at > s.at) i--;
  statuses.splice(i, 0, s);
}

import type { TariffDimensionType, TariffElement } from '../tariffs/tariff.model.js';
import type { EnergyTimeline } from './energy-timeline.js';
import { Dec } from './money.js';
import type { ChargingPeriod } from './pricing.types.js';
import { isValid, momentAt, restrictionInstants, type BoundaryContext } from './restrictions.js';
import { stateAt, type SessionState, type StateSpan } from './session-state.js';

// The session cut into charging periods: a new period wherever the charging/parking state changes
// or any element's restrictions become valid or invalid (OCPI 2.2.1: "a CPO SHALL at least start
// (and add) a ChargingPeriod every moment/event that has relevance for the total costs"). Candidate
// instants (state changes, local HH:MM and midnights, DST jumps, kWh crossings interpolated in
// time, duration thresholds, power/current changes) cut the session into pieces; each piece is
// judged at its midpoint (validity cannot change inside it), and neighbours with the same state
// and the same valid elements are merged.

export interface Segment {
  from: number;
  to: number;
  state: SessionState;
  /** Per tariff element: are all its restrictions valid throughout this segment. */
  valid: boolean[];
  energyWh: Dec;
  maxPowerKw: Dec;
  maxCurrentA: Dec | null;
}

export interface SegmentInput extends BoundaryContext {
  elements: readonly TariffElement[];
  spans: readonly StateSpan[];
}

export function buildSegments(input: SegmentInput): Segment[] {
  const { start, end, elements, spans, energy } = input;
  const judge = (t: number) => {
    const moment = momentAt(t, input);
    return { state: stateAt(spans, t), valid: elements.map((el) => isValid(el.restrictions, moment)) };
  };
  if (end <= start) {
    const j = judge(start);
    return [{ from: start, to: start, ...j, energyWh: new Dec(0), maxPowerKw: new Dec(0), maxCurrentA: null }];
  }
  const cuts = new Set<number>([start, end]);
  for (const s of spans) if (s.from > start && s.from < end) cuts.add(s.from);
  for (const t of restrictionInstants(elements, input)) cuts.add(t);
  const sorted = [...cuts].sort((a, b) => a - b);
  const pieces: { from: number; to: number; state: SessionState; valid: boolean[] }[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const from = sorted[i - 1];
    const to = sorted[i];
    const j = judge((from + to) / 2);
    const last = pieces[pieces.length - 1];
    if (last && last.state === j.state && last.valid.every((v, k) => v === j.valid[k])) last.to = to;
    else pieces.push({ from, to, ...j });
  }
  return pieces.map((p) => ({
    ...p,
    energyWh: energy.energyAt(p.to).minus(energy.energyAt(p.from)),
    maxPowerKw: energy.maxPowerKwIn(p.from, p.to),
    maxCurrentA: energy.maxCurrentAIn(p.from, p.to),
  }));
}

/** The element whose component prices `type` in this segment: the first valid one that has it. */
export function activeElement(segment: Segment, elements: readonly TariffElement[], type: TariffDimensionType): number | null {
  for (let i = 0; i < elements.length; i++) {
    if (segment.valid[i] && elements[i].price_components.some((c) => c.type === type)) return i;
  }
  return null;
}

/** Decimal string without exponent or trailing zeros, at most `dp` places. */
export function volume(d: Dec, dp = 6): string {
  return d.toDecimalPlaces(dp, Dec.ROUND_HALF_UP).toFixed();
}

const HOUR_MS = 3_600_000;

/** The OCPI ChargingPeriods of the segments: raw volumes (before step_size). */
export function toChargingPeriods(segments: readonly Segment[]): ChargingPeriod[] {
  return segments.map((s) => {
    const hours = new Dec(s.to - s.from).div(HOUR_MS);
    const dimensions: ChargingPeriod['dimensions'] = [{ type: 'ENERGY', volume: volume(s.energyWh.div(1000)) }];
    dimensions.push({ type: s.state === 'CHARGING' ? 'TIME' : 'PARKING_TIME', volume: volume(hours) });
    if (s.maxPowerKw.greaterThan(0)) dimensions.push({ type: 'MAX_POWER', volume: volume(s.maxPowerKw, 3) });
    if (s.maxCurrentA !== null) dimensions.push({ type: 'MAX_CURRENT', volume: volume(s.maxCurrentA, 3) });
    return { start_date_time: new Date(s.from).toISOString(), dimensions };
  });
}

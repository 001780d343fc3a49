import { Dec } from './money.js';
import type { MeterSeries, Reading } from './meter-readings.js';
import { chargingMs, type StateSpan } from './session-state.js';

// The session's energy as a clean timeline: energy charged since the start (Wh, decimal) at
// "knots", piecewise linear between them and never decreasing; plus power and current as step
// functions. How messy data is read:
//
// - The chain is meterStart at the start, the register samples, meterStop at the end. A value
//   below the one before it is a register reset (or a meter swap): nothing is counted for that
//   step and counting goes on from the new value. meterStop below meterStart with nothing in
//   between is the same rule: 0 Wh, and a note. Money is therefore never negative.
// - A register sample at the very start instant is the base instead of meterStart; meterStop is
//   the value at the end instant, over a sample at the same instant.
// - No usable register sample: meterStop − meterStart, spread evenly over the charging time.
//   No meterStop either (a live estimate, a stop without one): what the samples say, else 0 Wh.
// - Live estimate (meterStop null): energy up to the last sample, flat after it.
// - Between two readings energy is spread over the charging time between them (a parking
//   stretch in between gets none); when that stretch has no charging at all, linearly in time.
// - Power: Power.Active.Import samples hold until the next one; where there is none yet, the
//   power is derived from the energy slope. Current: Current.Import samples hold until the next;
//   before the first one (or with none at all) the current is unknown (null).

export interface Knot {
  at: number;
  wh: Dec;
}

export interface EnergyTimeline {
  knots: Knot[];
  totalWh: Dec;
  notes: string[];
  energyAt(t: number): Dec;
  /** The first instant the energy reaches `wh` (ms, rounded up), or null if it never does. */
  timeAtEnergy(wh: Dec): number | null;
  powerKwAt(t: number): Dec;
  currentAAt(t: number): Dec | null;
  maxPowerKwIn(a: number, b: number): Dec;
  maxCurrentAIn(a: number, b: number): Dec | null;
  /** Instants where power or current may change (sample times, knots). */
  changeInstants(): number[];
}

export interface EnergyInput {
  start: number;
  end: number;
  meterStartWh: number;
  meterStopWh: number | null;
  series: MeterSeries;
  spans: readonly StateSpan[];
}

const iso = (t: number) => new Date(t).toISOString();

function chainKnots(input: EnergyInput, notes: string[]): Knot[] {
  const { start, end, meterStartWh, meterStopWh, series } = input;
  const register = series.register;
  if (register.length === 0) {
    if (meterStopWh === null) {
      notes.push('no energy register samples and no meter stop value: energy counted as 0 Wh so far');
      return [
        { at: start, wh: new Dec(0) },
        { at: end, wh: new Dec(0) },
      ];
    }
    const wh = new Dec(meterStopWh).minus(meterStartWh);
    if (wh.isNegative()) {
      notes.push(`meter stop ${meterStopWh} Wh is below meter start ${meterStartWh} Wh: energy counted as 0 Wh`);
      return [
        { at: start, wh: new Dec(0) },
        { at: end, wh: new Dec(0) },
      ];
    }
    notes.push('no energy register samples: meter stop − meter start spread evenly over the charging time');
    return [
      { at: start, wh: new Dec(0) },
      { at: end, wh },
    ];
  }
  const chain: Reading[] = [];
  const first = register[0];
  if (first.at === start) {
    if (!first.value.equals(meterStartWh)) notes.push(`register at the start (${first.value} Wh) differs from meter start ${meterStartWh} Wh; counted from the register`);
  } else chain.push({ at: start, value: new Dec(meterStartWh) });
  for (const r of register) chain.push(r);
  const live = meterStopWh === null;
  if (!live) {
    const last = chain[chain.length - 1];
    if (last.at === end) {
      if (!last.value.equals(meterStopWh)) notes.push(`register at the stop (${last.value} Wh) differs from meter stop ${meterStopWh} Wh; meter stop used`);
      chain.pop();
    }
    chain.push({ at: end, value: new Dec(meterStopWh) });
  }
  const knots: Knot[] = [{ at: chain[0].at, wh: new Dec(0) }];
  for (let i = 1; i < chain.length; i++) {
    const d = chain[i].value.minus(chain[i - 1].value);
    const previous = knots[knots.length - 1].wh;
    if (d.isNegative()) {
      const atStop = !live && i === chain.length - 1;
      notes.push(
        atStop
          ? `meter stop ${chain[i].value} Wh is below the last reading ${chain[i - 1].value} Wh: nothing counted for the last stretch`
          : `register went back from ${chain[i - 1].value} Wh to ${chain[i].value} Wh at ${iso(chain[i].at)}; counted from there`,
      );
    }
    knots.push({ at: chain[i].at, wh: d.isNegative() ? previous : previous.plus(d) });
  }
  if (live) {
    const last = knots[knots.length - 1];
    if (last.at < end) knots.push({ at: end, wh: last.wh });
  }
  return knots;
}

/** Spreads each stretch's energy over its charging time: knots at the state changes inside it. */
function spreadOverCharging(knots: Knot[], spans: readonly StateSpan[]): Knot[] {
  const out: Knot[] = [knots[0]];
  for (let i = 1; i < knots.length; i++) {
    const a = knots[i - 1];
    const b = knots[i];
    const gained = b.wh.minus(a.wh);
    const charging = chargingMs(spans, a.at, b.at);
    if (gained.greaterThan(0) && charging > 0 && charging < b.at - a.at) {
      for (const s of spans) {
        if (s.from > a.at && s.from < b.at) {
          out.push({ at: s.from, wh: a.wh.plus(gained.times(chargingMs(spans, a.at, s.from)).div(charging)) });
        }
      }
    }
    out.push(b);
  }
  return out;
}

/** Index of the first item whose `at` is greater than t (binary search; items sorted by at). */
function firstAfter(items: readonly { at: number }[], t: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid].at > t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function holdAt(readings: readonly Reading[], t: number): Dec | null {
  const i = firstAfter(readings, t);
  return i === 0 ? null : readings[i - 1].value;
}

export function buildEnergyTimeline(input: EnergyInput): EnergyTimeline {
  const notes: string[] = [];
  const knots = spreadOverCharging(chainKnots(input, notes), input.spans);
  const { powerKw, currentA } = input.series;
  const totalWh = knots[knots.length - 1].wh;

  const segmentAt = (t: number): number => Math.min(Math.max(firstAfter(knots, t), 1), knots.length - 1);
  const energyAt = (t: number): Dec => {
    if (t <= knots[0].at) return knots[0].wh;
    if (t >= knots[knots.length - 1].at) return totalWh;
    const i = segmentAt(t);
    const a = knots[i - 1];
    const b = knots[i];
    if (b.at === a.at) return b.wh;
    return a.wh.plus(b.wh.minus(a.wh).times(t - a.at).div(b.at - a.at));
  };
  const slopeKw = (i: number): Dec => {
    const a = knots[i - 1];
    const b = knots[i];
    if (!a || !b || b.at <= a.at) return new Dec(0);
    // Wh per ms × 3,600,000 ms/h ÷ 1000 W/kW
    return b.wh.minus(a.wh).times(3600).div(b.at - a.at);
  };
  const powerKwAt = (t: number): Dec => holdAt(powerKw, t) ?? (t < knots[0].at || t >= knots[knots.length - 1].at ? new Dec(0) : slopeKw(segmentAt(t)));

  return {
    knots,
    totalWh,
    notes,
    energyAt,
    timeAtEnergy(wh: Dec): number | null {
      if (knots[0].wh.greaterThanOrEqualTo(wh)) return knots[0].at;
      for (let i = 1; i < knots.length; i++) {
        const a = knots[i - 1];
        const b = knots[i];
        if (b.wh.greaterThanOrEqualTo(wh)) {
          const exact = new Dec(a.at).plus(wh.minus(a.wh).times(b.at - a.at).div(b.wh.minus(a.wh)));
          return exact.ceil().toNumber();
        }
      }
      return null;
    },
    powerKwAt,
    currentAAt: (t) => holdAt(currentA, t),
    maxPowerKwIn(a: number, b: number): Dec {
      let max = powerKwAt(a);
      for (const r of powerKw) if (r.at > a && r.at < b && r.value.greaterThan(max)) max = r.value;
      for (let i = 1; i < knots.length; i++) {
        if (knots[i].at <= a || knots[i - 1].at >= b) continue;
        const mid = (Math.max(a, knots[i - 1].at) + Math.min(b, knots[i].at)) / 2;
        const p = powerKwAt(mid);
        if (p.greaterThan(max)) max = p;
      }
      return max;
    },
    maxCurrentAIn(a: number, b: number): Dec | null {
      let max = holdAt(currentA, a);
      for (const r of currentA) if (r.at > a && r.at < b && (max === null || r.value.greaterThan(max))) max = r.value;
      return max;
    },
    changeInstants: () => [...knots.map((k) => k.at), ...powerKw.map((r) => r.at), ...currentA.map((r) => r.at)],
  };
}

import { Dec } from './money.js';
import type { MeterPoint } from './pricing.types.js';

// Meter samples as chargers really send them, read into clean, sorted series. Only the charger's
// own timestamps count. What is odd about the data is said in `notes`, never silently guessed.
//
// - Energy: Energy.Active.Import.Register (also an empty measurand, OCPP's default), in Wh or kWh
//   (no unit: Wh). Per-phase registers are ignored: the total register is what is billed.
// - Power: Power.Active.Import in W or kW (no unit: W), total only. Current: Current.Import in A,
//   the phases of one instant summed (OCPI's current restrictions are "over all phases"); a value
//   without a phase at an instant is taken as that instant's total.
// - Non-numeric values are ignored; so are samples outside [start, end] (a charger's clock, a
//   previous session's Transaction.End), duplicates (same instant, same value) and, for the
//   register, several values at one instant but the highest.

export interface Reading {
  at: number;
  value: Dec;
}

export interface MeterSeries {
  register: Reading[];
  powerKw: Reading[];
  currentA: Reading[];
  notes: string[];
}

const REGISTER = 'Energy.Active.Import.Register';
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function scale(measurand: string, unit: string | null): Dec | null {
  const u = (unit ?? '').trim();
  if (measurand === REGISTER) return u === '' || u === 'Wh' ? new Dec(1) : u === 'kWh' ? new Dec(1000) : null;
  if (measurand === 'Power.Active.Import') return u === '' || u === 'W' ? new Dec('0.001') : u === 'kW' ? new Dec(1) : null;
  if (measurand === 'Current.Import') return u === '' || u === 'A' ? new Dec(1) : null;
  return null;
}

export function readMeter(samples: readonly MeterPoint[], start: number, end: number): MeterSeries {
  const notes: string[] = [];
  let outOfOrder = false;
  let nonNumeric = 0;
  let outside = 0;
  let badUnit = 0;
  const register: Reading[] = [];
  const power: Reading[] = [];
  const currentParts = new Map<number, { total: Dec | null; phases: Map<string, Dec> }>();
  let previousAt = -Infinity;
  for (const s of samples) {
    const at = s.at.getTime();
    if (!Number.isFinite(at)) continue;
    if (at < previousAt) outOfOrder = true;
    previousAt = at;
    const measurand = s.measurand === '' ? REGISTER : s.measurand;
    if (measurand !== REGISTER && measurand !== 'Power.Active.Import' && measurand !== 'Current.Import') continue;
    const phase = s.phase ?? null;
    if (measurand !== 'Current.Import' && phase !== null && phase !== '') continue;
    const raw = String(s.value ?? '').trim();
    if (!NUMBER.test(raw)) {
      nonNumeric++;
      continue;
    }
    const factor = scale(measurand, s.unit);
    if (factor === null) {
      badUnit++;
      continue;
    }
    if (at < start || at > end) {
      outside++;
      continue;
    }
    const value = new Dec(raw).times(factor);
    if (measurand === REGISTER) {
      if (value.isNegative()) {
        nonNumeric++;
        continue;
      }
      register.push({ at, value });
    } else if (measurand === 'Power.Active.Import') {
      power.push({ at, value });
    } else {
      const entry = currentParts.get(at) ?? { total: null, phases: new Map<string, Dec>() };
      if (phase === null || phase === '') entry.total = value;
      else if (phase !== 'N') entry.phases.set(phase, value);
      currentParts.set(at, entry);
    }
  }
  const current: Reading[] = [...currentParts.entries()].map(([at, e]) => ({
    at,
    value: e.total ?? [...e.phases.values()].reduce((acc, v) => acc.plus(v), new Dec(0)),
  }));
  const cleanRegister = dedupe(register, 'max', notes, 'register');
  if (outOfOrder) notes.push('meter samples arrived out of order; read in the order of the charger’s timestamps');
  if (nonNumeric > 0) notes.push(`${nonNumeric} meter value(s) not a usable number; ignored`);
  if (badUnit > 0) notes.push(`${badUnit} meter value(s) in a unit not understood; ignored`);
  if (outside > 0) notes.push(`${outside} meter value(s) outside the session’s start and end; ignored`);
  return {
    register: cleanRegister,
    powerKw: dedupe(power, 'last', notes, 'power'),
    currentA: dedupe(current, 'last', notes, 'current'),
    notes,
  };
}

/** Sorted by time, one reading per instant. */
function dedupe(readings: Reading[], keep: 'max' | 'last', notes: string[], what: string): Reading[] {
  const sorted = [...readings].sort((a, b) => a.at - b.at);
  const out: Reading[] = [];
  let duplicates = 0;
  let conflicting = 0;
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && last.at === r.at) {
      if (last.value.equals(r.value)) duplicates++;
      else {
        conflicting++;
        if (keep === 'last' || r.value.greaterThan(last.value)) out[out.length - 1] = r;
      }
      continue;
    }
    out.push(r);
  }
  if (duplicates > 0) notes.push(`${duplicates} duplicate ${what} sample(s) ignored`);
  if (conflicting > 0) notes.push(`${conflicting} ${what} sample(s) at an instant that already had another value; ${keep === 'max' ? 'the highest' : 'the last'} kept`);
  return out;
}

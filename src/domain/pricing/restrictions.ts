import { Dec } from './money.js';
import type { TariffElement, TariffRestrictions } from '../tariffs/tariff.model.js';
import type { EnergyTimeline } from './energy-timeline.js';
import { dayStarts, localParts, offsetTransitions, parseHhMm, timeOfDayInstants, type LocalParts } from './local-time.js';

// Is a tariff element's restriction set valid at one moment of the session? All restrictions of
// an element must hold (OCPI 2.2.1 TariffRestrictions); an element without restrictions always
// applies. Read as OCPI 2.2.1 words them:
// - start_time inclusive, end_time exclusive, local wall clock; end_time before start_time wraps
//   midnight; end_time "00:00" means the end of the day. A time band is checked at each instant on
//   its own: with day_of_week FRIDAY, "22:00–06:00" does not cover Saturday 02:00.
// - start_date inclusive, end_date exclusive, local date. day_of_week: the local weekday.
// - min_kwh inclusive, max_kwh exclusive, on the energy charged so far in this session.
// - min_power / min_current inclusive, max_power / max_current exclusive, on the power (kW) and
//   current (A, all phases summed) at that moment. With no current data at all at that moment a
//   current restriction is NOT valid: nothing shows it holds.
// - min_duration inclusive, max_duration exclusive, seconds since the session started.
// - reservation: such an element prices a reservation, not a session; never valid here (the
//   engine prices sessions only; nothing in PricingInput says a reservation was made).

export interface Moment {
  elapsedMs: number;
  energyWh: Dec;
  powerKw: Dec;
  currentA: Dec | null;
  local: LocalParts;
}

const dec = (v: string | null | undefined): Dec | null => (v === null || v === undefined || v === '' ? null : new Dec(v));

export function isValid(r: TariffRestrictions | null | undefined, m: Moment): boolean {
  if (!r) return true;
  if (r.reservation) return false;
  if ((r.start_time || r.end_time) && !timeOfDayValid(r, m.local.secondOfDay)) return false;
  if (r.start_date && m.local.date < r.start_date) return false;
  if (r.end_date && m.local.date >= r.end_date) return false;
  if (r.day_of_week && r.day_of_week.length > 0 && !r.day_of_week.includes(m.local.day)) return false;
  const kwh = m.energyWh.div(1000);
  const minKwh = dec(r.min_kwh);
  const maxKwh = dec(r.max_kwh);
  if (minKwh && kwh.lessThan(minKwh)) return false;
  if (maxKwh && kwh.greaterThanOrEqualTo(maxKwh)) return false;
  const minPower = dec(r.min_power);
  const maxPower = dec(r.max_power);
  if (minPower && m.powerKw.lessThan(minPower)) return false;
  if (maxPower && m.powerKw.greaterThanOrEqualTo(maxPower)) return false;
  const minCurrent = dec(r.min_current);
  const maxCurrent = dec(r.max_current);
  if (minCurrent || maxCurrent) {
    if (m.currentA === null) return false;
    if (minCurrent && m.currentA.lessThan(minCurrent)) return false;
    if (maxCurrent && m.currentA.greaterThanOrEqualTo(maxCurrent)) return false;
  }
  const seconds = m.elapsedMs / 1000;
  if (r.min_duration !== null && r.min_duration !== undefined && seconds < r.min_duration) return false;
  if (r.max_duration !== null && r.max_duration !== undefined && seconds >= r.max_duration) return false;
  return true;
}

function timeOfDayValid(r: TariffRestrictions, secondOfDay: number): boolean {
  const start = r.start_time ? parseHhMm(r.start_time) : null;
  let end = r.end_time ? parseHhMm(r.end_time) : null;
  if (start === null && end === null) return true;
  if (end === 0) end = 24 * 60;
  const s = start === null ? 0 : start * 60;
  const e = end === null ? 24 * 3600 : end * 60;
  if (e >= s) return secondOfDay >= s && secondOfDay < e;
  return secondOfDay >= s || secondOfDay < e;
}

export interface BoundaryContext {
  start: number;
  end: number;
  zone: string;
  energy: EnergyTimeline;
}

/** Instants in (start, end) where some element's validity may change. */
export function restrictionInstants(elements: readonly TariffElement[], ctx: BoundaryContext): number[] {
  const { start, end, zone, energy } = ctx;
  const out: number[] = [];
  const times: string[] = [];
  let byDate = false;
  let byPowerOrCurrent = false;
  for (const el of elements) {
    const r = el.restrictions;
    if (!r) continue;
    if (r.start_time) times.push(r.start_time);
    if (r.end_time) times.push(r.end_time);
    if (r.start_date || r.end_date || (r.day_of_week && r.day_of_week.length > 0)) byDate = true;
    for (const d of [r.min_duration, r.max_duration]) if (d !== null && d !== undefined) out.push(start + d * 1000);
    for (const k of [r.min_kwh, r.max_kwh]) {
      const kwh = dec(k);
      if (kwh === null) continue;
      const t = energy.timeAtEnergy(kwh.times(1000));
      if (t !== null) out.push(t);
    }
    if (r.min_power || r.max_power || r.min_current || r.max_current) byPowerOrCurrent = true;
  }
  if (times.length > 0) out.push(...timeOfDayInstants(times, start, end, zone));
  if (times.length > 0 || byDate) out.push(...offsetTransitions(start, end, zone));
  if (byDate) out.push(...dayStarts(start, end, zone));
  if (byPowerOrCurrent) out.push(...energy.changeInstants());
  return out.filter((t) => t > start && t < end);
}

/** The session at instant t; the local wall clock only worked out when a restriction asks. */
export function momentAt(t: number, ctx: BoundaryContext): Moment {
  let local: LocalParts | null = null;
  return {
    elapsedMs: t - ctx.start,
    energyWh: ctx.energy.energyAt(t),
    powerKw: ctx.energy.powerKwAt(t),
    currentA: ctx.energy.currentAAt(t),
    get local() {
      local ??= localParts(t, ctx.zone);
      return local;
    },
  };
}

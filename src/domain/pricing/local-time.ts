import { DateTime } from 'luxon';
import { DAYS_OF_WEEK, type DayOfWeek } from '../tariffs/tariff.model.js';

// The station's wall clock (IANA zone, luxon), for time-of-day, date and weekday restrictions.
// Boundaries are instants where the local clock crosses a tariff's "HH:MM" or a local midnight:
// on a day the clocks go back a local time happens twice (both instants are boundaries); on a day
// they go forward a local time may not exist, and the restriction then changes at the jump itself,
// which is why the offset transitions inside the session are boundaries as well.

export interface LocalParts {
  /** Seconds since local midnight (wall clock). */
  secondOfDay: number;
  /** "YYYY-MM-DD" */
  date: string;
  day: DayOfWeek;
}

export function localParts(t: number, zone: string): LocalParts {
  const d = DateTime.fromMillis(Math.floor(t), { zone });
  return {
    secondOfDay: d.hour * 3600 + d.minute * 60 + d.second + (t - Math.floor(t) + d.millisecond) / 1000,
    date: d.toISODate() ?? '',
    day: DAYS_OF_WEEK[d.weekday - 1],
  };
}

export function assertZone(zone: string): void {
  if (!DateTime.now().setZone(zone).isValid) throw new RangeError(`unknown time zone: ${zone}`);
}

/** Local dates (YYYY-MM-DD) from the day before `start` to the day after `end`. */
function localDates(start: number, end: number, zone: string): DateTime[] {
  const days: DateTime[] = [];
  let d = DateTime.fromMillis(start, { zone }).startOf('day').minus({ days: 1 });
  const last = DateTime.fromMillis(end, { zone }).startOf('day').plus({ days: 1 });
  while (d <= last && days.length < 4000) {
    days.push(d);
    d = d.plus({ days: 1 }).startOf('day');
  }
  return days;
}

/** Instants in (start, end) where the zone's UTC offset changes. */
export function offsetTransitions(start: number, end: number, zone: string): number[] {
  const out: number[] = [];
  const offset = (t: number) => DateTime.fromMillis(t, { zone }).offset;
  const hour = 3_600_000;
  for (let a = start; a < end; a += hour) {
    const b = Math.min(a + hour, end);
    if (offset(a) === offset(b)) continue;
    let lo = a;
    let hi = b;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offset(mid) === offset(a)) lo = mid;
      else hi = mid;
    }
    out.push(hi);
  }
  return out;
}

/** Instants in (start, end) where the local clock reads each of `times` ("HH:MM"), every day. */
export function timeOfDayInstants(times: readonly string[], start: number, end: number, zone: string): number[] {
  const out = new Set<number>();
  const minutes = [...new Set(times)].map(parseHhMm).filter((m): m is number => m !== null);
  for (const day of localDates(start, end, zone)) {
    const offsets = new Set([day.offset, day.endOf('day').offset]);
    for (const m of minutes) {
      const hour = Math.floor(m / 60);
      const minute = m % 60;
      for (const off of offsets) {
        // wall clock − offset = UTC; kept only when that instant really shows this wall time
        const t = Date.UTC(day.year, day.month - 1, day.day, hour, minute) - off * 60_000;
        const back = DateTime.fromMillis(t, { zone });
        if (back.hour === hour && back.minute === minute && back.day === day.day && t > start && t < end) out.add(t);
      }
    }
  }
  return [...out];
}

/** The first instant of each local day in (start, end). */
export function dayStarts(start: number, end: number, zone: string): number[] {
  return localDates(start, end, zone)
    .map((d) => d.toMillis())
    .filter((t) => t > start && t < end);
}

/** "HH:MM" as minutes since midnight; null when malformed. */
export function parseHhMm(s: string): number | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(s);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

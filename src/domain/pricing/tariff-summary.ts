import type { DayOfWeek, PriceComponent, TariffDefinition, TariffDimensionType, TariffRestrictions } from '../tariffs/tariff.model.js';
import { Dec, minorDigits } from './money.js';

// A tariff in plain words for drivers (price transparency before the start, as AFIR asks):
// "0.39 EUR/kWh; parking 0.10 EUR/min after 30 min; 1.00 EUR per session; min 2.00 EUR".
// - Per dimension in the order energy, charging time, parking, session fee; within one, in the
//   tariff's element order (the order that decides, OCPI 2.2.1). A component that an earlier
//   unrestricted element of the same dimension hides is left out; an unrestricted one after
//   restricted ones reads "otherwise".
// - Prices incl. VAT where the component gives a rate (shown up to 4 decimals, at least the
//   currency's minor digits). When every component has a rate the summary ends "incl. VAT";
//   when only some do, those phrases say it. Without rates nothing is claimed about VAT.
// - Per-hour prices are shown per minute when that is exact at the currency's minor unit
//   (6.00/h → 0.10/min), else per hour.
// - Words are English; `locale` only sets the decimal separator (de → "0,39").

const DAY_SHORT: Record<DayOfWeek, string> = {
  MONDAY: 'Mon',
  TUESDAY: 'Tue',
  WEDNESDAY: 'Wed',
  THURSDAY: 'Thu',
  FRIDAY: 'Fri',
  SATURDAY: 'Sat',
  SUNDAY: 'Sun',
};
const WEEKDAYS: DayOfWeek[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'];
const ORDER: TariffDimensionType[] = ['ENERGY', 'TIME', 'PARKING_TIME', 'FLAT'];

const hasVat = (c: PriceComponent) => c.vat !== null && c.vat !== undefined && c.vat !== '';

export function summarizeTariff(def: TariffDefinition, locale = 'en'): string {
  const digits = minorDigits(def.currency);
  const separator = decimalSeparator(locale);
  const num = (d: Dec) => {
    let s = d.toDecimalPlaces(Math.max(4, digits), Dec.ROUND_HALF_UP).toFixed();
    const [, frac = ''] = s.split('.');
    if (frac.length < digits) s = new Dec(s).toFixed(digits);
    return separator === '.' ? s : s.replace('.', separator);
  };
  const all = def.elements.flatMap((e) => e.price_components);
  const allVat = all.length > 0 && all.every(hasVat);
  const cur = def.currency;

  const phrases: string[] = [];
  for (const type of ORDER) {
    let restrictedBefore = false;
    for (const element of def.elements) {
      const c = element.price_components.find((p) => p.type === type);
      if (!c) continue;
      const when = describeRestrictions(element.restrictions);
      const gross = hasVat(c) ? new Dec(c.price).times(new Dec(100).plus(c.vat!)).div(100) : new Dec(c.price);
      const vatNote = hasVat(c) && !allVat ? ' incl. VAT' : '';
      let price: string;
      if (type === 'ENERGY') price = `${num(gross)} ${cur}/kWh`;
      else if (type === 'FLAT') price = `${num(gross)} ${cur} per session`;
      else {
        const perMinute = gross.div(60);
        const exact = perMinute.toDecimalPlaces(digits).equals(perMinute) && !perMinute.isZero();
        const amount = gross.isZero() ? 'free' : exact ? `${num(perMinute)} ${cur}/min` : `${num(gross)} ${cur}/h`;
        price = `${type === 'TIME' ? 'charging time' : 'parking'} ${amount}`;
      }
      const suffix = when.length > 0 ? ` ${when.join(', ')}` : restrictedBefore ? ' otherwise' : '';
      phrases.push(`${price}${vatNote}${suffix}`);
      if (when.length === 0) break;
      restrictedBefore = true;
    }
  }
  const limit = (word: string, p: { excl_vat: string; incl_vat?: string | null } | null | undefined) => {
    if (!p) return;
    const shown = p.incl_vat !== null && p.incl_vat !== undefined && allVat ? p.incl_vat : p.excl_vat;
    phrases.push(`${word} ${num(new Dec(shown))} ${cur}`);
  };
  limit('min', def.min_price);
  limit('max', def.max_price);
  if (phrases.length === 0) return 'free';
  return phrases.join('; ') + (allVat ? '; incl. VAT' : '');
}

function decimalSeparator(locale: string): string {
  try {
    return new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';
  } catch {
    return '.';
  }
}

function duration(seconds: number): string {
  if (seconds % 3600 === 0 && seconds >= 3600) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

function days(list: readonly DayOfWeek[]): string {
  const set = new Set(list);
  if (set.size === 7) return '';
  if (set.size === 2 && set.has('SATURDAY') && set.has('SUNDAY')) return 'weekends';
  if (set.size === 5 && WEEKDAYS.every((d) => set.has(d))) return 'weekdays';
  return (Object.keys(DAY_SHORT) as DayOfWeek[])
    .filter((d) => set.has(d))
    .map((d) => DAY_SHORT[d])
    .join(', ');
}

/** Short words for an element's restrictions: "22:00–06:00", "weekends", "after 30 min". */
export function describeRestrictions(r: TariffRestrictions | null | undefined): string[] {
  if (!r) return [];
  const out: string[] = [];
  if (r.reservation) out.push('for reservations');
  if (r.start_time && r.end_time) out.push(`${r.start_time}–${r.end_time}`);
  else if (r.start_time) out.push(`from ${r.start_time}`);
  else if (r.end_time) out.push(`until ${r.end_time}`);
  if (r.day_of_week && r.day_of_week.length > 0) {
    const d = days(r.day_of_week);
    if (d) out.push(d);
  }
  if (r.start_date) out.push(`from ${r.start_date}`);
  if (r.end_date) out.push(`before ${r.end_date}`);
  if (r.min_duration) out.push(`after ${duration(r.min_duration)}`);
  if (r.max_duration) out.push(`for the first ${duration(r.max_duration)}`);
  if (r.min_kwh && !new Dec(r.min_kwh).isZero()) out.push(`above ${r.min_kwh} kWh`);
  if (r.max_kwh) out.push(`up to ${r.max_kwh} kWh`);
  if (r.min_power && !new Dec(r.min_power).isZero()) out.push(`above ${r.min_power} kW`);
  if (r.max_power) out.push(`below ${r.max_power} kW`);
  if (r.min_current && !new Dec(r.min_current).isZero()) out.push(`above ${r.min_current} A`);
  if (r.max_current) out.push(`below ${r.max_current} A`);
  return out;
}

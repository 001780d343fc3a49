import { Dec, isCurrency } from '../pricing/money.js';
import type { Price, TariffDefinition, TariffRestrictions } from './tariff.model.js';

// What makes a tariff priceable, beyond its shape: amounts in range, a known currency, and
// restrictions that can ever hold. Pure; paths name fields as OCPI does
// ("elements[0].restrictions.max_kwh"); the typed GraphQL input renames them (tariff-input.ts).

/** Local time "HH:MM", 00:00-23:59. */
export const LOCAL_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
/** Local date "YYYY-MM-DD". */
export const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A decimal as we keep it: digits, an optional fraction, an optional leading '-'. */
export const DECIMAL_STRING = /^-?\d{1,15}(\.\d{1,12})?$/;
/** OCPI DateTime: RFC 3339 in UTC; no designator means UTC too. */
export const OCPI_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]00:00)?$/;

const dec = (value: string) => new Dec(value);

export interface TariffProblem {
  field: string;
  message: string;
}

/** The first thing wrong with the definition, or null when it is fine. */
export function definitionProblem(def: TariffDefinition): TariffProblem | null {
  if (!isCurrency(def.currency)) {
    return { field: 'currency', message: `"${def.currency}" is not an ISO 4217 currency code (upper case, e.g. EUR)` };
  }
  for (const [i, text] of (def.tariff_alt_text ?? []).entries()) {
    if (!/^[a-zA-Z]{2}$/.test(text.language)) return { field: `tariff_alt_text[${i}].language`, message: 'an ISO 639-1 code of 2 letters, e.g. en' };
    if (text.text.length > 512) return { field: `tariff_alt_text[${i}].text`, message: 'at most 512 characters' };
  }
  const prices =
    priceProblem(def.min_price, 'min_price') ??
    priceProblem(def.max_price, 'max_price') ??
    pricePairProblem(def.min_price, def.max_price);
  if (prices) return prices;
  if (def.start_date_time && def.end_date_time && utcMillis(def.start_date_time) >= utcMillis(def.end_date_time)) {
    return { field: 'end_date_time', message: 'must be after start_date_time' };
  }
  if (def.elements.length === 0) return { field: 'elements', message: 'a tariff needs at least one element' };
  for (const [i, element] of def.elements.entries()) {
    const at = `elements[${i}]`;
    if (element.price_components.length === 0) {
      return { field: `${at}.price_components`, message: 'an element needs at least one price component' };
    }
    for (const [j, component] of element.price_components.entries()) {
      const c = `${at}.price_components[${j}]`;
      if (dec(component.price).lt(0)) return { field: `${c}.price`, message: 'must not be negative' };
      if (component.vat != null && (dec(component.vat).lt(0) || dec(component.vat).gt(100))) {
        return { field: `${c}.vat`, message: 'a percentage from 0 to 100' };
      }
      if (!Number.isSafeInteger(component.step_size) || component.step_size < 1) {
        return { field: `${c}.step_size`, message: 'a whole number of at least 1' };
      }
    }
    if (element.restrictions) {
      const problem = restrictionsProblem(element.restrictions, `${at}.restrictions`);
      if (problem) return problem;
    }
  }
  return null;
}

function priceProblem(price: Price | null | undefined, field: string): TariffProblem | null {
  if (!price) return null;
  if (dec(price.excl_vat).lt(0)) return { field: `${field}.excl_vat`, message: 'must not be negative' };
  if (price.incl_vat != null && dec(price.incl_vat).lt(price.excl_vat)) {
    return { field: `${field}.incl_vat`, message: 'must not be less than excl_vat' };
  }
  return null;
}

function pricePairProblem(min: Price | null | undefined, max: Price | null | undefined): TariffProblem | null {
  if (!min || !max) return null;
  if (dec(min.excl_vat).gt(max.excl_vat)) return { field: 'max_price.excl_vat', message: 'must not be less than min_price.excl_vat' };
  if (min.incl_vat != null && max.incl_vat != null && dec(min.incl_vat).gt(max.incl_vat)) {
    return { field: 'max_price.incl_vat', message: 'must not be less than min_price.incl_vat' };
  }
  return null;
}

// min is inclusive and max exclusive (OCPI 2.2.1, 11.4.6), so min >= max never holds.
const RANGES = [
  ['min_kwh', 'max_kwh'],
  ['min_current', 'max_current'],
  ['min_power', 'max_power'],
  ['min_duration', 'max_duration'],
] as const;

function restrictionsProblem(r: TariffRestrictions, at: string): TariffProblem | null {
  for (const key of ['start_time', 'end_time'] as const) {
    const value = r[key];
    if (value != null && !LOCAL_TIME.test(value)) return { field: `${at}.${key}`, message: 'a local time "HH:MM" from 00:00 to 23:59' };
  }
  if (r.start_time != null && r.start_time === r.end_time) {
    return { field: `${at}.end_time`, message: 'equals start_time, so the band would never apply (end before start wraps midnight)' };
  }
  for (const key of ['start_date', 'end_date'] as const) {
    const value = r[key];
    if (value != null && !isLocalDate(value)) return { field: `${at}.${key}`, message: 'a date "YYYY-MM-DD"' };
  }
  if (r.start_date != null && r.end_date != null && r.start_date >= r.end_date) {
    return { field: `${at}.end_date`, message: 'must be after start_date (start_date is inclusive, end_date exclusive)' };
  }
  for (const [minKey, maxKey] of RANGES) {
    for (const key of [minKey, maxKey]) {
      const value = r[key];
      if (value == null) continue;
      if (typeof value === 'number' ? !Number.isSafeInteger(value) || value < 0 : dec(value).lt(0)) {
        return { field: `${at}.${key}`, message: typeof value === 'number' ? 'whole seconds, not negative' : 'must not be negative' };
      }
    }
    const min = r[minKey];
    const max = r[maxKey];
    if (min != null && max != null && dec(String(min)).gte(String(max))) {
      return { field: `${at}.${maxKey}`, message: `must be more than ${minKey} (${minKey} is inclusive, ${maxKey} exclusive)` };
    }
  }
  if (r.day_of_week != null) {
    if (r.day_of_week.length === 0) return { field: `${at}.day_of_week`, message: 'name at least one day, or leave day_of_week out' };
    if (new Set(r.day_of_week).size !== r.day_of_week.length) return { field: `${at}.day_of_week`, message: 'names a day twice' };
  }
  return null;
}

function isLocalDate(value: string): boolean {
  if (!LOCAL_DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** An OCPI DateTime as epoch milliseconds (no designator: UTC). */
export function utcMillis(value: string): number {
  return Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`);
}

import { z } from 'zod';
import { Dec } from '../pricing/money.js';
import type { TariffVersionRef } from './tariff-lookup.js';
import {
  DAYS_OF_WEEK,
  RESERVATION_RESTRICTIONS,
  TARIFF_DIMENSION_TYPES,
  TARIFF_TYPES,
  type Price,
  type TariffDefinition,
  type TariffElement,
  type TariffRestrictions,
} from './tariff.model.js';
import { definitionProblem, LOCAL_DATE, LOCAL_TIME, OCPI_DATE_TIME } from './tariff-rules.js';
import { invalidTariff } from './tariffs.errors.js';

// OCPI 2.2.1 Tariff objects (section 11.3.1) in and out. In: the JSON a partner sends, as is;
// its numbers become exact decimal strings (the number's shortest representation, the digits
// the partner wrote). Out: the same shape, numbers as JSON numbers, as the spec has them.
// Pure: no I/O.

// Beyond this an amount is a mistake, not a price (and would not print without an exponent).
const MAX_MAGNITUDE = 1e15;

/** A JSON number as the decimal string it was written as: 0.39 -> "0.39", 1e-7 -> "0.0000001". */
export function decimalOfNumber(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`);
  if (n === 0) return '0';
  // decimal.js reads a number through its shortest round-tripping representation (String(n)).
  return new Dec(String(n)).toFixed();
}

const number = z
  .number()
  .finite()
  .refine((n) => Math.abs(n) < MAX_MAGNITUDE, 'too large')
  .transform(decimalOfNumber);
const wholeNumber = z.number().int();
const dateTime = z.string().regex(OCPI_DATE_TIME, 'an RFC 3339 date-time in UTC, e.g. 2026-01-31T12:00:00Z');

const displayText = z.object({ language: z.string(), text: z.string() }).strict();
const price = z.object({ excl_vat: number, incl_vat: number.nullish() }).strict();

const restrictions = z
  .object({
    start_time: z.string().regex(LOCAL_TIME, 'a local time "HH:MM"').nullish(),
    end_time: z.string().regex(LOCAL_TIME, 'a local time "HH:MM"').nullish(),
    start_date: z.string().regex(LOCAL_DATE, 'a date "YYYY-MM-DD"').nullish(),
    end_date: z.string().regex(LOCAL_DATE, 'a date "YYYY-MM-DD"').nullish(),
    min_kwh: number.nullish(),
    max_kwh: number.nullish(),
    min_current: number.nullish(),
    max_current: number.nullish(),
    min_power: number.nullish(),
    max_power: number.nullish(),
    min_duration: wholeNumber.nullish(),
    max_duration: wholeNumber.nullish(),
    day_of_week: z.array(z.enum(DAYS_OF_WEEK)).nullish(),
    reservation: z.enum(RESERVATION_RESTRICTIONS).nullish(),
  })
  .strict();

const element = z
  .object({
    price_components: z.array(
      z.object({ type: z.enum(TARIFF_DIMENSION_TYPES), price: number, vat: number.nullish(), step_size: wholeNumber }).strict(),
    ),
    restrictions: restrictions.nullish(),
  })
  .strict();

const ocpiTariff = z
  .object({
    // Whose tariff it was and when: read, checked, not kept (ours gets our id and party).
    country_code: z.string().regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 code').nullish(),
    party_id: z.string().regex(/^[A-Za-z0-9]{3}$/, '3 letters or digits').nullish(),
    id: z.string().min(1).max(36).nullish(),
    last_updated: dateTime.nullish(),
    currency: z.string(),
    type: z.enum(TARIFF_TYPES).nullish(),
    tariff_alt_text: z.array(displayText).nullish(),
    tariff_alt_url: z.string().url().max(255).nullish(),
    min_price: price.nullish(),
    max_price: price.nullish(),
    elements: z.array(element),
    start_date_time: dateTime.nullish(),
    end_date_time: dateTime.nullish(),
    energy_mix: z.record(z.unknown()).nullish(),
  })
  .strict();

/** What an OCPI Tariff said about itself beyond its definition. */
export interface OcpiTariffOrigin {
  countryCode: string | null;
  partyId: string | null;
  id: string | null;
}

/**
 * Reads an OCPI 2.2.1 Tariff object. Anything wrong, in shape or in meaning, is an
 * INVALID_TARIFF_INPUT naming the field as a path: "elements[0].price_components[1].price".
 */
export function parseOcpiTariff(json: unknown): { definition: TariffDefinition; origin: OcpiTariffOrigin } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw invalidTariff('an OCPI Tariff must be a JSON object', '');
  }
  const parsed = ocpiTariff.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const keys = issue.code === 'unrecognized_keys' ? [issue.keys[0]!] : [];
    const message = issue.code === 'unrecognized_keys' ? 'not a field of an OCPI 2.2.1 Tariff' : issue.message;
    throw invalidTariff(message, fieldPath([...issue.path, ...keys]));
  }
  const t = parsed.data;
  const definition = compact<TariffDefinition>({
    currency: t.currency,
    type: t.type,
    tariff_alt_text: t.tariff_alt_text,
    tariff_alt_url: t.tariff_alt_url,
    min_price: t.min_price ? compact<Price>(t.min_price) : null,
    max_price: t.max_price ? compact<Price>(t.max_price) : null,
    elements: t.elements.map((e) =>
      compact<TariffElement>({
        price_components: e.price_components.map((c) => compact(c)),
        restrictions: e.restrictions ? compact<TariffRestrictions>(e.restrictions) : null,
      }),
    ),
    start_date_time: t.start_date_time,
    end_date_time: t.end_date_time,
    energy_mix: t.energy_mix,
  });
  requireSound(definition);
  return { definition, origin: { countryCode: t.country_code ?? null, partyId: t.party_id ?? null, id: t.id ?? null } };
}

/** Throws the first problem of the definition, in OCPI's field names. */
export function requireSound(definition: TariffDefinition, rename: (field: string) => string = (f) => f): void {
  const problem = definitionProblem(definition);
  if (problem) throw invalidTariff(problem.message, rename(problem.field));
}

/** Our party, as OCPI names the sender of a Tariff object. */
export interface OcpiParty {
  countryCode: string;
  partyId: string;
}

/**
 * One version of one of our tariffs as an OCPI 2.2.1 Tariff object: id is our tariff's id,
 * last_updated the version's creation. Fields absent from the definition are left out.
 */
export function toOcpiTariff(ref: TariffVersionRef, party: OcpiParty): Record<string, unknown> {
  if (!ref.createdAt) throw new Error(`tariff version ${ref.versionId}: createdAt is needed for last_updated`);
  const d = ref.definition;
  const num = (value: string) => Number(value);
  const priceOut = (p: Price) => compact({ excl_vat: num(p.excl_vat), incl_vat: p.incl_vat != null ? num(p.incl_vat) : null });
  return compact({
    country_code: party.countryCode,
    party_id: party.partyId,
    id: ref.tariffId,
    currency: d.currency,
    type: d.type,
    tariff_alt_text: d.tariff_alt_text?.map((t) => ({ language: t.language, text: t.text })),
    tariff_alt_url: d.tariff_alt_url,
    min_price: d.min_price ? priceOut(d.min_price) : null,
    max_price: d.max_price ? priceOut(d.max_price) : null,
    elements: d.elements.map((e) =>
      compact({
        price_components: e.price_components.map((c) =>
          compact({ type: c.type, price: num(c.price), vat: c.vat != null ? num(c.vat) : null, step_size: c.step_size }),
        ),
        restrictions: e.restrictions ? restrictionsOut(e.restrictions) : null,
      }),
    ),
    start_date_time: d.start_date_time,
    end_date_time: d.end_date_time,
    energy_mix: d.energy_mix,
    last_updated: ref.createdAt.toISOString(),
  });
}

function restrictionsOut(r: TariffRestrictions): Record<string, unknown> {
  const decimal = (v: string | null | undefined) => (v != null ? Number(v) : null);
  return compact({
    start_time: r.start_time,
    end_time: r.end_time,
    start_date: r.start_date,
    end_date: r.end_date,
    min_kwh: decimal(r.min_kwh),
    max_kwh: decimal(r.max_kwh),
    min_current: decimal(r.min_current),
    max_current: decimal(r.max_current),
    min_power: decimal(r.min_power),
    max_power: decimal(r.max_power),
    min_duration: r.min_duration,
    max_duration: r.max_duration,
    day_of_week: r.day_of_week ? [...r.day_of_week] : null,
    reservation: r.reservation,
  });
}

/** Without the keys whose value is null or undefined: absent and null mean the same in OCPI. */
export function compact<T extends object>(value: { [K in keyof T]?: T[K] | null }): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as T;
}

/** ['elements', 0, 'price_components', 1, 'price'] -> "elements[0].price_components[1].price". */
export function fieldPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${part}` : part), '');
}

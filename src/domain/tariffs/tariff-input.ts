import { z } from 'zod';
import { isUuid } from '../ids.js';
import { Dec } from '../pricing/money.js';
import { compact, fieldPath, requireSound } from './ocpi-tariff.js';
import {
  DAYS_OF_WEEK,
  RESERVATION_RESTRICTIONS,
  TARIFF_DIMENSION_TYPES,
  TARIFF_TYPES,
  type DayOfWeek,
  type Price,
  type ReservationRestriction,
  type TariffDefinition,
  type TariffDimensionType,
  type TariffRestrictions,
  type TariffType,
} from './tariff.model.js';
import { DECIMAL_STRING } from './tariff-rules.js';
import { invalidTariff } from './tariffs.errors.js';

// The typed input of createTariff/updateTariff (camelCase, decimals as strings) to the OCPI
// shape we keep. Checked by the same rules as an OCPI import; errors name the input's fields
// ("elements[0].priceComponents[1].price").

export interface PriceInput {
  exclVat: string;
  inclVat?: string | null;
}

export interface RestrictionsInput {
  startTime?: string | null;
  endTime?: string | null;
  startDate?: string | null;
  endDate?: string | null;
  minKwh?: string | null;
  maxKwh?: string | null;
  minCurrent?: string | null;
  maxCurrent?: string | null;
  minPower?: string | null;
  maxPower?: string | null;
  minDuration?: number | null;
  maxDuration?: number | null;
  dayOfWeek?: DayOfWeek[] | null;
  reservation?: ReservationRestriction | null;
}

export interface TariffInput {
  name?: string | null;
  currency: string;
  type?: TariffType | null;
  altText?: { language: string; text: string }[] | null;
  altUrl?: string | null;
  minPrice?: PriceInput | null;
  maxPrice?: PriceInput | null;
  elements: {
    priceComponents: { type: TariffDimensionType; price: string; vat?: string | null; stepSize: number }[];
    restrictions?: RestrictionsInput | null;
  }[];
}

export interface CreateTariffInput extends TariffInput {
  name: string;
  /** Admins: the operator it is for (none: a platform tariff). Operators: their own, implied. */
  organisationId?: string | null;
}

// Exact decimals, normalised ("0.390" -> "0.39") so equal amounts are stored alike.
const decimal = z
  .string()
  .trim()
  .regex(DECIMAL_STRING, 'a decimal number as a string, e.g. "0.39"')
  .transform((v) => (new Dec(v).isZero() ? '0' : new Dec(v).toFixed()));

const price = z.object({ exclVat: decimal, inclVat: decimal.nullish() });

const restrictions = z.object({
  startTime: z.string().nullish(),
  endTime: z.string().nullish(),
  startDate: z.string().nullish(),
  endDate: z.string().nullish(),
  minKwh: decimal.nullish(),
  maxKwh: decimal.nullish(),
  minCurrent: decimal.nullish(),
  maxCurrent: decimal.nullish(),
  minPower: decimal.nullish(),
  maxPower: decimal.nullish(),
  minDuration: z.number().int().nullish(),
  maxDuration: z.number().int().nullish(),
  dayOfWeek: z.array(z.enum(DAYS_OF_WEEK)).nullish(),
  reservation: z.enum(RESERVATION_RESTRICTIONS).nullish(),
});

const tariffInput = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(200).nullish(),
  currency: z.string().trim(),
  type: z.enum(TARIFF_TYPES).nullish(),
  altText: z.array(z.object({ language: z.string().trim(), text: z.string().trim().min(1, 'must not be empty') })).nullish(),
  altUrl: z.string().trim().url().max(255).nullish(),
  minPrice: price.nullish(),
  maxPrice: price.nullish(),
  elements: z.array(
    z.object({
      priceComponents: z.array(
        z.object({ type: z.enum(TARIFF_DIMENSION_TYPES), price: decimal, vat: decimal.nullish(), stepSize: z.number().int() }),
      ),
      restrictions: restrictions.nullish(),
    }),
  ),
});

const organisationId = z.string().refine(isUuid, 'not an id').nullish();

/** The tariff's name and its definition, checked; INVALID_TARIFF_INPUT naming the field otherwise. */
export function readTariffInput(input: TariffInput): { name: string | null; definition: TariffDefinition } {
  const parsed = tariffInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalidTariff(issue.message, fieldPath(issue.path));
  }
  const t = parsed.data;
  const priceOf = (p: z.infer<typeof price> | null | undefined) => (p ? compact<Price>({ excl_vat: p.exclVat, incl_vat: p.inclVat }) : null);
  const definition = compact<TariffDefinition>({
    currency: t.currency,
    type: t.type,
    tariff_alt_text: t.altText,
    tariff_alt_url: t.altUrl,
    min_price: priceOf(t.minPrice),
    max_price: priceOf(t.maxPrice),
    elements: t.elements.map((e) => ({
      price_components: e.priceComponents.map((c) => compact({ type: c.type, price: c.price, vat: c.vat, step_size: c.stepSize })),
      ...(e.restrictions ? { restrictions: restrictionsOf(e.restrictions) } : {}),
    })),
  });
  requireSound(definition, inputFieldOf);
  return { name: t.name ?? null, definition };
}

export function readOrganisationId(value: string | null | undefined): string | null {
  const parsed = organisationId.safeParse(value);
  if (!parsed.success) throw invalidTariff('not an id', 'organisationId');
  return parsed.data ?? null;
}

function restrictionsOf(r: z.infer<typeof restrictions>): TariffRestrictions {
  return compact<TariffRestrictions>({
    start_time: r.startTime,
    end_time: r.endTime,
    start_date: r.startDate,
    end_date: r.endDate,
    min_kwh: r.minKwh,
    max_kwh: r.maxKwh,
    min_current: r.minCurrent,
    max_current: r.maxCurrent,
    min_power: r.minPower,
    max_power: r.maxPower,
    min_duration: r.minDuration,
    max_duration: r.maxDuration,
    day_of_week: r.dayOfWeek,
    reservation: r.reservation,
  });
}

const RENAMED: Record<string, string> = { tariff_alt_text: 'altText', tariff_alt_url: 'altUrl' };

/** An OCPI field path in the typed input's names: "elements[0].price_components[1].step_size" -> "elements[0].priceComponents[1].stepSize". */
export function inputFieldOf(ocpiField: string): string {
  return ocpiField.replace(/[a-z_]+/g, (name) => RENAMED[name] ?? name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()));
}

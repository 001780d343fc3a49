// The tariff model: OCPI 2.2.1's Tariff (section 11.3.1), field for field, so that roaming
// partners read exactly what we price with. The one difference: every money amount and
// every fractional quantity is a decimal string ("0.39"), never a float. Integers (step_size,
// durations in seconds) stay numbers. Durations are seconds, energies kWh, powers kW, currents A,
// as OCPI has them.

/** A decimal number as a string: digits, an optional '.', optional leading '-'. */
export type Decimal = string;

export const TARIFF_DIMENSION_TYPES = ['ENERGY', 'FLAT', 'PARKING_TIME', 'TIME'] as const;
export type TariffDimensionType = (typeof TARIFF_DIMENSION_TYPES)[number];

export const DAYS_OF_WEEK = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
export type DayOfWeek = (typeof DAYS_OF_WEEK)[number];

export const TARIFF_TYPES = ['AD_HOC_PAYMENT', 'PROFILE_CHEAP', 'PROFILE_FAST', 'PROFILE_GREEN', 'REGULAR'] as const;
export type TariffType = (typeof TARIFF_TYPES)[number];

export const RESERVATION_RESTRICTIONS = ['RESERVATION', 'RESERVATION_EXPIRES'] as const;
export type ReservationRestriction = (typeof RESERVATION_RESTRICTIONS)[number];

export interface DisplayText {
  /** ISO 639-1 */
  language: string;
  text: string;
}

export interface Price {
  excl_vat: Decimal;
  incl_vat?: Decimal | null;
}

export interface PriceComponent {
  type: TariffDimensionType;
  /** Excl. VAT, per unit: per kWh (ENERGY), per session (FLAT), per hour (TIME, PARKING_TIME). */
  price: Decimal;
  /** Percent; null/absent: VAT not applicable or not known. */
  vat?: Decimal | null;
  /** Minimum billed amount of the unit: Wh for ENERGY, seconds for TIME/PARKING_TIME; 1 for FLAT. */
  step_size: number;
}

export interface TariffRestrictions {
  /** Local time of the station, "HH:MM"; end before start wraps midnight. */
  start_time?: string | null;
  end_time?: string | null;
  /** Local date "YYYY-MM-DD"; start inclusive, end exclusive. */
  start_date?: string | null;
  end_date?: string | null;
  min_kwh?: Decimal | null;
  max_kwh?: Decimal | null;
  min_current?: Decimal | null;
  max_current?: Decimal | null;
  min_power?: Decimal | null;
  max_power?: Decimal | null;
  /** Seconds since the session started. */
  min_duration?: number | null;
  max_duration?: number | null;
  day_of_week?: DayOfWeek[] | null;
  reservation?: ReservationRestriction | null;
}

export interface TariffElement {
  price_components: PriceComponent[];
  restrictions?: TariffRestrictions | null;
}

/** The priceable part of an OCPI Tariff: what one version of one of our tariffs holds. */
export interface TariffDefinition {
  /** ISO 4217 */
  currency: string;
  type?: TariffType | null;
  tariff_alt_text?: DisplayText[] | null;
  tariff_alt_url?: string | null;
  min_price?: Price | null;
  max_price?: Price | null;
  elements: TariffElement[];
  /** The validity window OCPI carries; we version tariffs instead, but round-trip it. */
  start_date_time?: string | null;
  end_date_time?: string | null;
  energy_mix?: unknown;
}

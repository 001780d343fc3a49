import type { ConnectorStatus } from '../stations/station.types.js';
import type { Decimal, Price, TariffDefinition, TariffDimensionType } from '../tariffs/tariff.model.js';

/** A sampled value as the charger sent it, with the charger's own timestamp. */
export interface MeterPoint {
  at: Date;
  measurand: string;
  unit: string | null;
  phase: string | null;
  context?: string | null;
  /** The value as sent (a decimal string). */
  value: string;
}

/** A connector status the charger reported, at the charger's own time. */
export interface StatusChange {
  at: Date;
  status: ConnectorStatus;
}

/** What a driver's plan takes off the session (see the plans area). */
export interface PlanBenefits {
  /** Energy still included in the period: the first this many Wh of ENERGY are not charged. */
  freeEnergyWh?: number;
  /** Percent off what remains, e.g. "10". */
  discountPercent?: Decimal;
}

export interface PricingInput {
  tariff: TariffDefinition;
  /** IANA time zone the tariff's times and days are read in (the station's). */
  timeZone: string;
  startedAt: Date;
  /** The stop, or for a live estimate the instant to price up to. */
  endedAt: Date;
  meterStartWh: number;
  /** The register at stop; null when unknown (a live estimate, a stop without one). */
  meterStopWh: number | null;
  samples: readonly MeterPoint[];
  statuses: readonly StatusChange[];
  benefits?: PlanBenefits | null;
}

/** OCPI 2.2.1 CdrDimensionType. */
export type CdrDimensionType =
  | 'CURRENT'
  | 'ENERGY'
  | 'ENERGY_EXPORT'
  | 'ENERGY_IMPORT'
  | 'MAX_CURRENT'
  | 'MIN_CURRENT'
  | 'MAX_POWER'
  | 'MIN_POWER'
  | 'PARKING_TIME'
  | 'POWER'
  | 'RESERVATION_TIME'
  | 'STATE_OF_CHARGE'
  | 'TIME';

/** OCPI 2.2.1 ChargingPeriod, as it goes into a CDR. Volumes: kWh, hours, kW, A, as OCPI has them. */
export interface ChargingPeriod {
  start_date_time: string;
  dimensions: { type: CdrDimensionType; volume: Decimal }[];
  tariff_id?: string;
}

export type CostLineKind = TariffDimensionType | 'PLAN_ALLOWANCE' | 'PLAN_DISCOUNT' | 'MIN_PRICE' | 'MAX_PRICE';

/** One line of the bill. Money rounded to the currency's minor unit; negative for credits. */
export interface CostLine {
  kind: CostLineKind;
  /** The tariff element the line comes from; null for adjustments over the whole session. */
  elementIndex: number | null;
  /** Plain words for a receipt: "Energy 12.345 kWh at 0.39 EUR/kWh". */
  description: string;
  /** The billed quantity (after step_size): kWh, hours, or 1 for a flat fee. */
  quantity: Decimal;
  unit: 'kWh' | 'h' | 'session' | null;
  unitPrice: Decimal | null;
  /** Percent; null when the tariff gives none. */
  vatRate: Decimal | null;
  exclVat: Decimal;
  vat: Decimal;
  inclVat: Decimal;
}

export interface VatAmount {
  rate: Decimal | null;
  exclVat: Decimal;
  vat: Decimal;
}

/** A session's cost as drivers see it while charging (an estimate) and after (the CDR's). */
export interface SessionCost {
  currency: string;
  totalExclVat: Decimal;
  totalVat: Decimal;
  totalInclVat: Decimal;
  lines: CostLine[];
  /** True once the CDR fixed it; false for the running estimate. */
  final: boolean;
  /** The instant the estimate prices up to (ISO 8601). */
  asOf: string;
}

export interface PricedSession {
  currency: string;
  chargingPeriods: ChargingPeriod[];
  lines: CostLine[];
  totalExclVat: Decimal;
  totalVat: Decimal;
  totalInclVat: Decimal;
  /** Per dimension, as an OCPI CDR carries them. */
  totalEnergyCost: Price | null;
  totalTimeCost: Price | null;
  totalParkingCost: Price | null;
  totalFixedCost: Price | null;
  vatBreakdown: VatAmount[];
  totalEnergyWh: number;
  /** The whole session, charging or not (OCPI total_time). */
  totalTimeSeconds: number;
  totalParkingSeconds: number;
  /** What was odd about the data and how it was read ("register went back at …; counted from there"). */
  dataNotes: string[];
}

import type { MeterPoint, PricedSession, PricingInput, StatusChange } from '../../../src/domain/pricing/pricing.types.js';
import type { ConnectorStatus } from '../../../src/domain/stations/station.types.js';
import type { PriceComponent, TariffDefinition, TariffElement, TariffRestrictions } from '../../../src/domain/tariffs/tariff.model.js';

// Builders for the engine's table tests: short enough that each case reads as its arithmetic.

export const t = (iso: string): Date => {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new Error(`bad instant ${iso}`);
  return d;
};

export const reg = (at: string, value: string | number, unit: string | null = 'Wh'): MeterPoint => ({
  at: t(at),
  measurand: 'Energy.Active.Import.Register',
  unit,
  phase: null,
  value: String(value),
});

export const pow = (at: string, value: string | number, unit = 'W'): MeterPoint => ({
  at: t(at),
  measurand: 'Power.Active.Import',
  unit,
  phase: null,
  value: String(value),
});

export const amps = (at: string, value: string | number, phase: string | null = null): MeterPoint => ({
  at: t(at),
  measurand: 'Current.Import',
  unit: 'A',
  phase,
  value: String(value),
});

export const st = (at: string, status: ConnectorStatus): StatusChange => ({ at: t(at), status });

type Vat = string | null;
export const energy = (price: string, step = 1, vat: Vat = null): PriceComponent => ({ type: 'ENERGY', price, step_size: step, vat });
export const time = (price: string, step = 1, vat: Vat = null): PriceComponent => ({ type: 'TIME', price, step_size: step, vat });
export const parking = (price: string, step = 1, vat: Vat = null): PriceComponent => ({ type: 'PARKING_TIME', price, step_size: step, vat });
export const flat = (price: string, vat: Vat = null): PriceComponent => ({ type: 'FLAT', price, step_size: 1, vat });

export const el = (components: PriceComponent[], restrictions?: TariffRestrictions): TariffElement => ({
  price_components: components,
  ...(restrictions ? { restrictions } : {}),
});

export const tariff = (elements: TariffElement[], extra: Partial<TariffDefinition> = {}): TariffDefinition => ({
  currency: 'EUR',
  elements,
  ...extra,
});

export interface Session {
  start: string;
  end: string;
  meterStart?: number;
  meterStop?: number | null;
  samples?: MeterPoint[];
  statuses?: StatusChange[];
  zone?: string;
  benefits?: PricingInput['benefits'];
}

export const input = (def: TariffDefinition, s: Session): PricingInput => ({
  tariff: def,
  timeZone: s.zone ?? 'UTC',
  startedAt: t(s.start),
  endedAt: t(s.end),
  meterStartWh: s.meterStart ?? 0,
  meterStopWh: s.meterStop === undefined ? null : s.meterStop,
  samples: s.samples ?? [],
  statuses: s.statuses ?? [],
  benefits: s.benefits ?? null,
});

/** The lines as "KIND@element exclVat/vat" for compact expectations. */
export const lineSummary = (p: PricedSession): string[] =>
  p.lines.map((l) => `${l.kind}${l.elementIndex === null ? '' : `@${l.elementIndex}`} ${l.quantity} ${l.exclVat}/${l.vat}`);

/** Per period: start instant, ENERGY kWh and TIME or PARKING_TIME hours. */
export const periodSummary = (p: PricedSession): string[] =>
  p.chargingPeriods.map((c) => {
    const v = (type: string) => c.dimensions.find((d) => d.type === type)?.volume;
    const timeDim = v('TIME') !== undefined ? `T${v('TIME')}` : `P${v('PARKING_TIME')}`;
    return `${c.start_date_time} E${v('ENERGY')} ${timeDim}`;
  });

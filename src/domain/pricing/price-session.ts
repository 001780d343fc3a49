/*
 * The cost engine: a session's tariff version, meter samples, status timeline and the station's
 * time zone in; OCPI charging periods, cost lines and totals out. Pure: no database, no network,
 * no clock (a live estimate passes "now" as endedAt).
 *
 * Rounding rules (money in decimal.js, never floats; see money.ts):
 * 1. Volumes are never rounded while computing: energy is an exact decimal of Wh (interpolated
 *    where needed), time exact milliseconds. The only rounding of a volume is OCPI's step_size,
 *    up to a multiple of the step, once per session per dimension (see price-dimensions.ts).
 * 2. Each cost line: exclVat = quantity × unit price, computed exactly (time lines from seconds ×
 *    price ÷ 3600, not from rounded hours), then rounded ONCE to the currency's minor unit
 *    (ISO 4217: 2 digits EUR, 0 JPY, 3 KWD), half away from zero (ROUND_HALF_UP).
 * 3. Each line's VAT = its rounded exclVat × rate ÷ 100, rounded the same way; inclVat = exclVat +
 *    VAT. A component without `vat` has vatRate null and VAT 0.
 * 4. Credits (plan allowance, plan discount, max price) are lines of their own, negative, rounded
 *    the same way (magnitudes, so a full allowance cancels its energy line to the cent).
 * 5. Totals, per-dimension Prices and the VAT breakdown are sums of rounded lines: the bill
 *    always adds up. Nothing is rounded twice.
 * 6. The totals are never below zero: credits are bounded by what they credit and max_price
 *    lowers a total to the bound, never past it.
 * 7. Quantities shown (kWh, hours, OCPI volumes) are decimal strings of at most 6 places.
 */
import type { Price, TariffDimensionType } from '../tariffs/tariff.model.js';
import { allowanceLines, discountLines, priceLimitLines } from './adjustments.js';
import { buildSegments, toChargingPeriods } from './charging-periods.js';
import { buildEnergyTimeline } from './energy-timeline.js';
import { assertZone } from './local-time.js';
import { readMeter } from './meter-readings.js';
import { Dec, isCurrency, minorDigits } from './money.js';
import { priceDimensions } from './price-dimensions.js';
import type { CostLine, PricedSession, PricingInput, VatAmount } from './pricing.types.js';
import { stateSpans } from './session-state.js';

export function priceSession(input: PricingInput): PricedSession {
  const { tariff } = input;
  const currency = tariff.currency;
  if (!isCurrency(currency)) throw new RangeError(`not a currency: ${currency}`);
  assertZone(input.timeZone);
  const dataNotes: string[] = [];
  const start = input.startedAt.getTime();
  let end = input.endedAt.getTime();
  if (end < start) {
    dataNotes.push('the session ends before it starts: priced as a session of no length');
    end = start;
  }

  const spans = stateSpans(start, end, input.statuses);
  const series = readMeter(input.samples, start, end);
  const energy = buildEnergyTimeline({ start, end, meterStartWh: input.meterStartWh, meterStopWh: input.meterStopWh, series, spans });
  dataNotes.push(...series.notes, ...energy.notes);

  const segments = buildSegments({ start, end, zone: input.timeZone, energy, elements: tariff.elements, spans });
  const { lines: tariffLines, energyUses } = priceDimensions(segments, tariff.elements, currency);
  const lines: CostLine[] = [...tariffLines];
  lines.push(...allowanceLines(energyUses, input.benefits, currency));
  lines.push(...discountLines(lines, input.benefits, currency));
  lines.push(...priceLimitLines(lines, tariff, currency));

  const digits = minorDigits(currency);
  const sum = (ls: readonly CostLine[], f: (l: CostLine) => string) => ls.reduce((acc, l) => acc.plus(f(l)), new Dec(0));
  const priceOf = (kind: TariffDimensionType): Price | null => {
    const ls = tariffLines.filter((l) => l.kind === kind);
    if (ls.length === 0) return null;
    return { excl_vat: sum(ls, (l) => l.exclVat).toFixed(digits), incl_vat: sum(ls, (l) => l.inclVat).toFixed(digits) };
  };

  const parkingMs = segments.filter((s) => s.state === 'PARKING').reduce((acc, s) => acc + (s.to - s.from), 0);
  return {
    currency,
    chargingPeriods: toChargingPeriods(segments),
    lines,
    totalExclVat: sum(lines, (l) => l.exclVat).toFixed(digits),
    totalVat: sum(lines, (l) => l.vat).toFixed(digits),
    totalInclVat: sum(lines, (l) => l.inclVat).toFixed(digits),
    totalEnergyCost: priceOf('ENERGY'),
    totalTimeCost: priceOf('TIME'),
    totalParkingCost: priceOf('PARKING_TIME'),
    totalFixedCost: priceOf('FLAT'),
    vatBreakdown: vatBreakdown(lines, digits),
    totalEnergyWh: energy.totalWh.toDecimalPlaces(0, Dec.ROUND_HALF_UP).toNumber(),
    totalTimeSeconds: (end - start) / 1000,
    totalParkingSeconds: parkingMs / 1000,
    dataNotes,
  };
}

/** Per VAT rate (ascending, "no VAT known" last): sums of the lines at that rate. */
function vatBreakdown(lines: readonly CostLine[], digits: number): VatAmount[] {
  const groups = new Map<string, { rate: string | null; exclVat: Dec; vat: Dec }>();
  for (const l of lines) {
    const key = l.vatRate === null ? 'none' : new Dec(l.vatRate).toString();
    const g = groups.get(key) ?? { rate: l.vatRate, exclVat: new Dec(0), vat: new Dec(0) };
    g.exclVat = g.exclVat.plus(l.exclVat);
    g.vat = g.vat.plus(l.vat);
    groups.set(key, g);
  }
  return [...groups.values()]
    .sort((a, b) => (a.rate === null ? 1 : b.rate === null ? -1 : new Dec(a.rate).comparedTo(b.rate)))
    .map((g) => ({ rate: g.rate, exclVat: g.exclVat.toFixed(digits), vat: g.vat.toFixed(digits) }));
}

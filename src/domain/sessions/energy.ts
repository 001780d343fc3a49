import { ENERGY_REGISTER, type SampledValue } from './session.types.js';

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/**
 * A decimal string as a plain decimal (no exponent), or null when it is not a number.
 * Kept as a string so nothing is lost to floating point on the way to a numeric column.
 */
export function normaliseDecimal(value: string): string | null {
  const v = value.trim();
  if (DECIMAL.test(v)) return v.startsWith('+') ? v.slice(1) : v;
  const n = Number(v);
  return v !== '' && Number.isFinite(n) ? String(n) : null;
}

// meter_sample.numeric_value is numeric(20,6): 14 integer digits.
const MAX_READING_ABS = 1e14;

/**
 * Whether a raw sampled value can be stored: not a number at all (kept as text only), or a
 * finite number under 10^14 in magnitude. "1e999" or "Infinity" (Number gives Infinity) and
 * "1e20" are not, and would overflow the numeric and bigint columns of a shared batch.
 */
export function isStorableReading(value: string): boolean {
  const v = value.trim();
  if (v === '') return true;
  const n = Number(v);
  if (Number.isNaN(n)) return true;
  return Number.isFinite(n) && Math.abs(n) < MAX_READING_ABS;
}

/** Register value in whole Wh, rounding half away from zero, from a Wh or kWh reading. */
export function toWattHours(value: string, unit: string | null): number | null {
  const decimal = normaliseDecimal(value);
  if (decimal === null) return null;
  const shift = unit === 'kWh' ? 3 : unit === 'Wh' || unit === null ? 0 : null;
  if (shift === null) return null;
  const [, sign, whole, frac = ''] = DECIMAL.exec(decimal.includes('e') ? Number(decimal).toFixed(6) : decimal)!;
  // Move the decimal point by string, so "12.3456" kWh is 12346 Wh without float error.
  const padded = frac.padEnd(shift + 1, '0');
  const intPart = Number(`${whole}${padded.slice(0, shift)}`);
  const roundUp = Number(padded[shift]) >= 5 ? 1 : 0;
  const wh = intPart + roundUp;
  return sign === '-' ? -wh : wh;
}

/**
 * The import energy register reading of a batch of samples, in Wh: the latest total
 * (no phase) reading at the outlet, ignoring signed data. Null when the batch has none,
 * which must leave the session's energy as it was.
 */
export function energyRegisterReading(samples: SampledValue[]): { wh: number; sampledAt: Date } | null {
  let best: { wh: number; sampledAt: Date } | null = null;
  for (const s of samples) {
    if (s.measurand !== ENERGY_REGISTER || s.phase !== null || s.format === 'SignedData') continue;
    if (s.location !== null && s.location !== 'Outlet') continue;
    const wh = toWattHours(s.value, s.unit);
    if (wh === null || wh < 0) continue;
    if (!best || s.sampledAt.getTime() >= best.sampledAt.getTime()) best = { wh, sampledAt: s.sampledAt };
  }
  return best;
}

import { Decimal } from 'decimal.js';

// Money rules, in one place. Amounts are decimal.js values while computing and decimal strings
// at rest; never floats. Rounding: half away from zero (ROUND_HALF_UP) to the currency's minor
// unit (2 digits for EUR, 0 for JPY, 3 for KWD, as ISO 4217 and Intl have them), applied once
// per cost line; totals are sums of rounded lines, so a bill always adds up.

const MoneyDecimal = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export { MoneyDecimal as Dec };
export type Dec = Decimal;

const KNOWN_CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** An ISO 4217 currency code this runtime knows (upper case, three letters). */
export function isCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && KNOWN_CURRENCIES.has(code);
}

const DIGITS = new Map<string, number>();

/** Digits after the point of the currency's minor unit (asked of Intl once per currency). */
export function minorDigits(currency: string): number {
  let digits = DIGITS.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    DIGITS.set(currency, digits);
  }
  return digits;
}

/** Rounded to the currency's minor unit. */
export function roundMoney(amount: Decimal.Value, currency: string): Decimal {
  return new MoneyDecimal(amount).toDecimalPlaces(minorDigits(currency), Decimal.ROUND_HALF_UP);
}

/** As a decimal string with exactly the currency's digits: "12.30". */
export function formatMoney(amount: Decimal.Value, currency: string): string {
  return roundMoney(amount, currency).toFixed(minorDigits(currency));
}

/** In integer minor units (cents), for payment providers. Rounds as above. */
export function toMinorUnits(amount: Decimal.Value, currency: string): number {
  return roundMoney(amount, currency).times(new MoneyDecimal(10).pow(minorDigits(currency))).toNumber();
}

export function fromMinorUnits(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`not an integer amount of minor units: ${minor}`);
  return new MoneyDecimal(minor).div(new MoneyDecimal(10).pow(minorDigits(currency))).toFixed(minorDigits(currency));
}

/** Exact sum of decimal strings. */
export function sumMoney(amounts: readonly Decimal.Value[]): Decimal {
  return amounts.reduce<Decimal>((acc, a) => acc.plus(a), new MoneyDecimal(0));
}

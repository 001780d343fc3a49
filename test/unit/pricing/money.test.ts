import { describe, expect, it } from 'vitest';
import { formatMoney, fromMinorUnits, isCurrency, minorDigits, sumMoney, toMinorUnits } from '../../../src/domain/pricing/money.js';

describe('money rules', () => {
  it.each([
    ['EUR', true],
    ['JPY', true],
    ['eur', false],
    ['XYZ', false],
    ['EURO', false],
  ])('%s is a currency: %s', (code, known) => expect(isCurrency(code)).toBe(known));

  it.each([
    ['EUR', 2],
    ['JPY', 0],
    ['KWD', 3],
  ])('%s has %i minor digits', (code, digits) => expect(minorDigits(code)).toBe(digits));

  it.each([
    ['0.005', 'EUR', '0.01'], // half away from zero
    ['0.0049', 'EUR', '0.00'],
    ['-0.005', 'EUR', '-0.01'],
    ['2.675', 'EUR', '2.68'], // a float would give 2.67
    ['149.5', 'JPY', '150'],
    ['1.0005', 'KWD', '1.001'],
    ['12.3', 'EUR', '12.30'],
  ])('%s %s rounds to %s', (amount, currency, expected) => expect(formatMoney(amount, currency)).toBe(expected));

  it.each([
    ['12.34', 'EUR', 1234],
    ['0.1', 'EUR', 10],
    ['1500', 'JPY', 1500],
  ])('%s %s is %i minor units', (amount, currency, minor) => {
    expect(toMinorUnits(amount, currency)).toBe(minor);
    expect(fromMinorUnits(minor, currency)).toBe(formatMoney(amount, currency));
  });

  it('sums exactly where floats would not', () => {
    expect(sumMoney(['0.1', '0.2']).toString()).toBe('0.3');
  });
});

import { describe, expect, it } from 'vitest';
import { formatInvoiceNumber, numberingYear } from '../../../src/domain/invoices/invoice-number.js';

describe('invoice numbers', () => {
  it.each([
    ['INV', 2026, 1, 'INV-2026-000001'],
    ['INV', 2026, 42, 'INV-2026-000042'],
    ['CN', 2026, 7, 'CN-2026-000007'],
    ['INV', 2027, 999_999, 'INV-2027-999999'],
    ['INV', 2027, 1_000_000, 'INV-2027-1000000'],
  ] as const)('%s %i #%i is %s', (series, year, seq, expected) => expect(formatInvoiceNumber(series, year, seq)).toBe(expected));

  it.each([0, -1, 1.5, Number.NaN])('refuses sequence %s', (seq) => expect(() => formatInvoiceNumber('INV', 2026, seq)).toThrow(RangeError));

  it('numbers by the UTC year of issue', () => {
    expect(numberingYear(new Date('2026-12-31T23:59:59Z'))).toBe(2026);
    expect(numberingYear(new Date('2027-01-01T00:00:00Z'))).toBe(2027);
  });
});

import { describe, expect, it } from 'vitest';
import { checkedLines, linesFromCdr, negatedLines, taxBreakdown, totalsOf } from '../../../src/domain/invoices/invoice-lines.js';
import type { InvoiceLineInput } from '../../../src/domain/invoices/invoice.ports.js';
import { InvoicesError } from '../../../src/domain/invoices/invoices.errors.js';
import { aCdrView, aCostLine } from '../../helpers/cdr-views.js';

const aLine = (o: Partial<InvoiceLineInput> = {}): InvoiceLineInput => ({
  description: 'Energy',
  quantity: '10',
  unit: 'kWh',
  unitPriceExclVat: '0.40',
  vatRate: '19',
  exclVat: '4.00',
  vat: '0.76',
  inclVat: '4.76',
  ...o,
});

describe('lines from a CDR', () => {
  it('gives one line per cost line, with its VAT rate and the CDR', () => {
    const cdr = aCdrView({
      lines: [
        aCostLine(),
        aCostLine({ kind: 'PARKING_TIME', description: 'Parking 0.5 h', quantity: '0.5', unit: 'h', unitPrice: '6.00', vatRate: '19', exclVat: '3.00', vat: '0.57', inclVat: '3.57' }),
        aCostLine({ kind: 'FLAT', description: 'Session fee', quantity: '1', unit: 'session', unitPrice: '1.00', vatRate: '7', exclVat: '1.00', vat: '0.07', inclVat: '1.07' }),
        aCostLine({ kind: 'PLAN_ALLOWANCE', description: 'Included in your plan', quantity: '10', unit: 'kWh', unitPrice: '-0.40', vatRate: '19', exclVat: '-4.00', vat: '-0.76', inclVat: '-4.76' }),
        aCostLine({ kind: 'MIN_PRICE', elementIndex: null, description: 'Minimum price', quantity: '1', unit: null, unitPrice: null, vatRate: null, exclVat: '0.50', vat: '0.00', inclVat: '0.50' }),
      ],
    });
    const lines = linesFromCdr(cdr);
    expect(lines).toHaveLength(5);
    expect(lines.map((l) => [l.description, l.vatRate, l.inclVat, l.cdrId])).toEqual([
      ['Energy 10 kWh at 0.40 EUR/kWh', '19', '4.76', cdr.id],
      ['Parking 0.5 h', '19', '3.57', cdr.id],
      ['Session fee', '7', '1.07', cdr.id],
      ['Included in your plan', '19', '-4.76', cdr.id],
      ['Minimum price', null, '0.50', cdr.id],
    ]);
    expect(totalsOf(checkedLines(lines, 'EUR'), 'EUR')).toEqual({ exclVat: '4.50', vat: '0.64', inclVat: '5.14' });
  });

  it('gives a session that cost nothing one zero line', () => {
    const lines = linesFromCdr(aCdrView({ lines: [] }));
    expect(lines).toHaveLength(1);
    expect(totalsOf(lines, 'EUR')).toEqual({ exclVat: '0.00', vat: '0.00', inclVat: '0.00' });
  });
});

describe('tax breakdown', () => {
  it.each([
    [
      'one rate',
      [aLine(), aLine({ exclVat: '1.00', vat: '0.19', inclVat: '1.19' })],
      [{ rate: '19', exclVat: '5.00', vat: '0.95' }],
    ],
    [
      'two rates, highest first, no VAT last',
      [aLine({ vatRate: null, exclVat: '2.00', vat: '0.00', inclVat: '2.00' }), aLine({ vatRate: '7', exclVat: '1.00', vat: '0.07', inclVat: '1.07' }), aLine()],
      [
        { rate: '19', exclVat: '4.00', vat: '0.76' },
        { rate: '7', exclVat: '1.00', vat: '0.07' },
        { rate: null, exclVat: '2.00', vat: '0.00' },
      ],
    ],
    [
      '"19.0" and "19" are one rate; a discount nets off',
      [aLine({ vatRate: '19.0' }), aLine({ exclVat: '-1.00', vat: '-0.19', inclVat: '-1.19' })],
      [{ rate: '19', exclVat: '3.00', vat: '0.57' }],
    ],
    ['0.1 + 0.2 adds up exactly', [aLine({ vatRate: '0', exclVat: '0.10', vat: '0.00', inclVat: '0.10' }), aLine({ vatRate: '0', exclVat: '0.20', vat: '0.00', inclVat: '0.20' })], [{ rate: '0', exclVat: '0.30', vat: '0.00' }]],
  ])('%s', (_name, lines, expected) => expect(taxBreakdown(lines, 'EUR')).toEqual(expected));

  it('uses the currency digits', () => {
    expect(taxBreakdown([aLine({ exclVat: '400', vat: '76', inclVat: '476' })], 'JPY')).toEqual([{ rate: '19', exclVat: '400', vat: '76' }]);
  });
});

describe('checked lines', () => {
  it.each([
    ['no lines', [], 'lines'],
    ['incl is not excl + vat', [aLine({ inclVat: '4.77' })], 'lines.0.inclVat'],
    ['more digits than the currency', [aLine({ exclVat: '4.001', inclVat: '4.761' })], 'lines.0.exclVat'],
    ['not a number', [aLine({ vat: 'abc' })], 'lines.0.vat'],
    ['a float in disguise', [aLine({ exclVat: '1e3' })], 'lines.0.exclVat'],
    ['a VAT rate over 100', [aLine({ vatRate: '119' })], 'lines.0.vatRate'],
    ['a negative VAT rate', [aLine({ vatRate: '-1' })], 'lines.0.vatRate'],
    ['no description', [aLine(), aLine({ description: '  ' })], 'lines.1.description'],
  ])('refuses %s, naming the field', (_name, lines, field) => {
    try {
      checkedLines(lines, 'EUR');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InvoicesError);
      expect((err as InvoicesError).details?.field).toBe(field);
    }
  });

  it('normalises amounts to the currency digits', () => {
    expect(checkedLines([aLine({ exclVat: '4', vat: '0.760', inclVat: '4.76', vatRate: '19.00' })], 'EUR')[0]).toMatchObject({
      exclVat: '4.00',
      vat: '0.76',
      vatRate: '19',
    });
  });
});

describe('negated lines', () => {
  it('negates the amounts, not the quantities, and writes no negative zero', () => {
    const [neg] = negatedLines([aLine({ vatRate: null, vat: '0.00', exclVat: '4.76', inclVat: '4.76' })], 'EUR');
    expect(neg).toMatchObject({ quantity: '10', exclVat: '-4.76', vat: '0.00', inclVat: '-4.76' });
  });
});

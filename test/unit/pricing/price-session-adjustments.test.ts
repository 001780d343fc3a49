import { describe, expect, it } from 'vitest';
import { priceSession } from '../../../src/domain/pricing/price-session.js';
import type { TariffDefinition } from '../../../src/domain/tariffs/tariff.model.js';
import { el, energy, flat, input, lineSummary, reg, tariff, type Session } from './pricing-fixtures.js';

// min_price / max_price and a plan's free energy and discount. Order (adjustments.ts): tariff
// lines, PLAN_ALLOWANCE, PLAN_DISCOUNT, then MIN_PRICE/MAX_PRICE on what remains, spread over the
// VAT rates pro rata. All amounts by hand.

interface Case {
  name: string;
  tariff: TariffDefinition;
  session: Session;
  lines: string[];
  excl: string;
  vat: string;
  incl: string;
}

const h = (hh: string, mm = '00') => `2026-06-10T${hh}:${mm}:00Z`;
const oneHour = (stop: number, extra: Partial<Session> = {}): Session => ({ start: h('10'), end: h('11'), meterStop: stop, ...extra });

const cases: Case[] = [
  {
    // 3 kWh × 0.30 = 0.90 (VAT 20 % 0.18); min 2.00 → MIN_PRICE 1.10 (VAT 0.22) → 2.00 / 0.40 / 2.40
    name: 'min_price raises the total',
    tariff: tariff([el([energy('0.30', 1, '20')])], { min_price: { excl_vat: '2.00', incl_vat: '2.40' } }),
    session: oneHour(3000),
    lines: ['ENERGY@0 3 0.90/0.18', 'MIN_PRICE 1 1.10/0.22'],
    excl: '2.00',
    vat: '0.40',
    incl: '2.40',
  },
  {
    // 30 kWh × 0.50 = 15.00; max 10.00 → MAX_PRICE −5.00
    name: 'max_price caps the total',
    tariff: tariff([el([energy('0.50')])], { max_price: { excl_vat: '10.00' } }),
    session: oneHour(30000),
    lines: ['ENERGY@0 30 15.00/0.00', 'MAX_PRICE 1 -5.00/0.00'],
    excl: '10.00',
    vat: '0.00',
    incl: '10.00',
  },
  {
    // FLAT 5.00 at 10 % (0.50) + 30 kWh × 0.50 = 15.00 at 20 % (3.00) = 20.00; max 10.00 → −10.00
    // spread pro rata: 10 % share −10 × 5/20 = −2.50 (VAT −0.25); 20 % takes the rest −7.50
    // (VAT −1.50). excl 10.00; VAT 0.50 + 3.00 − 0.25 − 1.50 = 1.75; incl 11.75
    name: 'max_price spread over two VAT rates pro rata',
    tariff: tariff([el([flat('5.00', '10'), energy('0.50', 1, '20')])], { max_price: { excl_vat: '10.00' } }),
    session: oneHour(30000),
    lines: ['FLAT@0 1 5.00/0.50', 'ENERGY@0 30 15.00/3.00', 'MAX_PRICE 1 -2.50/-0.25', 'MAX_PRICE 1 -7.50/-1.50'],
    excl: '10.00',
    vat: '1.75',
    incl: '11.75',
  },
  {
    // 0 Wh, nothing to spread over: min 1.00 at the first component's rate (20 %) → 1.00 / 0.20
    name: 'min_price on a 0 Wh session',
    tariff: tariff([el([energy('0.30', 1, '20')])], { min_price: { excl_vat: '1.00' } }),
    session: oneHour(0),
    lines: ['MIN_PRICE 1 1.00/0.20'],
    excl: '1.00',
    vat: '0.20',
    incl: '1.20',
  },
  {
    // between the bounds: nothing added. 5 kWh × 0.50 = 2.50, min 1.00, max 10.00
    name: 'within min and max: no adjustment',
    tariff: tariff([el([energy('0.50')])], { min_price: { excl_vat: '1.00' }, max_price: { excl_vat: '10.00' } }),
    session: oneHour(5000),
    lines: ['ENERGY@0 5 2.50/0.00'],
    excl: '2.50',
    vat: '0.00',
    incl: '2.50',
  },
  {
    // 10 kWh × 0.40 = 4.00 (VAT 0.80); 3 kWh free: −3 × 0.40 = −1.20 (VAT −0.24) → 2.80 / 0.56 / 3.36
    name: 'plan allowance: first 3 kWh free',
    tariff: tariff([el([energy('0.40', 1, '20')])]),
    session: oneHour(10000, { benefits: { freeEnergyWh: 3000 } }),
    lines: ['ENERGY@0 10 4.00/0.80', 'PLAN_ALLOWANCE@0 -3 -1.20/-0.24'],
    excl: '2.80',
    vat: '0.56',
    incl: '3.36',
  },
  {
    // More free energy than used: only the 10 kWh used are credited; the FLAT stays → 1.00
    name: 'plan allowance larger than the session',
    tariff: tariff([el([flat('1.00'), energy('0.40')])]),
    session: oneHour(10000, { benefits: { freeEnergyWh: 50000 } }),
    lines: ['FLAT@0 1 1.00/0.00', 'ENERGY@0 10 4.00/0.00', 'PLAN_ALLOWANCE@0 -10 -4.00/0.00'],
    excl: '1.00',
    vat: '0.00',
    incl: '1.00',
  },
  {
    // First N Wh in time order across elements: 4.3 kWh before 17:00 at 0.20, 1.1 after at 0.30.
    // 5 kWh free: 4.3 from element 1 (−0.86) + 0.7 from element 0 (−0.21).
    // Lines 0.86 + 0.33 − 0.86 − 0.21 = 0.12
    name: 'plan allowance over two elements in time order',
    tariff: tariff([el([energy('0.30')], { start_time: '17:00' }), el([energy('0.20')])]),
    session: { start: h('16'), end: h('18'), meterStop: 5400, samples: [reg(h('17'), 4300)], benefits: { freeEnergyWh: 5000 } },
    lines: ['ENERGY@1 4.3 0.86/0.00', 'ENERGY@0 1.1 0.33/0.00', 'PLAN_ALLOWANCE@1 -4.3 -0.86/0.00', 'PLAN_ALLOWANCE@0 -0.7 -0.21/0.00'],
    excl: '0.12',
    vat: '0.00',
    incl: '0.12',
  },
  {
    // FLAT 1.00 + 10 kWh × 0.40 = 4.00, all at 20 %; 3 kWh free −1.20; what remains 3.80;
    // 10 % off = −0.38 (VAT −0.076 → −0.08). excl 3.42; VAT 0.20 + 0.80 − 0.24 − 0.08 = 0.68; incl 4.10
    name: 'plan allowance then discount on what remains',
    tariff: tariff([el([flat('1.00', '20'), energy('0.40', 1, '20')])]),
    session: oneHour(10000, { benefits: { freeEnergyWh: 3000, discountPercent: '10' } }),
    lines: ['FLAT@0 1 1.00/0.20', 'ENERGY@0 10 4.00/0.80', 'PLAN_ALLOWANCE@0 -3 -1.20/-0.24', 'PLAN_DISCOUNT 1 -0.38/-0.08'],
    excl: '3.42',
    vat: '0.68',
    incl: '4.10',
  },
  {
    // Discount per VAT rate: FLAT 1.00 at 7 % and 10 kWh × 0.30 = 3.00 at 19 %; 25 % off:
    // −0.25 (VAT −0.0175 → −0.02) and −0.75 (VAT −0.1425 → −0.14). excl 3.00; VAT 0.07 + 0.57 − 0.02 − 0.14 = 0.48
    name: 'plan discount per VAT rate',
    tariff: tariff([el([flat('1.00', '7'), energy('0.30', 1, '19')])]),
    session: oneHour(10000, { benefits: { discountPercent: '25' } }),
    lines: ['FLAT@0 1 1.00/0.07', 'ENERGY@0 10 3.00/0.57', 'PLAN_DISCOUNT 1 -0.25/-0.02', 'PLAN_DISCOUNT 1 -0.75/-0.14'],
    excl: '3.00',
    vat: '0.48',
    incl: '3.48',
  },
  {
    // Benefits before the bounds: 2 kWh × 0.50 = 1.00, 1 kWh free −0.50 → 0.50; min 2.00 → +1.50
    name: 'min_price after the plan allowance',
    tariff: tariff([el([energy('0.50')])], { min_price: { excl_vat: '2.00' } }),
    session: oneHour(2000, { benefits: { freeEnergyWh: 1000 } }),
    lines: ['ENERGY@0 2 1.00/0.00', 'PLAN_ALLOWANCE@0 -1 -0.50/0.00', 'MIN_PRICE 1 1.50/0.00'],
    excl: '2.00',
    vat: '0.00',
    incl: '2.00',
  },
];

describe('priceSession: min/max price and plan benefits', () => {
  it.each(cases)('$name', (c) => {
    const priced = priceSession(input(c.tariff, c.session));
    expect(lineSummary(priced)).toEqual(c.lines);
    expect([priced.totalExclVat, priced.totalVat, priced.totalInclVat]).toEqual([c.excl, c.vat, c.incl]);
  });

  it('dimension totals are the tariff’s own lines; the VAT breakdown includes adjustments', () => {
    const priced = priceSession(input(cases[2].tariff, cases[2].session));
    expect(priced.totalEnergyCost).toEqual({ excl_vat: '15.00', incl_vat: '18.00' });
    expect(priced.totalFixedCost).toEqual({ excl_vat: '5.00', incl_vat: '5.50' });
    expect(priced.vatBreakdown).toEqual([
      { rate: '10', exclVat: '2.50', vat: '0.25' },
      { rate: '20', exclVat: '7.50', vat: '1.50' },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { priceSession } from '../../../src/domain/pricing/price-session.js';
import type { TariffDefinition } from '../../../src/domain/tariffs/tariff.model.js';
import { el, energy, flat, input, lineSummary, parking, reg, st, tariff, time, type Session } from './pricing-fixtures.js';

// Every expected amount below is worked out by hand from the OCPI 2.2.1 rules and the rounding
// rules of price-session.ts (exclVat per line rounded half-up to the minor unit, VAT per line from
// the rounded exclVat, totals = sums of lines). Sessions are in UTC unless a zone is named.

interface Case {
  name: string;
  tariff: TariffDefinition;
  session: Session;
  lines: string[];
  excl: string;
  vat?: string;
  incl?: string;
}

const hour = (h: string, m = '00') => `2026-06-10T${h}:${m}:00Z`;

const cases: Case[] = [
  {
    // 13345 − 1000 = 12345 Wh = 12.345 kWh × 0.39 = 4.81455 → 4.81
    name: 'ENERGY per kWh',
    tariff: tariff([el([energy('0.39')])]),
    session: { start: hour('10'), end: hour('11'), meterStart: 1000, meterStop: 13345 },
    lines: ['ENERGY@0 12.345 4.81/0.00'],
    excl: '4.81',
  },
  {
    // FLAT 1.00 once + 10 kWh × 0.30 = 3.00 → 4.00
    name: 'FLAT once per session plus ENERGY',
    tariff: tariff([el([flat('1.00'), energy('0.30')])]),
    session: { start: hour('10'), end: hour('11'), meterStop: 10000 },
    lines: ['FLAT@0 1 1.00/0.00', 'ENERGY@0 10 3.00/0.00'],
    excl: '4.00',
  },
  {
    // 1 h 30 min charging × 2.00/h = 3.00
    name: 'TIME per hour charging',
    tariff: tariff([el([time('2.00')])]),
    session: { start: hour('10'), end: hour('11', '30'), meterStop: 5000 },
    lines: ['TIME@0 1.5 3.00/0.00'],
    excl: '3.00',
  },
  {
    // charging 10:00–10:30 (no TIME component), parking 10:30–11:00 = 0.5 h × 1.20 = 0.60
    name: 'PARKING_TIME while suspended',
    tariff: tariff([el([parking('1.20')])]),
    session: {
      start: hour('10'),
      end: hour('11'),
      meterStop: 5000,
      statuses: [st(hour('10'), 'CHARGING'), st(hour('10', '30'), 'SUSPENDED_EV')],
    },
    lines: ['PARKING_TIME@0 0.5 0.60/0.00'],
    excl: '0.60',
  },
  {
    // FINISHING and SUSPENDED_EVSE are parking too: 10:20–10:40 SUSPENDED_EVSE, 10:50–11:00
    // FINISHING → 30 min parking × 2.00/h = 1.00; charging 30 min × 1.00/h = 0.50 → 1.50
    name: 'SUSPENDED_EVSE and FINISHING are parking',
    tariff: tariff([el([time('1.00'), parking('2.00')])]),
    session: {
      start: hour('10'),
      end: hour('11'),
      meterStop: 5000,
      statuses: [st(hour('10', '20'), 'SUSPENDED_EVSE'), st(hour('10', '40'), 'CHARGING'), st(hour('10', '50'), 'FINISHING')],
    },
    lines: ['TIME@0 0.5 0.50/0.00', 'PARKING_TIME@0 0.5 1.00/0.00'],
    excl: '1.50',
  },
  {
    // OCPI 2.2.1 step_size example: TIME and PARKING both step 300 s. 21 min charging is NOT
    // rounded (followed by parking); 7 min parking → 10 min. 21/60 × 6.00 = 2.10; 10/60 × 3.00 = 0.50
    name: 'step_size: charging then parking, only parking rounded',
    tariff: tariff([el([time('6.00', 300), parking('3.00', 300)])]),
    session: {
      start: hour('10'),
      end: hour('10', '28'),
      meterStop: 5000,
      statuses: [st(hour('10'), 'CHARGING'), st(hour('10', '21'), 'SUSPENDED_EV')],
    },
    lines: ['TIME@0 0.35 2.10/0.00', 'PARKING_TIME@0 0.166667 0.50/0.00'],
    excl: '2.60',
  },
  {
    // OCPI 2.2.1: 1.00/h charging, 2.00/h parking, both step 600 s; 21 min charging, 16 min
    // parking → parking 20 min. 21/60 × 1.00 = 0.35; 20/60 × 2.00 = 0.666… → 0.67 → 1.02
    name: 'step_size: parking 16 min → 20 min',
    tariff: tariff([el([time('1.00', 600), parking('2.00', 600)])]),
    session: {
      start: hour('10'),
      end: hour('10', '37'),
      meterStop: 5000,
      statuses: [st(hour('10', '21'), 'SUSPENDED_EV')],
    },
    lines: ['TIME@0 0.35 0.35/0.00', 'PARKING_TIME@0 0.333333 0.67/0.00'],
    excl: '1.02',
  },
  {
    // No PARKING_TIME component: TIME is the only time dimension used, so TIME's total is
    // rounded: 21 min → 25 min (step 300) × 6.00/h = 2.50; the 7 min parking are free
    name: 'step_size: TIME rounded when no parking is priced',
    tariff: tariff([el([time('6.00', 300)])]),
    session: {
      start: hour('10'),
      end: hour('10', '28'),
      meterStop: 5000,
      statuses: [st(hour('10', '21'), 'SUSPENDED_EV')],
    },
    lines: ['TIME@0 0.416667 2.50/0.00'],
    excl: '2.50',
  },
  {
    // OCPI 2.2.1 energy example: 0.20/kWh before 17:00, 0.27 after, both step 500 Wh; 4.3 kWh
    // before + 1.1 after = 5.4 → 5.5 kWh; the extra 0.1 billed after 17:00 → 1.2 kWh.
    // 4.3 × 0.20 = 0.86; 1.2 × 0.27 = 0.324 → 0.32; total 1.18
    name: 'step_size: energy total over two elements, last element absorbs',
    tariff: tariff([el([energy('0.27', 500)], { start_time: '17:00' }), el([energy('0.20', 500)])]),
    session: { start: hour('16'), end: hour('18'), meterStop: 5400, samples: [reg(hour('17'), 4300)] },
    lines: ['ENERGY@1 4.3 0.86/0.00', 'ENERGY@0 1.2 0.32/0.00'],
    excl: '1.18',
  },
  {
    // The LAST element's step applies to the total: before 17:00 step 1 Wh, after step 1000 Wh.
    // 5400 → 6000 Wh; after 17:00 1.1 + 0.6 = 1.7 kWh × 0.27 = 0.459 → 0.46; 4.3 × 0.20 = 0.86 → 1.32
    name: 'step_size: the last element’s step_size is used',
    tariff: tariff([el([energy('0.27', 1000)], { start_time: '17:00' }), el([energy('0.20', 1)])]),
    session: { start: hour('16'), end: hour('18'), meterStop: 5400, samples: [reg(hour('17'), 4300)] },
    lines: ['ENERGY@1 4.3 0.86/0.00', 'ENERGY@0 1.7 0.46/0.00'],
    excl: '1.32',
  },
  {
    // OCPI 2.2.1 time example: 5.00/h before 17:00, 7.00/h after, step 600 s; 6 min before,
    // 22 min after = 28 → 30 min; 24 min billed after 17:00. 6/60 × 5 = 0.50; 24/60 × 7 = 2.80
    name: 'step_size: time total over two elements',
    tariff: tariff([el([time('7.00', 600)], { start_time: '17:00' }), el([time('5.00', 600)])]),
    session: { start: hour('16', '54'), end: hour('17', '22'), meterStop: 1000 },
    lines: ['TIME@1 0.1 0.50/0.00', 'TIME@0 0.4 2.80/0.00'],
    excl: '3.30',
  },
  {
    // 7 kWh with step 2000 Wh → 8 kWh × 0.25 = 2.00
    name: 'step_size: energy on one element',
    tariff: tariff([el([energy('0.25', 2000)])]),
    session: { start: hour('10'), end: hour('11'), meterStop: 7000 },
    lines: ['ENERGY@0 8 2.00/0.00'],
    excl: '2.00',
  },
  {
    // OCPI 2.2.1 example with three VAT rates: FLAT 2.50 at 15 % (VAT 0.375 → 0.38), 165 min
    // charging × 1.00/h = 2.75 at 20 % (0.55), 42 min parking → 45 min (step 300) × 5.00/h = 3.75
    // at 10 % (0.375 → 0.38). excl 9.00, VAT 1.31, incl 10.31 (OCPI's 10.30 is before rounding
    // each line; here each line is rounded, rule 3)
    name: 'VAT per component, three rates',
    tariff: tariff([el([flat('2.50', '15'), time('1.00', 1, '20'), parking('5.00', 300, '10')])]),
    session: {
      start: hour('10'),
      end: hour('13', '27'),
      meterStop: 20000,
      statuses: [st(hour('12', '45'), 'SUSPENDED_EV')],
    },
    lines: ['FLAT@0 1 2.50/0.38', 'TIME@0 2.75 2.75/0.55', 'PARKING_TIME@0 0.75 3.75/0.38'],
    excl: '9.00',
    vat: '1.31',
    incl: '10.31',
  },
  {
    // Two rates: 10 kWh × 0.30 = 3.00 at 19 % (0.57); FLAT 1.00 at 7 % (0.07) → 4.00 / 0.64 / 4.64
    name: 'VAT per component, two rates',
    tariff: tariff([el([flat('1.00', '7'), energy('0.30', 1, '19')])]),
    session: { start: hour('10'), end: hour('11'), meterStop: 10000 },
    lines: ['FLAT@0 1 1.00/0.07', 'ENERGY@0 10 3.00/0.57'],
    excl: '4.00',
    vat: '0.64',
    incl: '4.64',
  },
  {
    // Half-up on a tie: 1.5 kWh × 0.35 = 0.525 → 0.53 (banker's rounding would give 0.52)
    name: 'rounding: a tie rounds up',
    tariff: tariff([el([energy('0.35')])]),
    session: { start: hour('10'), end: hour('11'), meterStop: 1500 },
    lines: ['ENERGY@0 1.5 0.53/0.00'],
    excl: '0.53',
  },
  {
    // VAT tie: 10 kWh × 0.25 = 2.50; VAT 19 % = 0.475 → 0.48; incl 2.98
    name: 'rounding: VAT tie rounds up',
    tariff: tariff([el([energy('0.25', 1, '19')])]),
    session: { start: hour('10'), end: hour('11'), meterStop: 10000 },
    lines: ['ENERGY@0 10 2.50/0.48'],
    excl: '2.50',
    vat: '0.48',
    incl: '2.98',
  },
  {
    // JPY has no minor unit: 12.345 kWh × 45 = 555.525 → 556; VAT 10 % = 55.6 → 56; incl 612
    name: 'JPY: 0 digits',
    tariff: tariff([el([energy('45', 1, '10')])], { currency: 'JPY' }),
    session: { start: hour('10'), end: hour('11'), meterStop: 12345 },
    lines: ['ENERGY@0 12.345 556/56'],
    excl: '556',
    vat: '56',
    incl: '612',
  },
  {
    // Time lines are priced from exact seconds: 20 min × 1.00/h = 0.3333… → 0.33 (not 0.333333 h × 1.00 re-rounded)
    name: 'TIME from seconds, not from rounded hours',
    tariff: tariff([el([time('1.00')])]),
    session: { start: hour('10'), end: hour('10', '20'), meterStop: 0 },
    lines: ['TIME@0 0.333333 0.33/0.00'],
    excl: '0.33',
  },
];

describe('priceSession: dimensions, step_size, VAT, rounding', () => {
  it.each(cases)('$name', (c) => {
    const priced = priceSession(input(c.tariff, c.session));
    expect(lineSummary(priced)).toEqual(c.lines);
    expect(priced.totalExclVat).toBe(c.excl);
    expect(priced.totalVat).toBe(c.vat ?? (c.tariff.currency === 'JPY' ? '0' : '0.00'));
    expect(priced.totalInclVat).toBe(c.incl ?? c.excl);
  });

  it('fills the OCPI totals and the VAT breakdown per rate', () => {
    // the three-rate case above
    const priced = priceSession(input(cases[12].tariff, cases[12].session));
    expect(priced.totalFixedCost).toEqual({ excl_vat: '2.50', incl_vat: '2.88' });
    expect(priced.totalTimeCost).toEqual({ excl_vat: '2.75', incl_vat: '3.30' });
    expect(priced.totalParkingCost).toEqual({ excl_vat: '3.75', incl_vat: '4.13' });
    expect(priced.totalEnergyCost).toBeNull();
    expect(priced.vatBreakdown).toEqual([
      { rate: '10', exclVat: '3.75', vat: '0.38' },
      { rate: '15', exclVat: '2.50', vat: '0.38' },
      { rate: '20', exclVat: '2.75', vat: '0.55' },
    ]);
    // 10:00 → 13:27 = 207 min = 12420 s; parking 12:45 → 13:27 = 42 min = 2520 s
    expect(priced.totalTimeSeconds).toBe(12420);
    expect(priced.totalParkingSeconds).toBe(2520);
    expect(priced.totalEnergyWh).toBe(20000);
  });

  it('gives OCPI charging periods with raw volumes (before step_size)', () => {
    const priced = priceSession(input(cases[6].tariff, cases[6].session));
    // 37 min, 5 kWh spread over the 21 charging minutes; 16 min parking = 0.266667 h, not 20 min
    expect(priced.chargingPeriods).toEqual([
      {
        start_date_time: '2026-06-10T10:00:00.000Z',
        dimensions: [
          { type: 'ENERGY', volume: '5' },
          { type: 'TIME', volume: '0.35' },
          { type: 'MAX_POWER', volume: '14.286' }, // 5 kWh / 0.35 h = 14.2857 kW
        ],
      },
      {
        start_date_time: '2026-06-10T10:21:00.000Z',
        dimensions: [
          { type: 'ENERGY', volume: '0' },
          { type: 'PARKING_TIME', volume: '0.266667' },
        ],
      },
    ]);
  });
});

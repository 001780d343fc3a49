import { describe, expect, it } from 'vitest';
import { priceSession } from '../../../src/domain/pricing/price-session.js';
import type { MeterPoint } from '../../../src/domain/pricing/pricing.types.js';
import { el, energy, input, lineSummary, periodSummary, reg, st, t, tariff, time, type Session } from './pricing-fixtures.js';

// Real meter data. Most cases use a tariff where a kWh threshold shows WHEN energy was counted,
// not only how much: 1.00/kWh, 2.00/kWh from 4 kWh on. All amounts by hand.

const h = (hh: string, mm = '00') => `2026-06-10T${hh}:${mm}:00Z`;
const threshold = tariff([el([energy('2.00')], { min_kwh: '4' }), el([energy('1.00')])]);
const flatRate = tariff([el([energy('1.00')])]);

interface Case {
  name: string;
  tariff?: typeof threshold;
  session: Session;
  lines: string[];
  excl: string;
  energyWh: number;
  note?: RegExp;
  periods?: string[];
}

const soc = (at: string, value: string): MeterPoint => ({ at: t(at), measurand: 'SoC', unit: 'Percent', phase: null, value });

const cases: Case[] = [
  {
    // Register in kWh: 3.25 kWh at 10:30; live estimate up to 10:45 → 3.25 kWh × 1.00
    name: 'register in kWh',
    tariff: flatRate,
    session: { start: h('10'), end: h('10', '45'), meterStop: null, samples: [reg(h('10', '30'), '3.25', 'kWh')] },
    lines: ['ENERGY@0 3.25 3.25/0.00'],
    excl: '3.25',
    energyWh: 3250,
  },
  {
    // Out of order: sorted by charger time, 2000 @10:15, 4000 @10:30, 8000 @11:00 (stop 8000).
    // 4 kWh reached at 10:30: 4 × 1.00 + 4 × 2.00 = 12.00
    name: 'samples out of order',
    session: { start: h('10'), end: h('11'), meterStop: 8000, samples: [reg(h('11'), 8000), reg(h('10', '30'), 4000), reg(h('10', '15'), 2000)] },
    lines: ['ENERGY@1 4 4.00/0.00', 'ENERGY@0 4 8.00/0.00'],
    excl: '12.00',
    energyWh: 8000,
    note: /out of order/,
    periods: ['2026-06-10T10:00:00.000Z E4 T0.5', '2026-06-10T10:30:00.000Z E4 T0.5'],
  },
  {
    // Duplicates counted once: the same as above → 12.00
    name: 'duplicate samples',
    session: { start: h('10'), end: h('11'), meterStop: 8000, samples: [reg(h('10', '30'), 4000), reg(h('10', '30'), 4000), reg(h('11'), 8000)] },
    lines: ['ENERGY@1 4 4.00/0.00', 'ENERGY@0 4 8.00/0.00'],
    excl: '12.00',
    energyWh: 8000,
    note: /duplicate/,
  },
  {
    // Register reset: 10000 → 14000 (+4000) @10:30, back to 200 @10:45 (0, new base), 2200 @11:00
    // (+2000), stop 3200 @11:15 (+1000) = 7000 Wh. 4 kWh at 1.00 + 3 at 2.00 = 10.00
    name: 'register reset mid-session: counted from the new base',
    session: { start: h('10'), end: h('11', '15'), meterStart: 10000, meterStop: 3200, samples: [reg(h('10', '30'), 14000), reg(h('10', '45'), 200), reg(h('11'), 2200)] },
    lines: ['ENERGY@1 4 4.00/0.00', 'ENERGY@0 3 6.00/0.00'],
    excl: '10.00',
    energyWh: 7000,
    note: /went back from 14000 Wh to 200 Wh/,
  },
  {
    // No register: 6000 − 1000 = 5000 Wh spread evenly over the 45 charging minutes (parking
    // 10:30–10:45 gets none): 10:00–10:30 = 5000 × 30/45 = 3333.33 Wh, 10:45–11:00 = 1666.67 Wh.
    // 4 kWh is reached after 10:45: the missing 666.67 Wh of the 1666.67 Wh over 15 min take
    // 6 min → 10:51. 4 kWh × 1.00 = 4.00; 1 kWh × 2.00 = 2.00 → 6.00
    name: 'missing register: meter stop spread over charging time only',
    session: {
      start: h('10'),
      end: h('11'),
      meterStart: 1000,
      meterStop: 6000,
      statuses: [st(h('10'), 'CHARGING'), st(h('10', '30'), 'SUSPENDED_EV'), st(h('10', '45'), 'CHARGING')],
    },
    lines: ['ENERGY@1 4 4.00/0.00', 'ENERGY@0 1 2.00/0.00'],
    excl: '6.00',
    energyWh: 5000,
    note: /no energy register samples/,
    periods: ['2026-06-10T10:00:00.000Z E3.333333 T0.5', '2026-06-10T10:30:00.000Z E0 P0.25', '2026-06-10T10:45:00.000Z E0.666667 T0.1', '2026-06-10T10:51:00.000Z E1 T0.15'],
  },
  {
    // meterStop 4000 below meterStart 5000, no samples: 0 Wh, never negative money
    name: 'meter stop below meter start',
    session: { start: h('10'), end: h('11'), meterStart: 5000, meterStop: 4000 },
    lines: [],
    excl: '0.00',
    energyWh: 0,
    note: /below meter start/,
  },
  {
    // 0 Wh with samples that do not move; TIME still billed: 30 min × 2.00/h = 1.00
    name: '0 Wh session',
    tariff: tariff([el([energy('0.40'), time('2.00')])]),
    session: { start: h('10'), end: h('10', '30'), meterStart: 5000, meterStop: 5000, samples: [reg(h('10', '10'), 5000), reg(h('10', '20'), 5000)] },
    lines: ['TIME@0 0.5 1.00/0.00'],
    excl: '1.00',
    energyWh: 0,
  },
  {
    // A stop with no samples and no statuses: 12 kWh spread over the hour; 4 kWh reached at
    // 10:20. 4 × 1.00 + 8 × 2.00 = 20.00
    name: 'a stop with no samples at all',
    session: { start: h('10'), end: h('11'), meterStop: 12000 },
    lines: ['ENERGY@1 4 4.00/0.00', 'ENERGY@0 8 16.00/0.00'],
    excl: '20.00',
    energyWh: 12000,
    periods: ['2026-06-10T10:00:00.000Z E4 T0.333333', '2026-06-10T10:20:00.000Z E8 T0.666667'],
  },
  {
    // Samples before the start (09:50, a previous session) and after the end (11:10) ignored;
    // 4000 @10:30 used: 4 × 1.00 + 4 × 2.00 = 12.00
    name: 'samples outside the session ignored',
    session: { start: h('10'), end: h('11'), meterStop: 8000, samples: [reg(h('09', '50'), 99000), reg(h('10', '30'), 4000), reg(h('11', '10'), 99999)] },
    lines: ['ENERGY@1 4 4.00/0.00', 'ENERGY@0 4 8.00/0.00'],
    excl: '12.00',
    energyWh: 8000,
    note: /outside the session/,
  },
  {
    // Live estimate: no meter stop, "now" 10:45; last sample 6000 @10:30, nothing guessed after.
    // ENERGY 6 × 0.30 = 1.80; TIME 45 min × 1.20/h = 0.90 → 2.70
    name: 'live estimate up to the last known energy',
    tariff: tariff([el([energy('0.30'), time('1.20')])]),
    session: { start: h('10'), end: h('10', '45'), meterStop: null, samples: [reg(h('10'), 0), reg(h('10', '30'), 6000)] },
    lines: ['ENERGY@0 6 1.80/0.00', 'TIME@0 0.75 0.90/0.00'],
    excl: '2.70',
    energyWh: 6000,
  },
  {
    // Non-numeric values and other measurands (SoC) ignored: 5000 @10:30 and stop 8000 →
    // 4 × 1.00 + 4 × 2.00 = 12.00
    name: 'non-numeric values ignored',
    session: {
      start: h('10'),
      end: h('11'),
      meterStop: 8000,
      samples: [reg(h('10', '10'), 'abc'), reg(h('10', '20'), ''), reg(h('10', '25'), 'NaN'), reg(h('10', '30'), '4000'), soc(h('10', '30'), '55')],
    },
    lines: ['ENERGY@1 4 4.00/0.00', 'ENERGY@0 4 8.00/0.00'],
    excl: '12.00',
    energyWh: 8000,
    note: /3 meter value\(s\) not a usable number/,
  },
  {
    // A charger that sends meterStart 0 but an absolute register: the sample at the start
    // instant (100000) is the base; 104000 @10:30 (live to 10:30) → 4 kWh × 1.00 = 4.00
    name: 'register at the start differs from meter start',
    session: { start: h('10'), end: h('10', '30'), meterStart: 0, meterStop: null, samples: [reg(h('10'), 100000), reg(h('10', '30'), 104000)] },
    lines: ['ENERGY@1 4 4.00/0.00'],
    excl: '4.00',
    energyWh: 4000,
    note: /register at the start/,
  },
  {
    // Live, no samples yet, no meter stop: 0 Wh so far
    name: 'live estimate with no energy data yet',
    session: { start: h('10'), end: h('10', '05'), meterStop: null },
    lines: [],
    excl: '0.00',
    energyWh: 0,
    note: /energy counted as 0 Wh so far/,
  },
  {
    // Ends before it starts (a clock jump): priced as no length, 0 Wh
    name: 'end before start',
    tariff: tariff([el([time('2.00')])]),
    session: { start: h('10'), end: h('09'), meterStop: 0 },
    lines: [],
    excl: '0.00',
    energyWh: 0,
    note: /ends before it starts/,
  },
];

describe('priceSession: messy meter data', () => {
  it.each(cases)('$name', (c) => {
    const priced = priceSession(input(c.tariff ?? threshold, c.session));
    expect(lineSummary(priced)).toEqual(c.lines);
    expect(priced.totalExclVat).toBe(c.excl);
    expect(priced.totalEnergyWh).toBe(c.energyWh);
    if (c.note) expect(priced.dataNotes.join('\n')).toMatch(c.note);
    if (c.periods) expect(periodSummary(priced)).toEqual(c.periods);
    for (const l of priced.lines) if (l.kind !== 'PLAN_ALLOWANCE') expect(Number(l.exclVat)).toBeGreaterThanOrEqual(0);
  });

  it('a session across midnight and the autumn DST change in Berlin, with samples every hour', () => {
    // 2026-10-24 22:30Z (00:30 CEST on the 25th) → 2026-10-25 03:30Z (04:30 CET): 5 real hours,
    // 1 kWh per hour. Night band 00:00–04:00 local at 0.20, otherwise 0.40. Local 04:00 CET =
    // 03:00Z, so 22:30Z–03:00Z (4.5 h, 4.5 kWh) at 0.20 = 0.90 and 03:00Z–03:30Z 0.5 kWh × 0.40 = 0.20
    const def = tariff([el([energy('0.20')], { start_time: '00:00', end_time: '04:00' }), el([energy('0.40')])]);
    const samples = ['23:30', '00:30', '01:30', '02:30'].map((hm, i) => reg(`2026-10-${hm.startsWith('23') ? '24' : '25'}T${hm}:00Z`, 1000 * (i + 1)));
    const priced = priceSession(
      input(def, { start: '2026-10-24T22:30:00Z', end: '2026-10-25T03:30:00Z', meterStop: 5000, samples, zone: 'Europe/Berlin' }),
    );
    expect(lineSummary(priced)).toEqual(['ENERGY@0 4.5 0.90/0.00', 'ENERGY@1 0.5 0.20/0.00']);
    expect(priced.totalTimeSeconds).toBe(5 * 3600);
  });

  it('a session across local midnight on a day without DST, samples shuffled', () => {
    // Berlin 23:00–01:00 local = 21:00Z–23:00Z; weekday rate Wednesday 0.30, Thursday 0.50.
    // 1.5 kWh by local midnight (sample), 2.5 kWh at stop: 1.5 × 0.30 = 0.45; 1 × 0.50 = 0.50
    const def = tariff([el([energy('0.30')], { day_of_week: ['WEDNESDAY'] }), el([energy('0.50')], { day_of_week: ['THURSDAY'] })]);
    const priced = priceSession(
      input(def, { start: h('21'), end: h('23'), meterStop: 2500, samples: [reg(h('22', '30'), 2000), reg(h('22'), 1500), reg(h('21', '30'), 700)], zone: 'Europe/Berlin' }),
    );
    expect(lineSummary(priced)).toEqual(['ENERGY@0 1.5 0.45/0.00', 'ENERGY@1 1 0.50/0.00']);
  });
});

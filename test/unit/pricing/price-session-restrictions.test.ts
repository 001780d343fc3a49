import { describe, expect, it } from 'vitest';
import { priceSession } from '../../../src/domain/pricing/price-session.js';
import type { TariffDefinition } from '../../../src/domain/tariffs/tariff.model.js';
import { amps, el, energy, flat, input, lineSummary, parking, periodSummary, pow, reg, st, tariff, time, type Session } from './pricing-fixtures.js';

// Restrictions of each kind, time bands across midnight and DST changes in Europe/Berlin.
// Expected amounts by hand from OCPI 2.2.1 (first valid element per dimension, in list order).
// Berlin is UTC+2 in summer (CEST) and UTC+1 in winter (CET).

interface Case {
  name: string;
  tariff: TariffDefinition;
  session: Session;
  lines: string[];
  excl: string;
  periods?: string[];
}

const z = 'Europe/Berlin';
const day = (h: string, m = '00') => `2026-06-10T${h}:${m}:00Z`;

const cases: Case[] = [
  {
    // Berlin 21:00–23:00 local (19:00Z–21:00Z), 20 kWh spread evenly (no samples): 10 kWh per hour.
    // 21–22 at 0.40 = 4.00; 22–23 in the 22:00–06:00 band at 0.20 = 2.00 → 6.00
    name: 'start_time: night band starts at 22:00 local',
    tariff: tariff([el([energy('0.20')], { start_time: '22:00', end_time: '06:00' }), el([energy('0.40')])]),
    session: { start: day('19'), end: day('21'), meterStop: 20000, zone: z },
    lines: ['ENERGY@1 10 4.00/0.00', 'ENERGY@0 10 2.00/0.00'],
    excl: '6.00',
    periods: ['2026-06-10T19:00:00.000Z E10 T1', '2026-06-10T20:00:00.000Z E10 T1'],
  },
  {
    // Across midnight: 23:00 local 10 June → 07:00 local 11 June (21:00Z–05:00Z), 8 kWh, 1 kWh/h.
    // 23:00–06:00 = 7 kWh × 0.20 = 1.40; 06:00–07:00 = 1 kWh × 0.40 = 0.40 → 1.80
    name: 'band 22:00–06:00 wraps midnight',
    tariff: tariff([el([energy('0.20')], { start_time: '22:00', end_time: '06:00' }), el([energy('0.40')])]),
    session: { start: day('21'), end: '2026-06-11T05:00:00Z', meterStop: 8000, zone: z },
    lines: ['ENERGY@0 7 1.40/0.00', 'ENERGY@1 1 0.40/0.00'],
    excl: '1.80',
  },
  {
    // end_time 00:00 is the end of the day: 18:00–00:00 local. 17:00–19:00 local = 15:00Z–17:00Z,
    // 1 h at 1.00 + 1 h at 3.00 = 4.00
    name: 'end_time 00:00 means end of day',
    tariff: tariff([el([time('3.00')], { start_time: '18:00', end_time: '00:00' }), el([time('1.00')])]),
    session: { start: day('15'), end: day('17'), meterStop: 1000, zone: z },
    lines: ['TIME@1 1 1.00/0.00', 'TIME@0 1 3.00/0.00'],
    excl: '4.00',
  },
  {
    // DST spring forward, Berlin 2026-03-29: 01:30 CET (00:30Z) → 03:30 CEST (01:30Z) is ONE hour.
    // Band from 03:00: 01:30–02:00 local (00:30Z–01:00Z) 30 min × 2.00 = 1.00; 03:00–03:30 local
    // (01:00Z–01:30Z) 30 min × 6.00 = 3.00 → 4.00
    name: 'DST spring forward: the session is one hour, band from 03:00',
    tariff: tariff([el([time('6.00')], { start_time: '03:00' }), el([time('2.00')])]),
    session: { start: '2026-03-29T00:30:00Z', end: '2026-03-29T01:30:00Z', meterStop: 1000, zone: z },
    lines: ['TIME@1 0.5 1.00/0.00', 'TIME@0 0.5 3.00/0.00'],
    excl: '4.00',
    periods: ['2026-03-29T00:30:00.000Z E0.5 T0.5', '2026-03-29T01:00:00.000Z E0.5 T0.5'],
  },
  {
    // 02:30 does not exist on 2026-03-29 in Berlin: a band from 02:30 starts at the jump (02:00 CET
    // = 01:00Z becomes 03:00 CEST, which is after 02:30). Same split as above → 4.00
    name: 'DST spring forward: a band from a local time that does not exist',
    tariff: tariff([el([time('6.00')], { start_time: '02:30' }), el([time('2.00')])]),
    session: { start: '2026-03-29T00:30:00Z', end: '2026-03-29T01:30:00Z', meterStop: 1000, zone: z },
    lines: ['TIME@1 0.5 1.00/0.00', 'TIME@0 0.5 3.00/0.00'],
    excl: '4.00',
  },
  {
    // DST fall back, Berlin 2026-10-25: 01:30 CEST (23:30Z on the 24th) → 03:30 CET (02:30Z) is
    // THREE hours. 02:00–03:00 local happens twice (00:00Z–01:00Z CEST, 01:00Z–02:00Z CET):
    // 2 h × 6.00 = 12.00; 23:30Z–00:00Z and 02:00Z–02:30Z = 1 h × 2.00 = 2.00 → 14.00
    name: 'DST fall back: the repeated hour is in the band twice',
    tariff: tariff([el([time('6.00')], { start_time: '02:00', end_time: '03:00' }), el([time('2.00')])]),
    session: { start: '2026-10-24T23:30:00Z', end: '2026-10-25T02:30:00Z', meterStop: 3000, zone: z },
    lines: ['TIME@1 1 2.00/0.00', 'TIME@0 2 12.00/0.00'],
    excl: '14.00',
    periods: ['2026-10-24T23:30:00.000Z E0.5 T0.5', '2026-10-25T00:00:00.000Z E2 T2', '2026-10-25T02:00:00.000Z E0.5 T0.5'],
  },
  {
    // start_date inclusive, local: 23:00 local 10 June → 02:00 local 11 June (21:00Z–00:00Z),
    // 3 kWh (1/h). 10 June: 1 kWh × 0.40; 11 June: 2 kWh × 0.10 → 0.40 + 0.20 = 0.60
    name: 'start_date is inclusive, in local time',
    tariff: tariff([el([energy('0.10')], { start_date: '2026-06-11' }), el([energy('0.40')])]),
    session: { start: day('21'), end: '2026-06-11T00:00:00Z', meterStop: 3000, zone: z },
    lines: ['ENERGY@1 1 0.40/0.00', 'ENERGY@0 2 0.20/0.00'],
    excl: '0.60',
  },
  {
    // end_date exclusive: valid on 10 June only. 1 kWh × 0.10 + 2 kWh × 0.40 = 0.90
    name: 'end_date is exclusive, in local time',
    tariff: tariff([el([energy('0.10')], { end_date: '2026-06-11' }), el([energy('0.40')])]),
    session: { start: day('21'), end: '2026-06-11T00:00:00Z', meterStop: 3000, zone: z },
    lines: ['ENERGY@0 1 0.10/0.00', 'ENERGY@1 2 0.80/0.00'],
    excl: '0.90',
  },
  {
    // day_of_week, local: Friday 12 June 23:00 local → Saturday 01:00 local (21:00Z–23:00Z).
    // Friday 1 h × 1.00; Saturday 1 h × 3.00 → 4.00
    name: 'day_of_week: weekend rate from local midnight',
    tariff: tariff([el([time('3.00')], { day_of_week: ['SATURDAY', 'SUNDAY'] }), el([time('1.00')])]),
    session: { start: '2026-06-12T21:00:00Z', end: '2026-06-12T23:00:00Z', meterStop: 1000, zone: z },
    lines: ['TIME@1 1 1.00/0.00', 'TIME@0 1 3.00/0.00'],
    excl: '4.00',
  },
  {
    // min_kwh: dearer from 20 kWh on. Register 0 @10:00, 15000 @11:00, 25000 @12:00, stop 30000 @12:30.
    // 20 kWh is reached halfway 11:00–12:00 = 11:30 (interpolated). 20 × 0.30 = 6.00; 10 × 0.50 = 5.00
    name: 'min_kwh: threshold crossing interpolated between samples',
    tariff: tariff([el([energy('0.50')], { min_kwh: '20' }), el([energy('0.30')])]),
    session: { start: day('10'), end: day('12', '30'), meterStop: 30000, samples: [reg(day('11'), 15000), reg(day('12'), 25000)] },
    lines: ['ENERGY@1 20 6.00/0.00', 'ENERGY@0 10 5.00/0.00'],
    excl: '11.00',
    periods: ['2026-06-10T10:00:00.000Z E20 T1.5', '2026-06-10T11:30:00.000Z E10 T1'],
  },
  {
    // max_kwh: the first 5 kWh cheap (valid while < 5). 12 kWh: 5 × 0.20 + 7 × 0.40 = 1.00 + 2.80
    name: 'max_kwh: valid until the threshold (exclusive)',
    tariff: tariff([el([energy('0.20')], { max_kwh: '5' }), el([energy('0.40')])]),
    session: { start: day('10'), end: day('11'), meterStop: 12000 },
    lines: ['ENERGY@0 5 1.00/0.00', 'ENERGY@1 7 2.80/0.00'],
    excl: '3.80',
  },
  {
    // min_power from Power.Active.Import (W): 11 kW 10:00–10:30, 50 kW 10:30–11:00, 11 kW after.
    // Register: 5500 @10:30, 30500 @11:00, stop 36000 @11:30. Fast: 25 kWh × 0.60 = 15.00;
    // slow: 5.5 + 5.5 = 11 kWh × 0.35 = 3.85 → 18.85
    name: 'min_power from power samples',
    tariff: tariff([el([energy('0.60')], { min_power: '22' }), el([energy('0.35')])]),
    session: {
      start: day('10'),
      end: day('11', '30'),
      meterStop: 36000,
      samples: [reg(day('10', '30'), 5500), reg(day('11'), 30500), pow(day('10'), 11000), pow(day('10', '30'), 50000), pow(day('11'), 11000)],
    },
    lines: ['ENERGY@1 11 3.85/0.00', 'ENERGY@0 25 15.00/0.00'],
    excl: '18.85',
  },
  {
    // The same without power samples: power derived from the energy slope (5.5 kWh / 0.5 h =
    // 11 kW, 25 kWh / 0.5 h = 50 kW) → the same 18.85
    name: 'min_power derived from energy when no power samples',
    tariff: tariff([el([energy('0.60')], { min_power: '22' }), el([energy('0.35')])]),
    session: { start: day('10'), end: day('11', '30'), meterStop: 36000, samples: [reg(day('10', '30'), 5500), reg(day('11'), 30500)] },
    lines: ['ENERGY@1 11 3.85/0.00', 'ENERGY@0 25 15.00/0.00'],
    excl: '18.85',
  },
  {
    // max_power (exclusive) with power in kW: below 22 kW cheaper. 11 kWh × 0.30 = 3.30; 25 kWh × 0.50 = 12.50
    name: 'max_power, power samples in kW',
    tariff: tariff([el([energy('0.30')], { max_power: '22' }), el([energy('0.50')])]),
    session: {
      start: day('10'),
      end: day('11', '30'),
      meterStop: 36000,
      samples: [reg(day('10', '30'), 5500), reg(day('11'), 30500), pow(day('10'), '11', 'kW'), pow(day('10', '30'), '50', 'kW'), pow(day('11'), '11', 'kW')],
    },
    lines: ['ENERGY@0 11 3.30/0.00', 'ENERGY@1 25 12.50/0.00'],
    excl: '15.80',
  },
  {
    // min_current 32 A over all phases: 3 × 10 A = 30 A from 10:00, 3 × 16 A = 48 A from 10:30.
    // 30 min × 1.00 + 30 min × 3.00 = 0.50 + 1.50 = 2.00
    name: 'min_current, phases summed',
    tariff: tariff([el([time('3.00')], { min_current: '32' }), el([time('1.00')])]),
    session: {
      start: day('10'),
      end: day('11'),
      meterStop: 5000,
      samples: ['L1', 'L2', 'L3'].flatMap((ph) => [amps(day('10'), 10, ph), amps(day('10', '30'), 16, ph)]),
    },
    lines: ['TIME@1 0.5 0.50/0.00', 'TIME@0 0.5 1.50/0.00'],
    excl: '2.00',
  },
  {
    // No current data: a current restriction is not valid → 1 h × 1.00 = 1.00
    name: 'min_current without current data is not valid',
    tariff: tariff([el([time('3.00')], { min_current: '32' }), el([time('1.00')])]),
    session: { start: day('10'), end: day('11'), meterStop: 5000 },
    lines: ['TIME@1 1 1.00/0.00'],
    excl: '1.00',
  },
  {
    // max_current 16 A (exclusive): 10 A from 10:00, 20 A from 10:30. 30 min × 0.50 + 30 min × 1.00 = 0.75
    name: 'max_current',
    tariff: tariff([el([time('0.50')], { max_current: '16' }), el([time('1.00')])]),
    session: { start: day('10'), end: day('11'), meterStop: 5000, samples: [amps(day('10'), 10), amps(day('10', '30'), 20)] },
    lines: ['TIME@0 0.5 0.25/0.00', 'TIME@1 0.5 0.50/0.00'],
    excl: '0.75',
  },
  {
    // max_duration 3600 s (exclusive): the first hour 2.00/h, then 4.00/h; 1.5 h → 2.00 + 2.00
    name: 'max_duration',
    tariff: tariff([el([time('2.00')], { max_duration: 3600 }), el([time('4.00')])]),
    session: { start: day('10'), end: day('11', '30'), meterStop: 5000 },
    lines: ['TIME@0 1 2.00/0.00', 'TIME@1 0.5 2.00/0.00'],
    excl: '4.00',
  },
  {
    // min_duration 7200 s: parking costs only from 2 h after the start. Charging 10:00–11:00,
    // parking 11:00–13:00; priced parking 12:00–13:00 = 1 h × 6.00 = 6.00
    name: 'min_duration: parking fee after 2 h',
    tariff: tariff([el([parking('6.00')], { min_duration: 7200 })]),
    session: { start: day('10'), end: day('13'), meterStop: 5000, statuses: [st(day('11'), 'SUSPENDED_EV')] },
    lines: ['PARKING_TIME@0 1 6.00/0.00'],
    excl: '6.00',
  },
  {
    // An element with a reservation restriction prices reservations, never a session:
    // 10 kWh × 0.30 = 3.00 from the second element; no FLAT
    name: 'reservation elements never apply to a session',
    tariff: tariff([el([flat('5.00'), energy('1.00')], { reservation: 'RESERVATION' }), el([energy('0.30')])]),
    session: { start: day('10'), end: day('11'), meterStop: 10000 },
    lines: ['ENERGY@1 10 3.00/0.00'],
    excl: '3.00',
  },
  {
    // FLAT from the first element valid at the START: the evening FLAT (from 18:00 UTC) becomes
    // valid during the session but the session began at 17:30 → 1.00, once
    name: 'FLAT: the element valid at the start, once',
    tariff: tariff([el([flat('2.00')], { start_time: '18:00' }), el([flat('1.00')])]),
    session: { start: day('17', '30'), end: day('18', '30'), meterStop: 1000 },
    lines: ['FLAT@1 1 1.00/0.00'],
    excl: '1.00',
  },
  {
    // Per dimension, the first element in list order that has the component and is valid:
    // element 0 has only TIME (valid), element 1 ENERGY and TIME. Energy from element 1
    // (10 kWh × 0.30 = 3.00), time from element 0 (1 h × 2.00 = 2.00) → 5.00
    name: 'per dimension, first valid element that has the component',
    tariff: tariff([el([time('2.00')], { day_of_week: ['WEDNESDAY'] }), el([energy('0.30'), time('9.00')])]),
    session: { start: day('10'), end: day('11'), meterStop: 10000, zone: z },
    lines: ['ENERGY@1 10 3.00/0.00', 'TIME@0 1 2.00/0.00'],
    excl: '5.00',
  },
];

describe('priceSession: restrictions, midnight, DST', () => {
  it.each(cases)('$name', (c) => {
    const priced = priceSession(input(c.tariff, c.session));
    expect(lineSummary(priced)).toEqual(c.lines);
    expect(priced.totalExclVat).toBe(c.excl);
    if (c.periods) expect(periodSummary(priced)).toEqual(c.periods);
  });

  it('a DST session counts real time: spring 1 h, autumn 3 h', () => {
    const spring = priceSession(input(cases[3].tariff, cases[3].session));
    const autumn = priceSession(input(cases[5].tariff, cases[5].session));
    expect(spring.totalTimeSeconds).toBe(3600);
    expect(autumn.totalTimeSeconds).toBe(3 * 3600);
  });
});

import { describe, expect, it } from 'vitest';
import { summarizeTariff } from '../../../src/domain/pricing/tariff-summary.js';
import type { TariffDefinition } from '../../../src/domain/tariffs/tariff.model.js';
import { el, energy, flat, parking, tariff, time } from './pricing-fixtures.js';

const cases: { name: string; def: TariffDefinition; locale?: string; text: string }[] = [
  {
    name: 'the issue’s example',
    def: tariff([el([energy('0.39'), flat('1.00')]), el([parking('6.00')], { min_duration: 1800 })], { min_price: { excl_vat: '2.00' } }),
    text: '0.39 EUR/kWh; parking 0.10 EUR/min after 30 min; 1.00 EUR per session; min 2.00 EUR',
  },
  {
    // 0.30 × 1.19 = 0.357; 1.00 × 1.19 = 1.19; every component has a rate → "incl. VAT" at the end
    name: 'prices incl. VAT when every rate is known',
    def: tariff([el([energy('0.30', 1, '19'), flat('1.00', '19')])]),
    text: '0.357 EUR/kWh; 1.19 EUR per session; incl. VAT',
  },
  {
    // only the energy has a rate: 0.40 × 1.2 = 0.48 incl. VAT; the time price as given
    name: 'VAT said per phrase when only some rates are known',
    def: tariff([el([energy('0.40', 1, '20'), time('1.00')])]),
    text: '0.48 EUR/kWh incl. VAT; charging time 1.00 EUR/h',
  },
  {
    name: 'a night band across midnight, then otherwise',
    def: tariff([el([energy('0.20')], { start_time: '22:00', end_time: '06:00' }), el([energy('0.40')])]),
    text: '0.20 EUR/kWh 22:00–06:00; 0.40 EUR/kWh otherwise',
  },
  {
    name: 'weekends, weekdays and single days',
    def: tariff([
      el([time('3.00')], { day_of_week: ['SATURDAY', 'SUNDAY'] }),
      el([time('2.40')], { day_of_week: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] }),
      el([parking('1.00')], { day_of_week: ['FRIDAY', 'MONDAY'] }),
    ]),
    text: 'charging time 0.05 EUR/min weekends; charging time 0.04 EUR/min weekdays; parking 1.00 EUR/h Mon, Fri',
  },
  {
    name: 'power, energy and duration restrictions; max price',
    def: tariff(
      [
        el([energy('0.59')], { min_power: '22' }),
        el([energy('0.29')], { max_kwh: '20' }),
        el([energy('0.39')]),
        el([parking('0')], { max_duration: 3600 }),
        el([parking('12.00')]),
      ],
      { max_price: { excl_vat: '30.00' } },
    ),
    text: '0.59 EUR/kWh above 22 kW; 0.29 EUR/kWh up to 20 kWh; 0.39 EUR/kWh otherwise; parking free for the first 1 h; parking 0.20 EUR/min otherwise; max 30.00 EUR',
  },
  {
    name: 'a shadowed component is left out',
    def: tariff([el([energy('0.39')]), el([energy('0.10')], { start_time: '00:00', end_time: '06:00' })]),
    text: '0.39 EUR/kWh',
  },
  {
    name: 'JPY without minor unit',
    def: tariff([el([energy('45')])], { currency: 'JPY' }),
    text: '45 JPY/kWh',
  },
  {
    name: 'locale de',
    def: tariff([el([energy('0.39'), flat('1.50')])]),
    locale: 'de',
    text: '0,39 EUR/kWh; 1,50 EUR per session',
  },
  {
    name: 'current and dates',
    def: tariff([el([time('3.00')], { min_current: '32', start_date: '2026-07-01', end_date: '2026-09-01' }), el([time('1.00')])]),
    text: 'charging time 0.05 EUR/min from 2026-07-01, before 2026-09-01, above 32 A; charging time 1.00 EUR/h otherwise',
  },
  {
    name: 'nothing priced',
    def: tariff([]),
    text: 'free',
  },
];

describe('summarizeTariff', () => {
  it.each(cases)('$name', (c) => expect(summarizeTariff(c.def, c.locale)).toBe(c.text));
});

import { describe, expect, it } from 'vitest';
import { energyRegisterReading, toWattHours } from '../../../src/domain/sessions/energy.js';
import type { SampledValue } from '../../../src/domain/sessions/session.types.js';

describe('toWattHours', () => {
  it.each([
    ['1500', 'Wh', 1500],
    ['1500.4', 'Wh', 1500],
    ['1500.5', 'Wh', 1501],
    ['12.3456', 'kWh', 12346],
    ['0.001', 'kWh', 1],
    ['0.0004', 'kWh', 0],
    ['+7', 'kWh', 7000],
    ['123456789.123', 'kWh', 123456789123],
    ['1.5e3', 'Wh', 1500],
    ['  42 ', null, 42],
  ])('%s %s is %d Wh', (value, unit, wh) => {
    expect(toWattHours(value, unit)).toBe(wh);
  });

  it.each([
    ['abc', 'Wh'],
    ['', 'Wh'],
    ['12', 'W'],
    ['12', 'varh'],
  ])('%s %s is not an energy reading', (value, unit) => {
    expect(toWattHours(value, unit)).toBeNull();
  });
});

const sample = (o: Partial<SampledValue>): SampledValue => ({
  sampledAt: new Date('2026-01-01T00:00:00Z'),
  measurand: 'Energy.Active.Import.Register',
  phase: null,
  unit: 'Wh',
  context: 'Sample.Periodic',
  location: 'Outlet',
  format: 'Raw',
  value: '0',
  ...o,
});

describe('energyRegisterReading', () => {
  it.each<{ name: string; samples: SampledValue[]; expected: number | null }>([
    { name: 'no samples', samples: [], expected: null },
    { name: 'only power', samples: [sample({ measurand: 'Power.Active.Import', unit: 'W', value: '7000' })], expected: null },
    { name: 'the total register', samples: [sample({ value: '900' })], expected: 900 },
    { name: 'a phase reading alone', samples: [sample({ value: '300', phase: 'L1' })], expected: null },
    { name: 'signed data', samples: [sample({ value: 'AbCd==', format: 'SignedData' })], expected: null },
    { name: 'a reading at the EV', samples: [sample({ value: '50', location: 'EV' })], expected: null },
    { name: 'export register', samples: [sample({ measurand: 'Energy.Active.Export.Register', value: '10' })], expected: null },
    {
      name: 'the latest of several',
      samples: [
        sample({ value: '100', sampledAt: new Date('2026-01-01T00:00:00Z') }),
        sample({ value: '300', sampledAt: new Date('2026-01-01T00:02:00Z') }),
        sample({ value: '200', sampledAt: new Date('2026-01-01T00:01:00Z') }),
      ],
      expected: 300,
    },
    { name: 'a negative register', samples: [sample({ value: '-5' })], expected: null },
  ])('$name', ({ samples, expected }) => {
    expect(energyRegisterReading(samples)?.wh ?? null).toBe(expected);
  });
});

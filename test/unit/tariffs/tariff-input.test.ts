import { describe, expect, it } from 'vitest';
import { inputFieldOf, readTariffInput, type TariffInput } from '../../../src/domain/tariffs/tariff-input.js';
import { TariffsError } from '../../../src/domain/tariffs/tariffs.errors.js';

const anInput = (patch: Partial<TariffInput> = {}): TariffInput => ({
  name: 'Standard',
  currency: 'EUR',
  elements: [{ priceComponents: [{ type: 'ENERGY', price: '0.39', vat: '19', stepSize: 1 }] }],
  ...patch,
});
const withComponent = (c: Record<string, unknown>) =>
  anInput({ elements: [{ priceComponents: [{ type: 'FLAT', price: '1', stepSize: 1, ...c } as never] }] });
const withRestrictions = (r: Record<string, unknown>) =>
  anInput({ elements: [{ priceComponents: [{ type: 'TIME', price: '1', stepSize: 60 }], restrictions: r }] });

function fieldOfFailure(input: TariffInput): string | undefined {
  try {
    readTariffInput(input);
  } catch (err) {
    if (!(err instanceof TariffsError)) throw err;
    expect(err.code).toBe('INVALID_TARIFF_INPUT');
    return err.details?.field as string;
  }
  return undefined;
}

describe('readTariffInput: errors name the typed input\'s fields', () => {
  it.each<[string, TariffInput, string]>([
    ['empty name', anInput({ name: ' ' }), 'name'],
    ['unknown currency', anInput({ currency: 'EUX' }), 'currency'],
    ['no elements', anInput({ elements: [] }), 'elements'],
    ['element without components', anInput({ elements: [{ priceComponents: [] }] }), 'elements[0].priceComponents'],
    ['negative price', withComponent({ price: '-0.01' }), 'elements[0].priceComponents[0].price'],
    ['price not a decimal', withComponent({ price: '1,50' }), 'elements[0].priceComponents[0].price'],
    ['vat over 100', withComponent({ vat: '101' }), 'elements[0].priceComponents[0].vat'],
    ['stepSize 0', withComponent({ stepSize: 0 }), 'elements[0].priceComponents[0].stepSize'],
    ['start equals end time', withRestrictions({ startTime: '10:00', endTime: '10:00' }), 'elements[0].restrictions.endTime'],
    ['bad start time', withRestrictions({ startTime: '25:00' }), 'elements[0].restrictions.startTime'],
    ['minKwh > maxKwh', withRestrictions({ minKwh: '30', maxKwh: '10.5' }), 'elements[0].restrictions.maxKwh'],
    ['minPower > maxPower', withRestrictions({ minPower: '50', maxPower: '11' }), 'elements[0].restrictions.maxPower'],
    ['minDuration > maxDuration', withRestrictions({ minDuration: 600, maxDuration: 60 }), 'elements[0].restrictions.maxDuration'],
    ['a day twice', withRestrictions({ dayOfWeek: ['SUNDAY', 'SUNDAY'] }), 'elements[0].restrictions.dayOfWeek'],
    ['startDate after endDate', withRestrictions({ startDate: '2026-02-01', endDate: '2026-01-01' }), 'elements[0].restrictions.endDate'],
    ['min > max price', anInput({ minPrice: { exclVat: '5' }, maxPrice: { exclVat: '4.99' } }), 'maxPrice.exclVat'],
    ['alt text language', anInput({ altText: [{ language: 'english', text: 'x' }] }), 'altText[0].language'],
    ['alt url', anInput({ altUrl: 'not a url' }), 'altUrl'],
  ])('%s -> %s', (_name, input, field) => {
    expect(fieldOfFailure(input)).toBe(field);
  });

  it('keeps the OCPI shape, decimals normalised', () => {
    const { name, definition } = readTariffInput(
      anInput({
        minPrice: { exclVat: '1.50', inclVat: '1.785' },
        elements: [
          {
            priceComponents: [{ type: 'PARKING_TIME', price: '6.000', stepSize: 300 }],
            restrictions: { startTime: '22:00', endTime: '06:00', minDuration: 1800, dayOfWeek: ['SATURDAY'] },
          },
        ],
      }),
    );
    expect(name).toBe('Standard');
    expect(definition).toEqual({
      currency: 'EUR',
      min_price: { excl_vat: '1.5', incl_vat: '1.785' },
      elements: [
        {
          price_components: [{ type: 'PARKING_TIME', price: '6', step_size: 300 }],
          restrictions: { start_time: '22:00', end_time: '06:00', min_duration: 1800, day_of_week: ['SATURDAY'] },
        },
      ],
    });
  });
});

describe('inputFieldOf', () => {
  it.each([
    ['tariff_alt_text[0].language', 'altText[0].language'],
    ['elements[2].price_components[1].step_size', 'elements[2].priceComponents[1].stepSize'],
    ['min_price.excl_vat', 'minPrice.exclVat'],
    ['elements[0].restrictions.day_of_week', 'elements[0].restrictions.dayOfWeek'],
    ['currency', 'currency'],
  ])('%s -> %s', (ocpi, input) => expect(inputFieldOf(ocpi)).toBe(input));
});

import { describe, expect, it } from 'vitest';
import { decimalOfNumber, parseOcpiTariff, toOcpiTariff } from '../../../src/domain/tariffs/ocpi-tariff.js';
import { TariffsError } from '../../../src/domain/tariffs/tariffs.errors.js';
import { COMPLEX_OCPI_TARIFF, minimalOcpiTariff } from './ocpi-examples.js';

const PARTY = { countryCode: 'DE', partyId: 'ALL' };

function fieldOfFailure(json: unknown): string | undefined {
  try {
    parseOcpiTariff(json);
  } catch (err) {
    if (!(err instanceof TariffsError)) throw err;
    expect(err.code).toBe('INVALID_TARIFF_INPUT');
    return err.details?.field as string;
  }
  return undefined;
}

/** The minimal tariff with one change: `edit` mutates it. */
function tariffWith(edit: (t: ReturnType<typeof minimalOcpiTariff> & Record<string, any>) => void) {
  const t = minimalOcpiTariff() as ReturnType<typeof minimalOcpiTariff> & Record<string, any>;
  edit(t);
  return t;
}
const restricted = (restrictions: Record<string, unknown>) =>
  tariffWith((t) => {
    t.elements[0]!.restrictions = restrictions;
  });
const component = (patch: Record<string, unknown>) =>
  tariffWith((t) => {
    t.elements[0]!.price_components = [{ type: 'ENERGY', price: 0.39, step_size: 1 }, { type: 'FLAT', price: 1, step_size: 1, ...patch }];
  });

describe('decimalOfNumber: a JSON number as the digits it was written with', () => {
  it.each([
    [0.39, '0.39'],
    [2.5, '2.5'],
    [0, '0'],
    [-0, '0'],
    [1e-7, '0.0000001'],
    [123456789.125, '123456789.125'],
    [0.1 + 0.2, '0.30000000000000004'],
    [15, '15'],
  ])('%s -> %s', (n, s) => expect(decimalOfNumber(n)).toBe(s));

  it.each([NaN, Infinity, -Infinity])('refuses %s', (n) => expect(() => decimalOfNumber(n)).toThrow(RangeError));
});

describe('parseOcpiTariff: every error names its field', () => {
  it.each<[string, unknown, string]>([
    ['not an object', [], ''],
    ['null', null, ''],
    ['a string', 'EUR 0.39/kWh', ''],
    ['no currency', tariffWith((t) => delete (t as any).currency), 'currency'],
    ['unknown currency', tariffWith((t) => (t.currency = 'XYZ')), 'currency'],
    ['lower-case currency', tariffWith((t) => (t.currency = 'eur')), 'currency'],
    ['no elements', tariffWith((t) => delete (t as any).elements), 'elements'],
    ['empty elements', tariffWith((t) => (t.elements = [])), 'elements'],
    ['element without components', tariffWith((t) => (t.elements = [{ price_components: [] }])), 'elements[0].price_components'],
    ['a field OCPI does not have', tariffWith((t) => (t.colour = 'blue')), 'colour'],
    ['a misspelt component field', component({ stepsize: 1 }), 'elements[0].price_components[1].stepsize'],
    ['negative price', component({ price: -0.01 }), 'elements[0].price_components[1].price'],
    ['price as a string', component({ price: '1.00' }), 'elements[0].price_components[1].price'],
    ['huge price', component({ price: 1e300 }), 'elements[0].price_components[1].price'],
    ['unknown dimension', component({ type: 'KWH' }), 'elements[0].price_components[1].type'],
    ['vat over 100', component({ vat: 100.5 }), 'elements[0].price_components[1].vat'],
    ['negative vat', component({ vat: -1 }), 'elements[0].price_components[1].vat'],
    ['step_size 0', component({ step_size: 0 }), 'elements[0].price_components[1].step_size'],
    ['fractional step_size', component({ step_size: 1.5 }), 'elements[0].price_components[1].step_size'],
    ['no step_size', component({ step_size: undefined }), 'elements[0].price_components[1].step_size'],
    ['start_time not HH:MM', restricted({ start_time: '9:00' }), 'elements[0].restrictions.start_time'],
    ['end_time 24:00', restricted({ end_time: '24:00' }), 'elements[0].restrictions.end_time'],
    ['start_time equals end_time', restricted({ start_time: '08:00', end_time: '08:00' }), 'elements[0].restrictions.end_time'],
    ['start_date not a date', restricted({ start_date: '2026-02-30' }), 'elements[0].restrictions.start_date'],
    ['end_date in another format', restricted({ end_date: '31.12.2026' }), 'elements[0].restrictions.end_date'],
    ['start_date after end_date', restricted({ start_date: '2026-05-01', end_date: '2026-04-01' }), 'elements[0].restrictions.end_date'],
    ['start_date equals end_date', restricted({ start_date: '2026-05-01', end_date: '2026-05-01' }), 'elements[0].restrictions.end_date'],
    ['min_kwh > max_kwh', restricted({ min_kwh: 20, max_kwh: 10 }), 'elements[0].restrictions.max_kwh'],
    ['min_kwh = max_kwh', restricted({ min_kwh: 10, max_kwh: 10 }), 'elements[0].restrictions.max_kwh'],
    ['min_power > max_power', restricted({ min_power: 50, max_power: 22 }), 'elements[0].restrictions.max_power'],
    ['min_current > max_current', restricted({ min_current: 32, max_current: 16 }), 'elements[0].restrictions.max_current'],
    ['min_duration > max_duration', restricted({ min_duration: 3600, max_duration: 1800 }), 'elements[0].restrictions.max_duration'],
    ['negative min_kwh', restricted({ min_kwh: -1 }), 'elements[0].restrictions.min_kwh'],
    ['negative max_duration', restricted({ max_duration: -60 }), 'elements[0].restrictions.max_duration'],
    ['fractional duration', restricted({ min_duration: 1.5 }), 'elements[0].restrictions.min_duration'],
    ['unknown day', restricted({ day_of_week: ['MONDAY', 'FUNDAY'] }), 'elements[0].restrictions.day_of_week[1]'],
    ['a day twice', restricted({ day_of_week: ['MONDAY', 'MONDAY'] }), 'elements[0].restrictions.day_of_week'],
    ['no day at all', restricted({ day_of_week: [] }), 'elements[0].restrictions.day_of_week'],
    ['unknown reservation', restricted({ reservation: 'MAYBE' }), 'elements[0].restrictions.reservation'],
    ['unknown restriction', restricted({ max_soc: 80 }), 'elements[0].restrictions.max_soc'],
    ['unknown tariff type', tariffWith((t) => (t.type = 'CHEAP')), 'type'],
    ['negative min_price', tariffWith((t) => (t.min_price = { excl_vat: -1 })), 'min_price.excl_vat'],
    ['incl_vat below excl_vat', tariffWith((t) => (t.max_price = { excl_vat: 10, incl_vat: 9 })), 'max_price.incl_vat'],
    ['min_price > max_price', tariffWith((t) => Object.assign(t, { min_price: { excl_vat: 10 }, max_price: { excl_vat: 5 } })), 'max_price.excl_vat'],
    [
      'min_price > max_price incl. VAT',
      tariffWith((t) => Object.assign(t, { min_price: { excl_vat: 5, incl_vat: 7 }, max_price: { excl_vat: 6, incl_vat: 6.5 } })),
      'max_price.incl_vat',
    ],
    ['alt text language of 3 letters', tariffWith((t) => (t.tariff_alt_text = [{ language: 'eng', text: 'x' }])), 'tariff_alt_text[0].language'],
    ['alt text without text', tariffWith((t) => (t.tariff_alt_text = [{ language: 'en' }])), 'tariff_alt_text[0].text'],
    ['alt url not a URL', tariffWith((t) => (t.tariff_alt_url = 'company tariffs')), 'tariff_alt_url'],
    ['start_date_time not a date-time', tariffWith((t) => (t.start_date_time = '2026-01-01')), 'start_date_time'],
    ['start_date_time in another zone', tariffWith((t) => (t.start_date_time = '2026-01-01T00:00:00+02:00')), 'start_date_time'],
    [
      'end_date_time before start_date_time',
      tariffWith((t) => Object.assign(t, { start_date_time: '2026-02-01T00:00:00Z', end_date_time: '2026-01-01T00:00:00' })),
      'end_date_time',
    ],
    ['country_code of 3 letters', tariffWith((t) => (t.country_code = 'DEU')), 'country_code'],
    ['party_id of 4', tariffWith((t) => (t.party_id = 'ABCD')), 'party_id'],
    ['last_updated not a date-time', tariffWith((t) => (t.last_updated = 'yesterday')), 'last_updated'],
    ['energy_mix not an object', tariffWith((t) => (t.energy_mix = 'green')), 'energy_mix'],
    ['a later element is checked too', tariffWith((t) => t.elements.push({ price_components: [{ type: 'TIME', price: -2, step_size: 60 }] })), 'elements[1].price_components[0].price'],
  ])('%s -> %s', (_name, json, field) => {
    expect(fieldOfFailure(json)).toBe(field);
  });

  it('a tariff with every kind of restriction, bands wrapping midnight included, is accepted', () => {
    expect(fieldOfFailure(COMPLEX_OCPI_TARIFF)).toBeUndefined();
  });

  it.each([
    ['a night band 22:00-06:00', { start_time: '22:00', end_time: '06:00' }],
    ['a band ending at midnight', { start_time: '18:00', end_time: '00:00' }],
    ['only a start time', { start_time: '18:00' }],
    ['open-ended energy', { min_kwh: 10 }],
    ['free parking at the start', { max_duration: 1800 }],
  ])('%s is fine', (_name, restrictions) => {
    expect(fieldOfFailure(restricted(restrictions))).toBeUndefined();
  });
});

describe('the definition we keep', () => {
  it('holds decimal strings, never floats, and leaves out whose tariff it was', () => {
    const { definition, origin } = parseOcpiTariff(COMPLEX_OCPI_TARIFF);
    expect(origin).toEqual({ countryCode: 'DE', partyId: 'ALL', id: '14' });
    expect(definition.elements[0]!.price_components[0]).toEqual({ type: 'FLAT', price: '2.5', vat: '15', step_size: 1 });
    expect(definition.elements[6]!.restrictions).toEqual({ start_time: '23:00', end_time: '07:00' });
    expect(definition.elements[7]!.restrictions?.max_kwh).toBe('20.5');
    expect(definition.elements[8]!.price_components[0]!.price).toBe('0.0000001');
    expect(definition.min_price).toEqual({ excl_vat: '0.5', incl_vat: '0.6' });
    expect(definition).not.toHaveProperty('id');
    expect(definition).not.toHaveProperty('last_updated');
    expect(JSON.stringify(definition)).not.toMatch(/:\s*\d+\.\d+[,}]/);
  });

  it('nulls are absent values', () => {
    const { definition } = parseOcpiTariff({ ...minimalOcpiTariff(), type: null, min_price: null });
    expect(definition).not.toHaveProperty('type');
    expect(definition).not.toHaveProperty('min_price');
  });
});

describe('toOcpiTariff', () => {
  it('gives the imported OCPI object back on every field we keep: our id, our party, the version\'s time', () => {
    const { definition } = parseOcpiTariff(COMPLEX_OCPI_TARIFF);
    const createdAt = new Date('2026-12-03T10:00:00.000Z');
    const ocpi = toOcpiTariff({ tariffId: 'our-id', versionId: 'v', version: 1, organisationId: null, definition, createdAt }, PARTY);
    expect(ocpi).toEqual({ ...COMPLEX_OCPI_TARIFF, id: 'our-id', last_updated: '2026-12-03T10:00:00.000Z' });
    // And it reads back as the same definition.
    expect(parseOcpiTariff(ocpi).definition).toEqual(definition);
  });

  it('writes numbers as JSON numbers', () => {
    const { definition } = parseOcpiTariff(minimalOcpiTariff());
    const ocpi = toOcpiTariff({ tariffId: 't', versionId: 'v', version: 1, organisationId: null, definition, createdAt: new Date(0) }, PARTY);
    expect(JSON.stringify(ocpi)).toContain('"price":0.39');
  });
});

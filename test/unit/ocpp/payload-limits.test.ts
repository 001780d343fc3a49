import { describe, expect, it } from 'vitest';
import { checkPayloadLimits } from '../../../src/ocpp/payload-limits.js';
import { isStorableReading } from '../../../src/domain/sessions/energy.js';

describe('checkPayloadLimits', () => {
  it.each([
    { name: 'connectorId 2^31', payload: { connectorId: 2147483648 }, code: 'PropertyConstraintViolation', path: 'connectorId' },
    { name: 'a negative int below int4', payload: { transactionId: -2147483649 }, code: 'PropertyConstraintViolation', path: 'transactionId' },
    { name: 'Infinity (1e999)', payload: JSON.parse('{"meterStop": 1e999}'), code: 'PropertyConstraintViolation', path: 'meterStop' },
    { name: '-Infinity (-1e999)', payload: JSON.parse('{"meterStart": -1e999}'), code: 'PropertyConstraintViolation', path: 'meterStart' },
    { name: 'NaN', payload: { a: Number.NaN }, code: 'PropertyConstraintViolation', path: 'a' },
    { name: '1e300, an integer far past int4', payload: { reservationId: 1e300 }, code: 'PropertyConstraintViolation', path: 'reservationId' },
    { name: 'a NUL in a nested string', payload: { meterValue: [{ sampledValue: [{ value: '1\u0000' }] }] }, code: 'FormatViolation', path: 'meterValue[0].sampledValue[0].value' },
    { name: 'a NUL in a top-level string', payload: { vendorId: 'a\u0000b' }, code: 'FormatViolation', path: 'vendorId' },
  ])('refuses $name', ({ payload, code, path }) => {
    const error = checkPayloadLimits(payload);
    expect(error?.code).toBe(code);
    expect(error?.details).toEqual({ path });
  });

  it('refuses a NUL in a property name', () => {
    expect(checkPayloadLimits({ data: { 'a\u0000': 1 } })?.code).toBe('FormatViolation');
  });

  it.each([
    { name: 'int4 bounds', payload: { a: 2147483647, b: -2147483648 } },
    { name: 'decimals', payload: { limit: 16.3, x: -0.5 } },
    { name: 'ordinary strings, unicode and nulls', payload: { s: 'Ä ✓ \u0001', n: null, t: true, l: [] } },
    { name: 'an empty payload', payload: {} },
  ])('accepts $name', ({ payload }) => {
    expect(checkPayloadLimits(payload)).toBeNull();
  });
});

describe('isStorableReading', () => {
  it.each([
    ['12345', true],
    ['12.345', true],
    ['-1.5e3', true],
    ['99999999999999', true],
    ['', true],
    ['not a number', true],
    ['1e999', false],
    ['-1e999', false],
    ['Infinity', false],
    ['100000000000000', false],
    ['1e20', false],
    ['99999999999999999999', false],
  ])('%j -> %s', (value, ok) => {
    expect(isStorableReading(value)).toBe(ok);
  });
});

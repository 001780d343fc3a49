import { describe, expect, it } from 'vitest';
import { wireErrorCode } from '../../../src/ocpp/ocpp-error.js';
import { hasAction, validateRequest, validateResponse } from '../../../src/ocpp/schema-validator.js';

const meterValue = (sampled: object, timestamp: unknown = '2024-05-01T12:00:00Z') => ({
  connectorId: 1,
  transactionId: 7,
  meterValue: [{ timestamp, sampledValue: [{ value: '1200', ...sampled }] }],
});

const boot201 = { reason: 'PowerUp', chargingStation: { model: 'M1', vendorName: 'Acme' } };

describe('schema-validator', () => {
  it.each([
    ['ocpp1.6', 'MeterValues', meterValue({ measurand: 'Energy.Active.Import.Register', unit: 'Wh' })],
    ['ocpp1.6', 'Heartbeat', {}],
    ['ocpp1.6', 'BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'M1' }],
    ['ocpp2.0.1', 'BootNotification', boot201],
    ['ocpp2.0.1', 'Heartbeat', {}],
  ] as const)('accepts a valid %s %s request', (protocol, action, payload) => {
    expect(validateRequest(protocol, action, payload)).toBeNull();
  });

  it('accepts decimal limits despite float noise (multipleOf 0.1)', () => {
    const payload = {
      connectorId: 1,
      csChargingProfiles: {
        chargingProfileId: 1,
        stackLevel: 0,
        chargingProfilePurpose: 'TxDefaultProfile',
        chargingProfileKind: 'Absolute',
        chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16.3 }] },
      },
    };
    expect(validateRequest('ocpp1.6', 'SetChargingProfile', payload)).toBeNull();
  });

  // One row per error class and protocol: the neutral code, how it is spelled on the wire,
  // and the field path the description must name.
  it.each([
    // OCPP 1.6
    ['ocpp1.6', 'MeterValues', { connectorId: 1 }, 'OccurrenceConstraintViolation', 'OccurenceConstraintViolation', 'meterValue'],
    ['ocpp1.6', 'MeterValues', meterValue({ value: undefined }), 'OccurrenceConstraintViolation', 'OccurenceConstraintViolation', 'meterValue[0].sampledValue[0].value'],
    ['ocpp1.6', 'MeterValues', { ...meterValue({}), connectorId: '1' }, 'TypeConstraintViolation', 'TypeConstraintViolation', 'connectorId'],
    ['ocpp1.6', 'MeterValues', meterValue({ measurand: 'Bogus' }), 'PropertyConstraintViolation', 'PropertyConstraintViolation', 'meterValue[0].sampledValue[0].measurand'],
    ['ocpp1.6', 'MeterValues', meterValue({}, 'yesterday'), 'PropertyConstraintViolation', 'PropertyConstraintViolation', 'meterValue[0].timestamp'],
    ['ocpp1.6', 'Authorize', { idTag: 'x'.repeat(21) }, 'PropertyConstraintViolation', 'PropertyConstraintViolation', 'idTag'],
    ['ocpp1.6', 'Heartbeat', { extra: true }, 'FormatViolation', 'FormationViolation', 'extra'],
    ['ocpp1.6', 'Heartbeat', [], 'FormatViolation', 'FormationViolation', 'payload'],
    ['ocpp1.6', 'Heartbeat', null, 'FormatViolation', 'FormationViolation', 'payload'],
    // OCPP 2.0.1
    ['ocpp2.0.1', 'BootNotification', { reason: 'PowerUp' }, 'OccurrenceConstraintViolation', 'OccurrenceConstraintViolation', 'chargingStation'],
    ['ocpp2.0.1', 'BootNotification', { ...boot201, chargingStation: { model: 1, vendorName: 'Acme' } }, 'TypeConstraintViolation', 'TypeConstraintViolation', 'chargingStation.model'],
    ['ocpp2.0.1', 'BootNotification', { ...boot201, reason: 'Bored' }, 'PropertyConstraintViolation', 'PropertyConstraintViolation', 'reason'],
    ['ocpp2.0.1', 'BootNotification', { ...boot201, chargingStation: { model: 'm'.repeat(21), vendorName: 'Acme' } }, 'PropertyConstraintViolation', 'PropertyConstraintViolation', 'chargingStation.model'],
    ['ocpp2.0.1', 'BootNotification', { ...boot201, extra: 1 }, 'FormatViolation', 'FormatViolation', 'extra'],
    ['ocpp2.0.1', 'Heartbeat', 'ping', 'FormatViolation', 'FormatViolation', 'payload'],
  ] as const)('%s %s: %j -> %s (%s on the wire)', (protocol, action, payload, code, wire, path) => {
    const error = validateRequest(protocol, action, payload);
    expect(error?.code).toBe(code);
    expect(wireErrorCode(error!.code, protocol)).toBe(wire);
    expect(error!.description).toContain(path);
  });

  it('validates responses against the response schema', () => {
    expect(validateResponse('ocpp1.6', 'Heartbeat', { currentTime: '2024-05-01T12:00:00.000Z' })).toBeNull();
    expect(validateResponse('ocpp1.6', 'Heartbeat', {})?.code).toBe('OccurrenceConstraintViolation');
    expect(validateResponse('ocpp2.0.1', 'BootNotification', { currentTime: '2024-05-01T12:00:00Z', interval: 300, status: 'Maybe' })?.code).toBe(
      'PropertyConstraintViolation',
    );
  });

  it.each([
    ['ocpp1.6', 'MeterValues', true],
    ['ocpp1.6', 'RemoteStartTransaction', true],
    ['ocpp1.6', 'SecurityEventNotification', true],
    ['ocpp1.6', 'NotifyReport', false],
    ['ocpp2.0.1', 'NotifyReport', true],
    ['ocpp2.0.1', 'StartTransaction', false],
    ['ocpp1.6', 'MeterValuesResponse', false],
    ['ocpp1.6', 'Frobnicate', false],
  ] as const)('hasAction(%s, %s) is %s', (protocol, action, expected) => {
    expect(hasAction(protocol, action)).toBe(expected);
  });

  it('answers an unknown action with NotImplemented', () => {
    expect(validateRequest('ocpp1.6', 'Frobnicate', {})?.code).toBe('NotImplemented');
  });
});

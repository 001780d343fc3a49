import { describe, expect, it } from 'vitest';
import {
  neutralErrorCode,
  OCPP16_WIRE_ERROR_CODES,
  OCPP_ERROR_CODES,
  wireErrorCode,
} from '../../../src/ocpp/ocpp-error.js';
import { parseFrame, serializeCall, serializeCallError, serializeCallResult } from '../../../src/ocpp/rpc.js';

describe('parseFrame', () => {
  it.each([
    ['CALL', '[2,"a1","Heartbeat",{}]', { type: 2, id: 'a1', action: 'Heartbeat', payload: {} }],
    ['CALLRESULT', '[3,"a1",{"status":"Accepted"}]', { type: 3, id: 'a1', payload: { status: 'Accepted' } }],
    [
      'CALLERROR',
      '[4,"a1","NotSupported","nope",{"x":1}]',
      { type: 4, id: 'a1', code: 'NotSupported', description: 'nope', details: { x: 1 } },
    ],
    [
      'CALLERROR without details (lenient for 1.6 firmwares)',
      '[4,"a1","GenericError","oops"]',
      { type: 4, id: 'a1', code: 'GenericError', description: 'oops', details: {} },
    ],
    ['36-character id', `[3,"${'x'.repeat(36)}",{}]`, { type: 3, id: 'x'.repeat(36), payload: {} }],
  ])('parses a %s', (_name, text, frame) => {
    expect(parseFrame(text)).toEqual({ ok: true, frame });
  });

  it.each([
    ['not JSON', 'hello'],
    ['truncated JSON', '[2,"a1","Heartbeat",{'],
    ['a JSON object', '{"id":"a1"}'],
    ['a JSON string', '"a1"'],
    ['an array without a string id', '[2,17,"Heartbeat",{}]'],
    ['an empty array', '[]'],
  ])('fails without an id on %s', (_name, text) => {
    const result = parseFrame(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.id).toBeUndefined();
    expect(result.error.code).toBe('RpcFrameworkError');
  });

  it.each([
    ['an unknown message type id', '[5,"id-1","Heartbeat",{}]', 'MessageTypeNotSupported', 5],
    ['a non-numeric message type id', '["2","id-1","Heartbeat",{}]', 'RpcFrameworkError', undefined],
    ['a numeric action', '[2,"id-1",5,{}]', 'RpcFrameworkError', 2],
    ['an empty action', '[2,"id-1","",{}]', 'RpcFrameworkError', 2],
    ['a CALL with 3 elements', '[2,"id-1","Heartbeat"]', 'RpcFrameworkError', 2],
    ['a CALL with 5 elements', '[2,"id-1","Heartbeat",{},{}]', 'RpcFrameworkError', 2],
    ['a CALLRESULT with 4 elements', '[3,"id-1",{},{}]', 'RpcFrameworkError', 3],
    ['a CALLERROR with a numeric code', '[4,"id-1",7,"x",{}]', 'RpcFrameworkError', 4],
  ])('fails with the id on %s', (_name, text, code, messageType) => {
    const result = parseFrame(text);
    expect(result).toMatchObject({ ok: false, id: 'id-1', messageType });
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it('rejects a message id longer than 36 characters but still reports it', () => {
    const id = 'x'.repeat(37);
    const result = parseFrame(`[2,"${id}","Heartbeat",{}]`);
    expect(result).toMatchObject({ ok: false, id });
    if (!result.ok) expect(result.error.code).toBe('RpcFrameworkError');
  });
});

describe('serialize', () => {
  it('round-trips CALL and CALLRESULT', () => {
    expect(JSON.parse(serializeCall('m1', 'Reset', { type: 'Soft' }))).toEqual([2, 'm1', 'Reset', { type: 'Soft' }]);
    expect(parseFrame(serializeCallResult('m1', { status: 'Accepted' }))).toEqual({
      ok: true,
      frame: { type: 3, id: 'm1', payload: { status: 'Accepted' } },
    });
  });

  it('writes a five-element CALLERROR with {} details by default', () => {
    expect(JSON.parse(serializeCallError('m1', 'NotImplemented', 'no'))).toEqual([4, 'm1', 'NotImplemented', 'no', {}]);
  });

  it('caps the error description at 255 characters', () => {
    const [, , , description] = JSON.parse(serializeCallError('m1', 'GenericError', 'd'.repeat(1000)));
    expect(description).toHaveLength(255);
  });
});

describe('wireErrorCode', () => {
  it.each([
    ['FormatViolation', 'FormationViolation', 'FormatViolation'],
    ['OccurrenceConstraintViolation', 'OccurenceConstraintViolation', 'OccurrenceConstraintViolation'],
    ['RpcFrameworkError', 'FormationViolation', 'RpcFrameworkError'],
    ['MessageTypeNotSupported', 'ProtocolError', 'MessageTypeNotSupported'],
    ['TypeConstraintViolation', 'TypeConstraintViolation', 'TypeConstraintViolation'],
    ['NotImplemented', 'NotImplemented', 'NotImplemented'],
  ] as const)('maps %s to %s for 1.6 and %s for 2.0.1', (code, v16, v201) => {
    expect(wireErrorCode(code, 'ocpp1.6')).toBe(v16);
    expect(wireErrorCode(code, 'ocpp2.0.1')).toBe(v201);
  });

  it.each(OCPP_ERROR_CODES)('never sends a 1.6 charger a code 1.6 lacks (%s)', (code) => {
    expect(OCPP16_WIRE_ERROR_CODES).toContain(wireErrorCode(code, 'ocpp1.6'));
  });

  it.each([
    ['FormationViolation', 'FormatViolation'],
    ['OccurenceConstraintViolation', 'OccurrenceConstraintViolation'],
    ['OccurrenceConstraintViolation', 'OccurrenceConstraintViolation'],
    ['NotSupported', 'NotSupported'],
    ['Bogus', undefined],
  ])('reads wire code %s as %s', (wire, neutral) => {
    expect(neutralErrorCode(wire)).toBe(neutral);
  });
});

import { describe, expect, it } from 'vitest';
import { lookupCandidates, printedNumberKey, tokenValueOf } from '../../../src/domain/users/id-token-value.js';
import { parseRfidUid } from '../../../src/domain/users/rfid-uid.js';

describe('parseRfidUid', () => {
  it.each([
    ['04:a2:3b:1c', '04A23B1C'],
    ['04-A2-3B-1C', '04A23B1C'],
    ['04a23b1c', '04A23B1C'],
    [' 04 A2 3B 1C ', '04A23B1C'],
    ['04:A2:3B:1C:5D:6E:7F', '04A23B1C5D6E7F'],
    ['E0040100AABBCCDD', 'E0040100AABBCCDD'],
    ['04a2-3b1c', '04A23B1C'],
    ['0102030405060708090A', '0102030405060708090A'],
  ])('reads %j as %s', (text, uid) => {
    expect(parseRfidUid(text)).toEqual({ ok: true, uid });
  });

  it.each([
    ['', 'is empty'],
    ['04:a2:3b', '6 hex digits'],
    ['04a23b1c5d', '10 hex digits'],
    ['04:a2:3b:1g', 'hexadecimal'],
    ['4:a2:3b:1c', 'between bytes'],
    ['04a:23b:1c', 'between bytes'],
    ['TAG-1234', 'hexadecimal'],
    ['0'.repeat(22), '22 hex digits'],
  ])('refuses %j (%s)', (text, reason) => {
    const parsed = parseRfidUid(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toContain(reason);
  });
});

describe('tokenValueOf', () => {
  it.each([
    { type: 'RFID', raw: '04:a2:3b:1c', value: '04A23B1C' },
    { type: 'RFID', raw: 'TAG-1A2B3C4D', value: 'TAG-1A2B3C4D' },
    { type: 'KEY_CODE', raw: '04:a2:3b:1c', value: '04:a2:3b:1c' },
    { type: 'CENTRAL', raw: ' fleet-7 ', value: 'fleet-7' },
  ] as const)('keeps a $type $raw as $value', ({ type, raw, value }) => {
    expect(tokenValueOf(type, raw)).toEqual({ ok: true, value, lookupKey: value.toUpperCase() });
  });

  it.each([
    { type: 'RFID', raw: '04:a2:3b', options: {} },
    { type: 'RFID', raw: 'ABC2', options: {} },
    { type: 'RFID', raw: 'TAG-1A2B3C4D', options: { strictUid: true } },
    { type: 'CENTRAL', raw: 'A B', options: {} },
    { type: 'CENTRAL', raw: 'A'.repeat(37), options: {} },
    { type: 'CENTRAL', raw: '   ', options: {} },
  ] as const)('refuses a $type $raw', ({ type, raw, options }) => {
    expect(tokenValueOf(type, raw, options).ok).toBe(false);
  });
});

describe('lookupCandidates', () => {
  it('tries an idTag as sent and, when it spells a card UID, its canonical form', () => {
    expect(lookupCandidates('04:a2:3b:1c')).toEqual({ exact: '04:A2:3B:1C', uid: '04A23B1C' });
    expect(lookupCandidates('04a23b1c')).toEqual({ exact: '04A23B1C', uid: null });
    expect(lookupCandidates('TAG-1')).toEqual({ exact: 'TAG-1', uid: null });
  });
});

describe('printedNumberKey', () => {
  it('ignores case, spaces and dashes', () => {
    expect(printedNumberKey('ab 1234-5678')).toBe(printedNumberKey('AB12345678'));
  });
});

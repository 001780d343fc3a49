import { describe, expect, it } from 'vitest';
import { parseBasicAuthorization } from '../../../src/http/basic-auth.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('parseBasicAuthorization', () => {
  it('is "none" without a header', () => {
    expect(parseBasicAuthorization(undefined)).toEqual({ kind: 'none' });
  });

  it.each([
    ['a plain pair', `Basic ${b64('CP-1:secret-password-16')}`, 'CP-1:secret-password-16'],
    ['the scheme in any case', `basic ${b64('CP-1:pw')}`, 'CP-1:pw'],
    ['an identity with a colon (kept whole)', `Basic ${b64('site:bay:pw')}`, 'site:bay:pw'],
    ['an empty password', `Basic ${b64('CP-1:')}`, 'CP-1:'],
    ['padding-free base64 of a 3n-byte pair', `Basic ${b64('abc:de')}`, 'abc:de'],
  ])('decodes %s', (_name, header, userPass) => {
    expect(parseBasicAuthorization(header)).toEqual({ kind: 'basic', userPass });
  });

  it.each([
    ['another scheme', `Bearer ${b64('CP-1:pw')}`],
    ['no credentials after the scheme', 'Basic '],
    ['just the scheme', 'Basic'],
    ['characters outside base64', 'Basic !!!!'],
    ['base64 of the wrong length', 'Basic abcde'],
    ['two tokens', `Basic ${b64('a:b')} ${b64('c:d')}`],
    ['no colon', `Basic ${b64('CP-1')}`],
    ['bytes that are not UTF-8', `Basic ${Buffer.from([0x43, 0x3a, 0xff, 0xfe]).toString('base64')}`],
    ['an empty header', ''],
  ])('is "malformed" for %s', (_name, header) => {
    expect(parseBasicAuthorization(header)).toEqual({ kind: 'malformed' });
  });
});

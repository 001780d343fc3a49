import { describe, expect, it } from 'vitest';
import {
  generateStationPassword,
  hashStationPassword,
  passwordFingerprint,
  STATION_PASSWORD,
  verifyStationPassword,
} from '../../../src/domain/stations/station-password.js';

describe('station passwords', () => {
  it.each([
    ['16 characters', 'a'.repeat(16)],
    ['40 characters', 'Z'.repeat(40)],
    ['every printable ASCII character', ' !"#$%&\'()*+,-./0123456789:;<=>?@AZ[\\]^_`az{|}~'.slice(0, 40)],
    ['a generated one', generateStationPassword()],
  ])('accepts %s', (_name, password) => {
    expect(STATION_PASSWORD.safeParse(password).success).toBe(true);
  });

  it.each([
    ['15 characters', 'a'.repeat(15)],
    ['41 characters', 'a'.repeat(41)],
    ['non-ASCII letters', 'pässwörd-pässwörd'],
    ['a line break', 'abcdefgh\nijklmnop'],
    ['a tab', 'abcdefgh\tijklmnop'],
    ['an empty string', ''],
  ])('refuses %s', (_name, password) => {
    expect(STATION_PASSWORD.safeParse(password).success).toBe(false);
  });

  it('generates 32 hex characters, different every time', () => {
    const passwords = new Set(Array.from({ length: 50 }, generateStationPassword));
    expect(passwords.size).toBe(50);
    for (const p of passwords) expect(p).toMatch(/^[0-9a-f]{32}$/);
  });

  it('hashes with argon2id and a salt, and verifies only the right password', async () => {
    const password = generateStationPassword();
    const [a, b] = await Promise.all([hashStationPassword(password), hashStationPassword(password)]);
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain(password);
    expect(await verifyStationPassword(a, password)).toBe(true);
    expect(await verifyStationPassword(a, `${password}x`)).toBe(false);
    expect(await verifyStationPassword('not a hash', password)).toBe(false);
  });

  it('fingerprints are stable within the process and reveal nothing plain', () => {
    expect(passwordFingerprint('abc')).toBe(passwordFingerprint('abc'));
    expect(passwordFingerprint('abc')).not.toBe(passwordFingerprint('abd'));
    expect(passwordFingerprint('abc')).not.toContain('abc');
  });
});

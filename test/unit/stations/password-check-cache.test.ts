import { describe, expect, it } from 'vitest';
import { PasswordCheckCache } from '../../../src/domain/stations/password-check-cache.js';

function aCache(ttlMs = 1000, max = 100) {
  const clock = { now: 0 };
  return { clock, cache: new PasswordCheckCache(ttlMs, max, () => clock.now) };
}

describe('PasswordCheckCache', () => {
  it('remembers a check, good or bad, for the same identity, password and stored hash', () => {
    const { cache } = aCache();
    cache.set('CP-1', 'fp-good', 'hash-1', true);
    cache.set('CP-1', 'fp-bad', 'hash-1', false);
    expect(cache.get('CP-1', 'fp-good', 'hash-1')).toBe(true);
    expect(cache.get('CP-1', 'fp-bad', 'hash-1')).toBe(false);
    expect(cache.get('CP-1', 'fp-other', 'hash-1')).toBeUndefined();
    expect(cache.get('CP-2', 'fp-good', 'hash-1')).toBeUndefined();
  });

  it('forgets every check once the stored hash changes (a new password, on any node)', () => {
    const { cache } = aCache();
    cache.set('CP-1', 'fp-old', 'hash-1', true);
    expect(cache.get('CP-1', 'fp-old', 'hash-2')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('forgets a check after its time to live', () => {
    const { cache, clock } = aCache(1000);
    cache.set('CP-1', 'fp', 'hash-1', true);
    clock.now = 999;
    expect(cache.get('CP-1', 'fp', 'hash-1')).toBe(true);
    clock.now = 1000;
    expect(cache.get('CP-1', 'fp', 'hash-1')).toBeUndefined();
  });

  it('holds at most its maximum, dropping the oldest first', () => {
    const { cache } = aCache(1000, 3);
    for (const id of ['A', 'B', 'C']) cache.set(id, 'fp', 'h', true);
    cache.set('A', 'fp', 'h', true); // refreshed: now the newest
    cache.set('D', 'fp', 'h', true);
    expect(cache.size).toBe(3);
    expect(cache.get('B', 'fp', 'h')).toBeUndefined();
    expect(cache.get('A', 'fp', 'h')).toBe(true);
    expect(cache.get('D', 'fp', 'h')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { callerKey, CallerRateLimiter } from '../../src/graphql/rate-limit.js';

describe('CallerRateLimiter', () => {
  it('allows a burst, refuses the next with a wait, refills over time', () => {
    let t = 0;
    const limiter = new CallerRateLimiter(2, 3, () => t);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([null, null, null]);
    expect(limiter.take('a')).toBe(1);
    expect(limiter.take('b')).toBeNull();
    t = 500;
    expect(limiter.take('a')).toBeNull();
    expect(limiter.take('a')).toBe(1);
  });

  it.each([
    [{ kind: 'user' as const, userId: 'u1' }, '1.2.3.4', 'user:u1'],
    [{ kind: 'apiKey' as const, apiKeyId: 'k1' }, '1.2.3.4', 'key:k1'],
    [null, '1.2.3.4', 'ip:1.2.3.4'],
  ])('counts %o from %s as %s', (viewer, address, key) => {
    expect(callerKey(viewer, address)).toBe(key);
  });
});

import { describe, expect, it } from 'vitest';
import { RefusalThrottle } from '../../../src/domain/stations/refusal-throttle.js';

function aThrottle(windowMs = 60_000, max = 100) {
  const clock = { now: 1_000_000 };
  return { clock, throttle: new RefusalThrottle(windowMs, max, () => clock.now) };
}

describe('RefusalThrottle', () => {
  it('writes the first refusal per identity and reason per window, then counts the rest', () => {
    const { throttle, clock } = aThrottle();
    expect(throttle.admit('CP-1', 'WRONG_PASSWORD')).toEqual({ write: true, suppressed: 0, overflow: false });
    for (let i = 0; i < 11; i++) {
      clock.now += 5000;
      expect(throttle.admit('CP-1', 'WRONG_PASSWORD').write).toBe(false);
    }
    expect(throttle.admit('CP-1', 'NO_CREDENTIALS').write).toBe(true);
    expect(throttle.admit('CP-2', 'WRONG_PASSWORD').write).toBe(true);
    clock.now += 5000; // 60 s after the first row
    expect(throttle.admit('CP-1', 'WRONG_PASSWORD')).toEqual({ write: true, suppressed: 11, overflow: false });
  });

  it('writes no more than the cap per window overall, and says so once', () => {
    const { throttle, clock } = aThrottle(60_000, 3);
    const results = Array.from({ length: 6 }, (_, i) => throttle.admit(`GHOST-${i}`, 'UNKNOWN_IDENTITY'));
    expect(results.map((r) => r.write)).toEqual([true, true, true, false, false, false]);
    expect(results.map((r) => r.overflow)).toEqual([false, false, false, true, false, false]);
    clock.now += 60_000;
    expect(throttle.admit('GHOST-9', 'UNKNOWN_IDENTITY').write).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { HandshakeGate } from '../../../src/ocpp/handshake-gate.js';

describe('HandshakeGate', () => {
  it('admits up to its concurrency at once and queues the next', async () => {
    const gate = new HandshakeGate({ concurrency: 2, maxQueued: 1, maxWaitMs: 1000 });
    const a = await gate.enter();
    const b = await gate.enter();
    expect(a.admitted && b.admitted).toBe(true);
    let third: Awaited<ReturnType<HandshakeGate['enter']>> | undefined;
    const waiting = gate.enter().then((r) => (third = r));
    await Promise.resolve();
    expect(third).toBeUndefined();
    if (a.admitted) a.release();
    await waiting;
    expect(third?.admitted).toBe(true);
    expect(gate.pending).toBe(2);
  });

  it.each([
    { name: 'queue full', maxQueued: 0, maxWaitMs: 1000, reason: 'QUEUE_FULL' },
    { name: 'waited too long', maxQueued: 5, maxWaitMs: 10, reason: 'WAITED_TOO_LONG' },
  ])('refuses at once when $name', async ({ maxQueued, maxWaitMs, reason }) => {
    const gate = new HandshakeGate({ concurrency: 1, maxQueued, maxWaitMs });
    const first = await gate.enter();
    expect(first.admitted).toBe(true);
    const refused = await gate.enter();
    expect(refused).toEqual({ admitted: false, reason });
    expect(gate.stats.refused).toBe(1);
    expect(gate.pending).toBe(1);
  });

  it('skips a waiter that hung up and hands the slot on', async () => {
    const gate = new HandshakeGate({ concurrency: 1, maxQueued: 5, maxWaitMs: 1000 });
    const first = await gate.enter();
    const gone = gate.enter(() => false);
    const next = gate.enter();
    if (first.admitted) first.release();
    expect(await gone).toEqual({ admitted: false, reason: 'GAVE_UP' });
    const admitted = await next;
    expect(admitted.admitted).toBe(true);
    if (admitted.admitted) {
      admitted.release();
      admitted.release(); // a second release is ignored
    }
    expect(gate.pending).toBe(0);
  });
});

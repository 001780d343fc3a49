import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { createEventBus, type EventBus } from '../../src/events/event-bus.js';
import { createLogger } from '../../src/logger.js';

const redisUrl = inject('redisUrl');

// Each subscription has its own buffer: while one subscriber is busy (it does not ask for
// the next event), its events wait for it, and no other subscription takes them.
describe.each([
  { transport: 'in-process', url: undefined },
  ...(redisUrl ? [{ transport: 'redis', url: redisUrl }] : []),
])('event bus ($transport)', ({ url }) => {
  const anEvent = (n: number) => ({ n }) as never;
  const nextN = async (it: AsyncIterator<unknown>, count: number) => {
    const out: unknown[] = [];
    for (let i = 0; i < count; i++) out.push(((await it.next()).value as { n: number }).n);
    return out;
  };

  it('gives every subscription each event of its channel once, however busy the others are', async () => {
    const bus: EventBus = await createEventBus({ redisUrl: url, channelPrefix: `test-${randomBytes(6).toString('hex')}`, logger: createLogger('silent') });
    try {
      const busy = bus.subscribe('meter.values');
      const eager = bus.subscribe('meter.values');
      const otherChannel = bus.subscribe('station.status');
      // Each waits for its first event (the Redis transport subscribes on the first listener).
      const firsts = [busy.next(), eager.next(), otherChannel.next()];
      await new Promise((r) => setTimeout(r, url ? 200 : 0));
      bus.publish('meter.values', anEvent(0));
      bus.publish('station.status', anEvent(100));
      expect((await Promise.all(firsts)).map((r) => (r.value as { n: number }).n)).toEqual([0, 0, 100]);

      // `busy` asks for nothing while three events come; `eager` and `otherChannel` keep asking.
      const eagerNext = nextN(eager, 3);
      const otherNext = otherChannel.next();
      for (const n of [1, 2, 3]) bus.publish('meter.values', anEvent(n));
      bus.publish('station.status', anEvent(101));
      expect(await eagerNext).toEqual([1, 2, 3]);
      expect(((await otherNext).value as { n: number }).n).toBe(101);
      expect(await nextN(busy, 3)).toEqual([1, 2, 3]);

      // And after: one more event is one event for each, not a leftover of another's.
      bus.publish('meter.values', anEvent(4));
      expect(await Promise.all([nextN(busy, 1), nextN(eager, 1)])).toEqual([[4], [4]]);
      await Promise.all([busy.return?.(), eager.return?.(), otherChannel.return?.()]);
    } finally {
      await bus.close();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { BatchQueue, type Outcome } from '../../src/db/batch-queue.js';
import { createLogger } from '../../src/logger.js';

const log = createLogger('silent');
const sqlError = (code: string) => Object.assign(new Error(`sqlstate ${code}`), { code });

function recorder(run: (items: readonly number[]) => Promise<Outcome<number>[]> = async (items) => items.map((i) => ({ ok: true, value: i * 10 }))) {
  const batches: number[][] = [];
  let release: () => void = () => {};
  let gate: Promise<void> = Promise.resolve();
  return {
    batches,
    hold() {
      gate = new Promise((r) => (release = r));
    },
    open: () => release(),
    run: async (items: readonly number[]) => {
      batches.push([...items]);
      await gate;
      return run(items);
    },
  };
}

describe('BatchQueue', () => {
  it('writes a lone item at once, and what arrives while a batch is in flight as the next batch', async () => {
    const r = recorder();
    const q = new BatchQueue(r.run, { name: 'test', maxBatch: 100, concurrency: 1 }, log);
    r.hold();
    const first = q.submit(1);
    const rest = [2, 3, 4, 5].map((i) => q.submit(i));
    expect(r.batches).toEqual([[1]]);
    r.open();
    expect(await first).toBe(10);
    expect(await Promise.all(rest)).toEqual([20, 30, 40, 50]);
    expect(r.batches).toEqual([[1], [2, 3, 4, 5]]);
  });

  it('keeps batches within maxBatch and runs up to `concurrency` at once', async () => {
    const r = recorder();
    const q = new BatchQueue(r.run, { name: 'test', maxBatch: 3, concurrency: 2 }, log);
    r.hold();
    const all = Array.from({ length: 8 }, (_, i) => q.submit(i));
    expect(r.batches).toEqual([[0], [1]]);
    r.open();
    await Promise.all(all);
    expect(r.batches.slice(2)).toEqual([[2, 3, 4], [5, 6, 7]]);
  });

  it("fails only the item whose outcome is an error", async () => {
    const q = new BatchQueue<number, number>(
      async (items) => items.map((i) => (i === 2 ? { ok: false, error: new Error('no such station') } : { ok: true, value: i })),
      { name: 'test', maxBatch: 10, concurrency: 1 },
      log,
    );
    const results = await Promise.allSettled([1, 2, 3].map((i) => q.submit(i)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('retries a batch the database refused for one item (SQLSTATE 22/23) one by one, so only that item fails', async () => {
    const r = recorder(async (items) => {
      if (items.includes(3)) throw sqlError('22003');
      return items.map((i) => ({ ok: true, value: i }));
    });
    const q = new BatchQueue(r.run, { name: 'test', maxBatch: 10, concurrency: 1 }, log);
    r.hold();
    const first = q.submit(0);
    const rest = [1, 2, 3, 4].map((i) => q.submit(i));
    r.open();
    await first;
    const results = await Promise.allSettled(rest);
    expect(results.map((x) => x.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(r.batches).toEqual([[0], [1, 2, 3, 4], [1], [2], [3], [4]]);
  });

  it('retries a deadlocked batch whole, and fails every item of a batch that cannot be written', async () => {
    let deadlocks = 1;
    const q = new BatchQueue<number, number>(
      async (items) => {
        if (deadlocks-- > 0) throw sqlError('40P01');
        return items.map((i) => ({ ok: true, value: i }));
      },
      { name: 'test', maxBatch: 10, concurrency: 1 },
      log,
    );
    expect(await q.submit(7)).toBe(7);
    const down = new BatchQueue<number, number>(
      async () => {
        throw new Error('Connection terminated unexpectedly');
      },
      { name: 'test', maxBatch: 10, concurrency: 1 },
      log,
    );
    const results = await Promise.allSettled([1, 2].map((i) => down.submit(i)));
    expect(results.every((x) => x.status === 'rejected')).toBe(true);
  });
});

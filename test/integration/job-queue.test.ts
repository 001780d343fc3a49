import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { openOrm } from '../../src/db/orm.js';
import { PgBossJobQueue } from '../../src/jobs/job-queue.js';
import { createLogger } from '../../src/logger.js';

// The queue against the real database: work sent is run, work sent inside a transaction
// exists only if that transaction commits, and a failed attempt is retried.
describe('PostgreSQL job queue', () => {
  let orm: MikroORM;
  let queue: PgBossJobQueue;
  const seen: string[] = [];
  let failuresLeft = 1;
  const waiters = new Map<string, () => void>();

  beforeAll(async () => {
    orm = await openOrm(inject('databaseUrl'), 2);
    queue = new PgBossJobQueue(
      { connectionString: inject('databaseUrl'), schema: `jobs_${randomBytes(6).toString('hex')}`, pollingIntervalSeconds: 0.5 },
      createLogger('silent'),
    );
    queue.handle({
      name: 'system.ping',
      run: async ({ note }) => {
        if (note === 'flaky' && failuresLeft-- > 0) throw new Error('first attempt fails');
        seen.push(note);
        waiters.get(note)?.();
      },
    });
    await queue.start();
  });
  afterAll(async () => {
    await queue?.stop();
    await orm?.close(true);
  });

  const ran = (note: string, ms = 10_000) =>
    new Promise<void>((resolve, reject) => {
      if (seen.includes(note)) return resolve();
      const timer = setTimeout(() => reject(new Error(`${note} did not run`)), ms);
      waiters.set(note, () => (clearTimeout(timer), resolve()));
    });

  it('runs a job sent to it', async () => {
    await queue.send('system.ping', { note: 'plain' });
    await ran('plain');
    expect(seen).toContain('plain');
  });

  it('keeps a job sent inside a transaction only if the transaction commits', async () => {
    await expect(
      orm.em.fork().transactional(async (em) => {
        await queue.send('system.ping', { note: 'rolled-back' }, { within: em });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await orm.em.fork().transactional(async (em) => {
      await queue.send('system.ping', { note: 'committed' }, { within: em });
    });
    await ran('committed');
    // The rolled-back one had as long as the committed one to run, and did not.
    await new Promise((r) => setTimeout(r, 1200));
    expect(seen).not.toContain('rolled-back');
  });

  it('retries a failed attempt', async () => {
    await queue.send('system.ping', { note: 'flaky' }, { retryLimit: 2, retryDelaySeconds: 1 });
    await ran('flaky', 15_000);
    expect(failuresLeft).toBe(-1);
  }, 20_000);
});

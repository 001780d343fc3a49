import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { migrate, openOrm } from './orm.js';

export interface Database {
  orm: MikroORM;
  /** A small raw pool for the meter hot path, where the unit of work only costs time. */
  pool: pg.Pool;
  url: string;
  embedded: boolean;
  /** Whether PostgreSQL answers a trivial query within a couple of seconds, for /health. */
  ping(): Promise<'up' | 'down'>;
  close(): Promise<void>;
}

// Keep int8 (bigint) columns as strings from the raw pool; callers convert where they know the range.
export async function openDatabase(
  config: Config,
  log: Logger,
  options: { migrate: boolean } = { migrate: true },
): Promise<Database> {
  let url: string;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let poolMax = 10;
  if ('url' in config.database) {
    url = config.database.url;
    poolMax = config.database.poolMax;
  } else {
    const { dir, port, fallbackDir } = config.database.embedded;
    const embedded = await startEmbeddedPostgres(dir, port, log, { fallbackDir });
    url = embedded.url;
    stopEmbedded = embedded.stop;
  }
  try {
    const orm = await openOrm(url, poolMax);
    if (options.migrate) {
      const ran = await migrate(orm);
      if (ran.length) log.info('migrations applied', { migrations: ran });
    }
    const pool = new pg.Pool({
      connectionString: url,
      max: 8,
      // A database that accepts TCP but never answers must fail the batch, not hang it.
      connectionTimeoutMillis: 5_000,
    });
    pool.on('error', (err) => log.error('idle database connection failed', { err }));
    // pg.Pool listens for errors only on idle clients; a client checked out when the
    // connection drops would emit an unhandled 'error' and end the process. Its query
    // fails anyway (the caller answers InternalError), and release(err) discards it.
    pool.on('connect', (client) => {
      client.on('error', (err) => log.warn('database connection lost while in use', { err }));
    });
    return {
      orm,
      pool,
      url,
      embedded: Boolean(stopEmbedded),
      ping: () => pingDatabase(pool),
      async close() {
        await pool.end();
        await orm.close(true);
        await stopEmbedded?.();
      },
    };
  } catch (err) {
    await stopEmbedded?.();
    throw err;
  }
}

async function pingDatabase(pool: pg.Pool): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'down'>((resolve) => {
    timer = setTimeout(() => resolve('down'), 2_000);
  });
  const query = pool.query('select 1').then(
    () => 'up' as const,
    () => 'down' as const,
  );
  try {
    return await Promise.race([query, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

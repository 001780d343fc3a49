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
    const embedded = await startEmbeddedPostgres(config.database.embedded.dir, config.database.embedded.port, log);
    url = embedded.url;
    stopEmbedded = embedded.stop;
  }
  try {
    const orm = await openOrm(url, poolMax);
    if (options.migrate) {
      const ran = await migrate(orm);
      if (ran.length) log.info('migrations applied', { migrations: ran });
    }
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    pool.on('error', (err) => log.error('idle database connection failed', { err }));
    return {
      orm,
      pool,
      url,
      embedded: Boolean(stopEmbedded),
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

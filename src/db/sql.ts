import type pg from 'pg';

/** What hot-path writers need of a connection: run a statement. A pool client inside a transaction. */
export type Sql = Pick<pg.ClientBase, 'query'>;

/**
 * Runs `work` in one transaction on a client of the raw pool and commits it. A failure rolls
 * back and discards the client (it may be the connection that broke), then rethrows.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (sql: Sql) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    client.release();
    return result;
  } catch (err) {
    await client.query('rollback').catch(() => {});
    client.release(err instanceof Error ? err : new Error(String(err)));
    throw err;
  }
}

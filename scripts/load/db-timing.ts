// Opt-in diagnostics for the bench: wraps the raw pg pool of the in-process app (the meter
// hot path) to time each statement and each begin..commit transaction, without touching
// server code. Statement time includes the wait for the event loop to see the answer.
import type pg from 'pg';
import { performance } from 'node:perf_hooks';
import { distribution, Series, type Distribution } from './stats.js';

export interface DbTimingReport {
  poolConnectWaitMs: Distribution;
  transactionMs: Distribution;
  rowsPerInsert: Distribution;
  statementsMs: Record<string, Distribution>;
}

const kindOf = (sql: string): string => {
  const s = sql.trim().replace(/\s+/g, ' ').toLowerCase();
  if (s === 'begin' || s === 'commit' || s === 'rollback') return s;
  const m = /^(insert into|update|select .*? from|delete from) ([a-z_]+)/.exec(s);
  return m ? `${m[1]!.split(' ')[0]} ${m[2]}` : s.slice(0, 40);
};

export interface DbTiming {
  /** Forget what was measured so far (e.g. at the start of the steady window). */
  reset(): void;
  report(): DbTimingReport;
}

export function instrumentPool(pool: pg.Pool): DbTiming {
  let connectWait = new Series();
  let transactions = new Series();
  let rows = new Series();
  const statements = new Map<string, Series>();
  const wrapped = new WeakSet<object>();
  const originalConnect = pool.connect.bind(pool) as (...args: unknown[]) => Promise<pg.PoolClient>;

  // pool.query() uses the callback form internally: leave that one alone.
  (pool as { connect: unknown }).connect = (...args: unknown[]) => (args.length ? originalConnect(...args) : timedConnect());
  const timedConnect = async () => {
    const t = performance.now();
    const client = await originalConnect();
    connectWait.push(performance.now() - t);
    if (!wrapped.has(client)) {
      wrapped.add(client);
      const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
      let begunAt = 0;
      (client as { query: unknown }).query = async (...args: unknown[]) => {
        const sql = typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string })?.text ?? '');
        const kind = kindOf(sql);
        if (kind === 'begin') begunAt = performance.now();
        if (kind === 'insert meter_sample' && Array.isArray(args[1]) && Array.isArray(args[1][0])) rows.push(args[1][0].length);
        const started = performance.now();
        try {
          return await query(...args);
        } finally {
          const now = performance.now();
          let s = statements.get(kind);
          if (!s) statements.set(kind, (s = new Series()));
          s.push(now - started);
          if ((kind === 'commit' || kind === 'rollback') && begunAt) {
            transactions.push(now - begunAt);
            begunAt = 0;
          }
        }
      };
    }
    return client;
  };

  const reset = () => {
    connectWait = new Series();
    transactions = new Series();
    rows = new Series();
    statements.clear();
  };
  const report = (): DbTimingReport => ({
    poolConnectWaitMs: distribution(connectWait.toArray()),
    transactionMs: distribution(transactions.toArray()),
    rowsPerInsert: distribution(rows.toArray()),
    statementsMs: Object.fromEntries([...statements].map(([k, s]) => [k, distribution(s.toArray())])),
  });
  return { reset, report };
}

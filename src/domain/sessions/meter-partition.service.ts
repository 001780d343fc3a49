import type pg from 'pg';
import type { Logger } from '../../logger.js';
import { planPartitions, type DayPartition } from './meter-partitions.js';

// Upkeep of meter_sample's day partitions. Raw SQL: MikroORM does not know partitions.
// Every node runs it at startup and the job queue once an hour; an advisory lock makes concurrent
// runs take turns, and each run only does what is still missing, so repeating it is harmless.
const LOCK_KEY = 7_318_004_211;

export interface MeterPartitionOptions {
  /** Drop day partitions wholly older than this; null keeps every sample forever. */
  retentionDays: number | null;
  daysAhead: number;
  daysBehind: number;
}

export class MeterPartitionService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly options: MeterPartitionOptions,
    private readonly log: Logger,
  ) {}

  async ensure(now = new Date()): Promise<{ created: string[]; dropped: string[] }> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      await client.query('select pg_advisory_xact_lock($1)', [LOCK_KEY]);
      const existing = await client.query<{ name: string }>(
        `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
          where i.inhparent = 'meter_sample'::regclass`,
      );
      const plan = planPartitions({ now, existing: existing.rows.map((r) => r.name), ...this.options });
      for (const p of plan.create) await this.create(client, p);
      // Only whole days go: no row of a session or CDR is touched, and no delete leaves bloat behind.
      for (const name of plan.drop) await client.query(`drop table "${name}"`);
      await client.query('commit');
      const out = { created: plan.create.map((p) => p.name), dropped: plan.drop };
      if (out.created.length || out.dropped.length) this.log.info('meter sample partitions updated', out);
      return out;
    } catch (err) {
      await client.query('rollback').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  // Samples of that day may already sit in the default partition (the day had no partition when
  // they came); they move into the new one, else attaching it would fail.
  private async create(client: pg.PoolClient, p: DayPartition): Promise<void> {
    const range = [p.from.toISOString(), p.to.toISOString()];
    await client.query(`create table "${p.name}" (like meter_sample including defaults including constraints)`);
    const moved = await client.query(
      `with gone as (delete from meter_sample_default where sampled_at >= $1 and sampled_at < $2 returning *)
       insert into "${p.name}" select * from gone`,
      range,
    );
    await client.query(`alter table meter_sample attach partition "${p.name}" for values from ('${range[0]}') to ('${range[1]}')`);
    if (moved.rowCount) this.log.info('meter samples moved from the default partition', { partition: p.name, rows: moved.rowCount });
  }
}

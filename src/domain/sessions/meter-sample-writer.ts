import pg from 'pg';
import type { Logger } from '../../logger.js';
import { isDataError } from '../../db/pg-errors.js';
import { normaliseDecimal } from './energy.js';
import type { SampledValue } from './session.types.js';

/** One charger message's worth of samples, plus its energy register reading if it had one. */
export interface MeterBatchItem {
  stationId: string;
  connectorId: number;
  transactionId: number | null;
  samples: SampledValue[];
  reading: { wh: number; sampledAt: Date } | null;
  receivedAt: Date;
}

/** The charging_session row after the batch (raw columns), when the item belonged to a session. */
export interface SessionEnergyRow {
  id: string;
  station_id: string;
  transaction_id: number;
  connector_id: number;
  id_tag: string;
  id_token_id: string | null;
  user_id: string | null;
  authorization_status: string;
  status: string;
  reservation_id: number | null;
  started_at: Date;
  stopped_at: Date | null;
  meter_start_wh: string;
  meter_stop_wh: string | null;
  energy_wh: string;
  last_sample_at: Date | null;
  stop_reason: string | null;
  stop_id_tag: string | null;
  tariff_id: string | null;
  tariff_version_id: string | null;
  updated_at: Date;
}

interface Pending {
  item: MeterBatchItem;
  resolve: (row: SessionEnergyRow | null) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for the meter hot path. Items queue for at most `maxWaitMs` (or until
 * `maxRows` samples wait) and are written in one transaction: every sample as one
 * `INSERT ... SELECT FROM unnest(...)`, every touched session's energy in one UPDATE.
 * A charger is answered only after the transaction that holds its samples committed,
 * so an acknowledged sample is never lost; a failed batch fails every item in it.
 */
export class MeterSampleWriter {
  private pending: Pending[] = [];
  private pendingRows = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | null = null;
  private closed = false;
  private stats = { batches: 0, rows: 0 };

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: { maxRows: number; maxWaitMs: number },
    private readonly log: Logger,
  ) {}

  write(item: MeterBatchItem): Promise<SessionEnergyRow | null> {
    if (this.closed) return Promise.reject(new Error('meter sample writer is closed'));
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.pendingRows += item.samples.length;
      if (this.pendingRows >= this.options.maxRows) this.kick();
      else if (!this.timer) this.timer = setTimeout(() => this.kick(), this.options.maxWaitMs);
    });
  }

  get counters(): { batches: number; rows: number } {
    return { ...this.stats };
  }

  /** Writes what is queued and waits for it; later writes are refused. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.pending.length > 0 || this.inFlight) {
      this.kick();
      await this.inFlight;
    }
  }

  private kick(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    // One batch in flight at a time; what arrives meanwhile forms the next batch.
    if (this.inFlight || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.pendingRows = 0;
    this.inFlight = this.flush(batch).finally(() => {
      this.inFlight = null;
      if (this.pending.length > 0) this.kick();
    });
  }

  private async flush(batch: Pending[]): Promise<void> {
    let client: pg.PoolClient | undefined;
    let failure: Error | undefined;
    try {
      client = await this.pool.connect();
      await client.query('begin');
      const rows = await this.insertSamples(client, batch);
      const sessions = await this.applyReadings(client, batch);
      await this.updateConnectors(client, batch);
      await client.query('commit');
      this.stats.batches += 1;
      this.stats.rows += rows;
      for (const p of batch) {
        const key = p.item.transactionId === null ? null : `${p.item.stationId}:${p.item.transactionId}`;
        p.resolve((key && sessions.get(key)) || null);
      }
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err));
      if (client) await client.query('rollback').catch(() => {});
      client?.release();
      client = undefined;
      if (batch.length > 1 && isDataError(err)) {
        // Defence in depth behind the edge checks: one charger's value the database refused
        // must not cost the others their answer. Write each item alone; only the bad one fails.
        this.log.warn('meter batch refused a value; writing its items one by one', { err, items: batch.length });
        for (const p of batch) await this.flush([p]);
        return;
      }
      this.log.error('meter batch failed; every charger in it gets an error and will retry', { err, items: batch.length });
      for (const p of batch) p.reject(err);
    } finally {
      // A client whose batch failed may hold a dead connection: the pool discards it.
      client?.release(failure);
    }
  }

  private async insertSamples(client: pg.PoolClient, batch: Pending[]): Promise<number> {
    const cols = {
      station: [] as string[],
      connector: [] as number[],
      tx: [] as (number | null)[],
      at: [] as string[],
      measurand: [] as string[],
      phase: [] as (string | null)[],
      unit: [] as (string | null)[],
      context: [] as (string | null)[],
      location: [] as (string | null)[],
      format: [] as (string | null)[],
      value: [] as string[],
      numeric: [] as (string | null)[],
      received: [] as string[],
    };
    for (const { item } of batch) {
      const received = item.receivedAt.toISOString();
      for (const s of item.samples) {
        cols.station.push(item.stationId);
        cols.connector.push(item.connectorId);
        cols.tx.push(item.transactionId);
        cols.at.push(s.sampledAt.toISOString());
        cols.measurand.push(s.measurand);
        cols.phase.push(s.phase);
        cols.unit.push(s.unit);
        cols.context.push(s.context);
        cols.location.push(s.location);
        cols.format.push(s.format);
        cols.value.push(s.value);
        cols.numeric.push(s.format === 'SignedData' ? null : fitsNumeric(normaliseDecimal(s.value)));
        cols.received.push(received);
      }
    }
    if (cols.station.length === 0) return 0;
    await client.query(
      `insert into meter_sample (station_id, session_id, connector_id, transaction_id, sampled_at, measurand,
                                 phase, unit, context, location, format, value, numeric_value, received_at)
       select v.station_id, s.id, v.connector_id, v.transaction_id, v.sampled_at, v.measurand,
              v.phase, v.unit, v.context, v.location, v.format, v.value, v.numeric_value, v.received_at
         from unnest($1::uuid[], $2::int[], $3::int[], $4::timestamptz[], $5::text[], $6::text[], $7::text[],
                     $8::text[], $9::text[], $10::text[], $11::text[], $12::numeric[], $13::timestamptz[])
              with ordinality as v(station_id, connector_id, transaction_id, sampled_at, measurand, phase, unit,
                   context, location, format, value, numeric_value, received_at, ord)
         left join charging_session s on s.transaction_id = v.transaction_id and s.station_id = v.station_id
        order by v.ord`,
      [
        cols.station,
        cols.connector,
        cols.tx,
        cols.at,
        cols.measurand,
        cols.phase,
        cols.unit,
        cols.context,
        cols.location,
        cols.format,
        cols.value,
        cols.numeric,
        cols.received,
      ],
    );
    return cols.station.length;
  }

  /**
   * The energy rules, in one statement so they hold whichever node a charger is on:
   * - energy = register - baseline, never negative; a batch without a register changes nothing;
   * - the register only moves forward within a session (a low glitch is ignored);
   * - a provisional baseline (meterStart 0 while the meter was known to be higher) is kept if the
   *   first reading is at or above it (the 0 was bogus), and dropped back to 0 if below it (new meter).
   */
  private async applyReadings(client: pg.PoolClient, batch: Pending[]): Promise<Map<string, SessionEnergyRow>> {
    const bySession = new Map<string, { station: string; tx: number; first: number; max: number; at: Date }>();
    for (const { item } of batch) {
      if (item.transactionId === null || !item.reading) continue;
      const key = `${item.stationId}:${item.transactionId}`;
      const seen = bySession.get(key);
      const { wh, sampledAt } = item.reading;
      if (!seen) bySession.set(key, { station: item.stationId, tx: item.transactionId, first: wh, max: wh, at: sampledAt });
      else {
        seen.max = Math.max(seen.max, wh);
        if (sampledAt > seen.at) seen.at = sampledAt;
      }
    }
    const out = new Map<string, SessionEnergyRow>();
    const txWithoutReading = batch
      .filter((p) => p.item.transactionId !== null && !bySession.has(`${p.item.stationId}:${p.item.transactionId}`))
      .map((p) => ({ station: p.item.stationId, tx: p.item.transactionId! }));
    if (bySession.size > 0) {
      const v = [...bySession.values()];
      const res = await client.query<SessionEnergyRow>(
        `update charging_session s set
            baseline_wh = x.baseline,
            baseline_provisional = false,
            last_register_wh = x.register,
            energy_wh = greatest(0, x.register - x.baseline),
            last_sample_at = greatest(s.last_sample_at, x.at),
            updated_at = now()
           from (select c.id, v.at,
                        case when c.baseline_provisional and v.first_wh < c.baseline_wh then c.meter_start_wh
                             else c.baseline_wh end as baseline,
                        greatest(coalesce(c.last_register_wh, v.max_wh), v.max_wh) as register
                   from unnest($1::uuid[], $2::int[], $3::bigint[], $4::bigint[], $5::timestamptz[])
                        as v(station_id, tx, first_wh, max_wh, at)
                   join charging_session c
                     on c.station_id = v.station_id and c.transaction_id = v.tx and c.status = 'ACTIVE') as x
          where s.id = x.id
          returning s.*`,
        [v.map((x) => x.station), v.map((x) => x.tx), v.map((x) => x.first), v.map((x) => x.max), v.map((x) => x.at.toISOString())],
      );
      for (const r of res.rows) out.set(`${r.station_id}:${r.transaction_id}`, r);
    }
    if (txWithoutReading.length > 0) {
      // Still report the session (id, unchanged energy) so live views can attribute the samples.
      const res = await client.query<SessionEnergyRow>(
        `select s.*
           from charging_session s
           join unnest($1::uuid[], $2::int[]) as v(station_id, tx) on s.station_id = v.station_id and s.transaction_id = v.tx`,
        [txWithoutReading.map((x) => x.station), txWithoutReading.map((x) => x.tx)],
      );
      for (const r of res.rows) out.set(`${r.station_id}:${r.transaction_id}`, r);
    }
    return out;
  }

  // The connector remembers the meter's last register, to judge the next session's meterStart.
  private async updateConnectors(client: pg.PoolClient, batch: Pending[]): Promise<void> {
    const latest = new Map<string, { station: string; connector: number; wh: number; at: Date }>();
    for (const { item } of batch) {
      if (!item.reading) continue;
      const key = `${item.stationId}:${item.connectorId}`;
      const seen = latest.get(key);
      if (!seen || item.reading.sampledAt >= seen.at) {
        latest.set(key, { station: item.stationId, connector: item.connectorId, wh: item.reading.wh, at: item.reading.sampledAt });
      }
    }
    if (latest.size === 0) return;
    const v = [...latest.values()];
    await client.query(
      `update connector c set last_register_wh = v.wh
         from unnest($1::uuid[], $2::int[], $3::bigint[]) as v(station_id, connector_id, wh)
        where c.station_id = v.station_id and c.connector_id = v.connector_id`,
      [v.map((x) => x.station), v.map((x) => x.connector), v.map((x) => x.wh)],
    );
  }
}

// numeric(20,6) holds up to 14 integer digits; anything larger is kept only as text.
function fitsNumeric(decimal: string | null): string | null {
  if (decimal === null) return null;
  const whole = decimal.replace(/^-/, '').split('.')[0]!;
  return whole.length <= 14 ? decimal : null;
}

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { MeterPartitionService } from '../../src/domain/sessions/meter-partition.service.js';
import { dayPartition } from '../../src/domain/sessions/meter-partitions.js';
import { jobSchedules } from '../../src/jobs/index.js';
import { createLogger } from '../../src/logger.js';
import { connectCharger, type ChargerClient } from '../helpers/charger-client.js';
import { energySample, meterValues, startTransaction } from '../helpers/ocpp16-messages.js';
import { aStation, anIdToken, startTestApp, type TestApp } from '../helpers/test-app.js';

const DAY = 86_400_000;

describe('meter samples partitioned by day', () => {
  let app: TestApp;
  let pool: pg.Pool;
  let charger: ChargerClient;
  let stationId: string;
  let transactionId: number;

  beforeAll(async () => {
    app = await startTestApp();
    pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 2 });
    const station = await aStation(app);
    stationId = station.id;
    const tag = await anIdToken(app);
    charger = await connectCharger(app.ocppUrl, station.identity);
    ({ transactionId } = await charger.call('StartTransaction', startTransaction(tag.value, { meterStart: 0 })));
  });
  afterAll(async () => {
    await charger?.close();
    await app?.stop();
    await pool?.end();
  });

  const sendAt = (at: Date, wh: number) =>
    charger.call('MeterValues', meterValues(transactionId, [energySample(wh)], { meterValue: [{ timestamp: at.toISOString(), sampledValue: [energySample(wh)] }] }));
  const partitionsOf = async () =>
    (await pool.query<{ at: Date; part: string }>(
      `select sampled_at as at, tableoid::regclass::text as part from meter_sample where station_id = $1 order by sampled_at`,
      [stationId],
    )).rows.map((r) => [r.at.toISOString(), r.part]);
  const partitions = async () =>
    (await pool.query<{ name: string }>(`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'meter_sample'::regclass`)).rows.map((r) => r.name);
  const service = (retentionDays: number | null) => new MeterPartitionService(pool, { retentionDays, daysAhead: 0, daysBehind: 0 }, createLogger('silent'));

  it('has partitions from yesterday to a week ahead as soon as the server started', async () => {
    const names = await partitions();
    for (let d = -1; d <= 7; d++) expect(names).toContain(dayPartition(new Date(Date.now() + d * DAY)).name);
    expect(names).toContain('meter_sample_default');
  });

  it('stores samples of different days in their day partitions, and a wrong clock in the default one', async () => {
    const today = new Date();
    const tomorrow = new Date(today.getTime() + DAY);
    const farOff = new Date('2099-06-01T10:00:00Z');
    await sendAt(today, 100);
    await sendAt(tomorrow, 200);
    await sendAt(farOff, 300);
    expect(await partitionsOf()).toEqual([
      [today.toISOString(), dayPartition(today).name],
      [tomorrow.toISOString(), dayPartition(tomorrow).name],
      [farOff.toISOString(), 'meter_sample_default'],
    ]);
  });

  it('moves a day out of the default partition when its partition is made, and retention drops whole old days only', async () => {
    const old = new Date(Date.now() - 400 * DAY);
    await sendAt(old, 50);
    expect((await partitionsOf())[0]).toEqual([old.toISOString(), 'meter_sample_default']);

    // The job made nothing for that day; making it moves the sample into it.
    const made = await service(null).ensure(old);
    expect(made.created).toEqual([dayPartition(old).name]);
    expect((await partitionsOf())[0]).toEqual([old.toISOString(), dayPartition(old).name]);

    const { dropped } = await service(30).ensure();
    expect(dropped).toContain(dayPartition(old).name);
    expect(await partitions()).not.toContain(dayPartition(old).name);
    const left = await partitionsOf();
    expect(left.map(([at]) => at)).not.toContain(old.toISOString());
    expect(left).toHaveLength(3);
    const session = await pool.query(`select status from charging_session where station_id = $1 and transaction_id = $2`, [stationId, transactionId]);
    expect(session.rows).toHaveLength(1);
  });

  it('keeps the partitions up as a recurring job on the queue', () => {
    expect(jobSchedules().map((j) => j.name)).toContain('sessions.meter-partitions');
  });
});

import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { connectCharger } from '../helpers/charger-client.js';
import { energySample, meterValues, startTransaction } from '../helpers/ocpp16-messages.js';
import { aStation, anIdToken, startTestApp } from '../helpers/test-app.js';

describe('stopping the server', () => {
  it('stores every acknowledged sample, marks chargers offline and refuses nothing half-done', async () => {
    // A long batch window, so samples are still queued in memory when the stop begins.
    const app = await startTestApp({ METER_BATCH_MAX_WAIT_MS: '300' });
    const { identity, id: stationId } = await aStation(app);
    const tag = await anIdToken(app);
    const charger = await connectCharger(app.ocppUrl, identity);
    const { transactionId } = await charger.call('StartTransaction', startTransaction(tag.value, { meterStart: 0 }));

    const acked: number[] = [];
    const sends = Array.from({ length: 20 }, (_, i) =>
      charger.call('MeterValues', meterValues(transactionId, [energySample(100 * (i + 1))])).then(
        () => acked.push(i),
        () => {},
      ),
    );
    await new Promise((r) => setTimeout(r, 50));
    await app.stop();
    await Promise.all(sends);

    const client = new pg.Client({ connectionString: inject('databaseUrl') });
    await client.connect();
    try {
      const stored = await client.query(`select count(*)::int as n from meter_sample where station_id = $1`, [stationId]);
      // The call being handled when the stop began is finished and answered; queued ones are
      // dropped unanswered (the charger resends them). Whatever was answered is stored.
      expect(acked.length).toBeGreaterThanOrEqual(1);
      expect(stored.rows[0].n).toBeGreaterThanOrEqual(acked.length);
      const station = await client.query(`select online from station where id = $1`, [stationId]);
      expect(station.rows[0].online).toBe(false);
    } finally {
      await client.end();
    }
  });
});

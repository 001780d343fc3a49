import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ChargerCallError, connectCharger, type ChargerClient } from '../helpers/charger-client.js';
import { eventually } from '../helpers/eventually.js';
import { energySample, meterValues, startTransaction } from '../helpers/ocpp16-messages.js';
import { startTcpProxy, viaProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { aStation, anIdToken, startTestApp, type TestApp } from '../helpers/test-app.js';

const CHARGERS = 20;

type Phase = 'before' | 'cut' | 'settled' | 'restored';
interface Answer {
  sentIn: Phase;
  answeredIn: Phase;
  wh: number;
  outcome: 'result' | string;
}

// A PostgreSQL connection dropping under load once ended the process: a pg client checked out of
// the meter pool emitted 'error' with no listener. Here every connection is cut while chargers meter.
describe('PostgreSQL cut under load', () => {
  let proxy: TcpProxy;
  let app: TestApp;
  let db: pg.Client;

  beforeAll(async () => {
    const direct = new URL(inject('databaseUrl'));
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    app = await startTestApp({ DATABASE_URL: viaProxy(inject('databaseUrl'), proxy) });
    db = new pg.Client({ connectionString: inject('databaseUrl') });
    await db.connect();
  });
  afterAll(async () => {
    proxy.restore();
    await app?.stop();
    await db?.end();
    await proxy?.close();
  });

  it('answers InternalError during the cut, acknowledges again after it, and stores every acknowledged sample', async () => {
    const tag = await anIdToken(app);
    const chargers: { charger: ChargerClient; stationId: string; transactionId: number; answers: Answer[] }[] = [];
    for (let i = 0; i < CHARGERS; i++) {
      const { id: stationId, identity } = await aStation(app);
      const charger = await connectCharger(app.ocppUrl, identity, { callTimeoutMs: 20_000 });
      const { transactionId } = await charger.call('StartTransaction', startTransaction(tag.value, { meterStart: 0 }));
      chargers.push({ charger, stationId, transactionId, answers: [] });
    }

    let phase: Phase = 'before';
    let running = true;
    const loops = chargers.map(async (c) => {
      let wh = 0;
      while (running) {
        wh += 10;
        const sentIn = phase;
        let outcome: string;
        try {
          await c.charger.call('MeterValues', meterValues(c.transactionId, [energySample(wh)]));
          outcome = 'result';
        } catch (err) {
          outcome = err instanceof ChargerCallError ? err.code : `no answer: ${(err as Error).message}`;
        }
        c.answers.push({ sentIn, answeredIn: phase, wh, outcome });
        await new Promise((r) => setTimeout(r, 20));
      }
    });

    const answeredInPhase = (p: Phase, outcome: string) => chargers.every((c) => c.answers.some((a) => a.sentIn === p && a.outcome === outcome));
    await eventually('acknowledged samples before the cut', () => answeredInPhase('before', 'result'), 20_000);

    phase = 'cut';
    proxy.cut();
    await eventually('InternalError for every charger during the cut', () => answeredInPhase('cut', 'InternalError'), 20_000);
    // Sent once every charger has seen the outage: none of these may be acknowledged.
    phase = 'settled';
    await eventually('answers to calls sent during the outage', () => answeredInPhase('settled', 'InternalError'), 20_000);

    phase = 'restored';
    proxy.restore();
    await eventually('acknowledgements after the restore', () => answeredInPhase('restored', 'result'), 25_000);
    running = false;
    await Promise.all(loops);

    const settled = chargers.flatMap((c) => c.answers.filter((a) => a.sentIn === 'settled' && a.answeredIn === 'settled'));
    expect(settled.length).toBeGreaterThan(0);
    expect(settled.filter((a) => a.outcome !== 'InternalError')).toEqual([]);

    for (const c of chargers) {
      const acked = c.answers.filter((a) => a.outcome === 'result').map((a) => String(a.wh));
      const stored = await db.query<{ value: string }>(`select value from meter_sample where station_id = $1`, [c.stationId]);
      const values = new Set(stored.rows.map((r) => r.value));
      expect(acked.filter((v) => !values.has(v))).toEqual([]);
    }
    const health = await fetch(`${app.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'up' });
    await Promise.all(chargers.map((c) => c.charger.close()));
  }, 90_000);
});

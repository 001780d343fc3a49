import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { connectCharger, type ChargerClient } from '../helpers/charger-client.js';
import { eventually } from '../helpers/eventually.js';
import { energySample, meterValues, startTransaction, stopTransaction } from '../helpers/ocpp16-messages.js';
import { spawnServer, type ServerProcess } from '../helpers/server-process.js';
import { dataOf, gql, uniqueId } from '../helpers/test-app.js';

const CHARGERS = 12;
const ADMIN = { email: 'kill-admin@csms.test', password: 'kill-admin-password-1' };

// The real server as its own process, so it can be killed as an operator's box is (kill -9).
const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  DATABASE_URL: inject('databaseUrl'),
  JWT_SECRET: randomBytes(32).toString('base64url'),
  PORT: '0',
  HOST: '127.0.0.1',
  NODE_ID: `kill-${randomBytes(4).toString('hex')}`,
  EVENTS_CHANNEL_PREFIX: `kill-${randomBytes(6).toString('hex')}`,
  JOBS_SCHEMA: `jobs_${randomBytes(6).toString('hex')}`,
  DATABASE_POOL_MAX: '4',
  LOG_LEVEL: 'info',
  ADMIN_EMAIL: ADMIN.email,
  ADMIN_PASSWORD: ADMIN.password,
};

const children: ChildProcess[] = [];
async function startServer(): Promise<ServerProcess> {
  const server = await spawnServer(env);
  children.push(server.child);
  return server;
}

interface Charger {
  identity: string;
  client: ChargerClient;
  transactionId: number;
  /** The last register the server acknowledged, and every acknowledged one. */
  lastAcked: number;
  acked: number[];
  /** A MeterValues sent but not answered when the server died: a charger sends it again. */
  unanswered: number | null;
  stoppedAt: number | null;
}

describe('kill -9 under load, then a restart on the same database', () => {
  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  it('loses no acknowledged MeterValues, StartTransaction or StopTransaction, and session energy equals the last acknowledged register', { timeout: 150_000 }, async () => {
    const first = await startServer();
    const login = await gql<any>(first.url, `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`, { e: ADMIN.email, p: ADMIN.password }, null);
    const token = dataOf(login).login.accessToken as string;
    const tag = uniqueId('TAG').slice(0, 20);
    dataOf(await gql(first.url, `mutation($v: String!) { issueIdToken(input: { value: $v, type: RFID }) { id } }`, { v: tag }, token));
    const ocppUrl = (url: string) => url.replace(/^http/, 'ws') + '/ocpp';

    const chargers: Charger[] = [];
    for (let i = 0; i < CHARGERS; i++) {
      const identity = uniqueId('KILL');
      dataOf(await gql(first.url, `mutation($i: String!) { registerStation(input: { identity: $i, name: $i }) { id } }`, { i: identity }, token));
      const client = await connectCharger(ocppUrl(first.url), identity, { callTimeoutMs: 20_000 });
      const { transactionId } = await client.call('StartTransaction', startTransaction(tag, { meterStart: 0 }));
      chargers.push({ identity, client, transactionId, lastAcked: 0, acked: [], unanswered: null, stoppedAt: null });
    }

    // Every charger meters; the first third stops its transaction (acknowledged) before the kill.
    let metering = true;
    const meter = async (c: Charger) => {
      let wh = 0;
      while (metering && c.stoppedAt === null) {
        wh += 7;
        c.unanswered = wh;
        try {
          await c.client.call('MeterValues', meterValues(c.transactionId, [energySample(wh)]));
        } catch {
          return; // the server died with this one unanswered
        }
        c.unanswered = null;
        c.lastAcked = wh;
        c.acked.push(wh);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const loops = chargers.map(meter);
    await eventually('samples acknowledged by every charger', () => chargers.every((c) => c.acked.length >= 3), 30_000);
    const stopping = chargers.slice(0, CHARGERS / 3);
    for (const c of stopping) {
      c.stoppedAt = -1; // ends its metering loop
    }
    await Promise.all(loops.slice(0, stopping.length));
    for (const c of stopping) {
      c.unanswered = null;
      const meterStop = c.lastAcked + 5;
      await c.client.call('StopTransaction', stopTransaction(c.transactionId, meterStop));
      c.stoppedAt = meterStop;
    }
    await eventually('more samples from the chargers still charging', () => chargers.every((c) => c.stoppedAt !== null || c.acked.length >= 6), 30_000);

    first.child.kill('SIGKILL');
    await Promise.all(chargers.map((c) => c.client.closed));
    metering = false;
    await Promise.all(loops);

    const second = await startServer();
    for (const c of chargers) {
      c.client = await connectCharger(ocppUrl(second.url), c.identity, { callTimeoutMs: 20_000 });
      // A charger sends again what was never answered (OCPP 1.6 transaction-related messages).
      if (c.unanswered !== null) {
        await c.client.call('MeterValues', meterValues(c.transactionId, [energySample(c.unanswered)]));
        c.lastAcked = c.unanswered;
        c.acked.push(c.unanswered);
      }
    }

    const db = new pg.Client({ connectionString: inject('databaseUrl') });
    await db.connect();
    try {
      for (const c of chargers) {
        const { rows } = await db.query(
          `select cs.status, cs.energy_wh::text as energy, cs.meter_stop_wh::text as meter_stop,
                  array(select ms.value from meter_sample ms where ms.station_id = s.id) as values
             from station s join charging_session cs on cs.station_id = s.id and cs.transaction_id = $2
            where s.identity = $1`,
          [c.identity, c.transactionId],
        );
        expect(rows, `session of ${c.identity}`).toHaveLength(1);
        const row = rows[0];
        const stored = new Set<string>(row.values);
        expect(c.acked.filter((wh) => !stored.has(String(wh))), `samples of ${c.identity}`).toEqual([]);
        if (c.stoppedAt !== null) {
          expect(row.meter_stop, `stop of ${c.identity}`).toBe(String(c.stoppedAt));
          expect(row.energy, `energy of ${c.identity}`).toBe(String(c.stoppedAt));
        } else {
          expect(row.meter_stop).toBeNull();
          expect(row.energy, `energy of ${c.identity}`).toBe(String(c.lastAcked));
        }
      }
    } finally {
      await db.end();
      await Promise.all(chargers.map((c) => c.client.close()));
      second.child.kill('SIGTERM');
      await new Promise((r) => second.child.once('exit', r));
    }
  });
});

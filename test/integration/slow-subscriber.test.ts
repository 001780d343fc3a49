import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connectCharger, type ChargerClient } from '../helpers/charger-client.js';
import { bootNotification, meterValues } from '../helpers/ocpp16-messages.js';
import { aStation, startTestApp, subscribe, type Subscription, type TestApp } from '../helpers/test-app.js';

// A graphql-ws client that stops reading must not make the server hold an ever growing
// backlog for it, nor slow down anyone else: once its unsent bytes pass
// GRAPHQL_WS_MAX_BUFFERED_BYTES the server drops the connection.

const BOUND = 64 * 1024;
// Signed meter data is long text: 8 samples of 100 kB make one MeterValues of ~800 kB (under
// the OCPP frame limit of 1 MiB) and one ~800 kB event per subscription.
const SAMPLES = 8;
const SIGNED = randomBytes(75_000).toString('base64');
// 64 of them are ~51 MB for the slow client, past what the kernel's send and receive buffers
// on loopback can absorb before bytes queue in the server process (here ~5 MB were taken;
// tcp_wmem + tcp_rmem maxima allow ~36 MB). One subscription: graphql-ws sends a
// subscription's next event only once the last one's send callback came, so with one the
// backlog used to wait in the event buffer, out of the bound's sight (several would hide it).
const SLOW_SUBSCRIPTIONS = 1;
const BATCHES = 64;

let app: TestApp;
let charger: ChargerClient;
let identity: string;

beforeAll(async () => {
  app = await startTestApp({ GRAPHQL_WS_MAX_BUFFERED_BYTES: String(BOUND) });
  ({ identity } = await aStation(app));
  charger = await connectCharger(app.ocppUrl, identity);
  await charger.call('BootNotification', bootNotification());
});
afterAll(async () => {
  await charger?.close().catch(() => {});
  await app?.stop();
});

const meterSubscription = `subscription($s: String) { meterValuesReceived(stationIdentity: $s) { receivedAt samples { value } } }`;

/** One MeterValues of SAMPLES long signed values, the first starting with `n:` to tell the batches apart. */
const bigMeterValues = (n: number) =>
  meterValues(
    undefined,
    Array.from({ length: SAMPLES }, (_, i) => ({ value: `${i === 0 ? `${n}:` : ''}${SIGNED}`, format: 'SignedData', context: 'Sample.Periodic' })),
  );
const batchOf = (e: { meterValuesReceived: { samples: { value: string }[] } }) => Number(e.meterValuesReceived.samples[0]!.value.split(':')[0]);

interface RawClient {
  ws: WebSocket;
  /** 'next' messages received. */
  stats: { nexts: number };
  closed: Promise<{ code: number; at: number }>;
  waitForNexts(n: number, ms?: number): Promise<void>;
}

/** A graphql-transport-ws client spoken by hand, so the test decides when it reads. */
async function rawClient(subscriptions: number): Promise<RawClient> {
  const ws = new WebSocket(`${app.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', { perMessageDeflate: false });
  const stats = { nexts: 0 };
  let waiter: { n: number; resolve: () => void } | null = null;
  const closed = new Promise<{ code: number; at: number }>((resolve) => ws.once('close', (code) => resolve({ code, at: Date.now() })));
  const acked = new Promise<void>((resolve, reject) => {
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { type: string; payload?: unknown };
      if (message.type === 'connection_ack') resolve();
      if (message.type === 'error') reject(new Error(JSON.stringify(message.payload)));
      if (message.type !== 'next') return;
      stats.nexts += 1;
      if (waiter && stats.nexts >= waiter.n) waiter.resolve();
    });
    ws.once('close', (code) => reject(new Error(`closed ${code} before connection_ack`)));
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${app.adminToken}` } }));
  await acked;
  for (let id = 1; id <= subscriptions; id++) {
    ws.send(JSON.stringify({ id: String(id), type: 'subscribe', payload: { query: meterSubscription, variables: { s: identity } } }));
  }
  return {
    ws,
    stats,
    closed,
    waitForNexts: (n, ms = 5000) =>
      new Promise<void>((resolve, reject) => {
        if (stats.nexts >= n) return resolve();
        const timer = setTimeout(() => reject(new Error(`got ${stats.nexts} of ${n} events`)), ms);
        waiter = { n, resolve: () => (clearTimeout(timer), resolve()) };
      }),
  };
}

describe('a graphql-ws client that stops reading', () => {
  it('is cut off once its backlog passes the bound, while another subscriber gets every event at once', async () => {
    const normal: Subscription<any> = await subscribe(app.url, meterSubscription, { s: identity });
    const slow = await rawClient(SLOW_SUBSCRIPTIONS);
    const slowSocket = (slow.ws as unknown as { _socket: Socket })._socket;
    try {
      // Both listen (the server registers subscriptions asynchronously): one event reaches all.
      await new Promise((r) => setTimeout(r, 100));
      await charger.call('MeterValues', bigMeterValues(0));
      expect(batchOf(await normal.next(() => true, 2000))).toBe(0);
      await slow.waitForNexts(SLOW_SUBSCRIPTIONS);

      // The slow client stops reading: TCP fills the kernel's buffers, then the server's.
      slowSocket.pause();
      const seenBeforePause = slow.stats.nexts;

      for (let n = 1; n <= BATCHES; n++) {
        await charger.call('MeterValues', bigMeterValues(n));
        // The other subscriber is not held up (nor confused) by the slow one: each event,
        // its own and in order, arrives within 1 s of the charger's answer.
        expect(batchOf(await normal.next(() => true, 1000))).toBe(n);
      }

      // Reading again, the slow client gets what was already on its way (the kernel's buffers
      // and at most the bound plus one message in the server), then finds the connection
      // dropped while the events went on: terminated, so no close frame (1006). Without the
      // cut-off it would get every event and stay open.
      slowSocket.resume();
      const closed = await Promise.race([slow.closed, new Promise<null>((r) => setTimeout(() => r(null), 3000))]);
      expect(closed, 'the slow client was not disconnected').not.toBeNull();
      expect(closed!.code).toBe(1006);
      expect(slow.stats.nexts - seenBeforePause).toBeLessThan(BATCHES * SLOW_SUBSCRIPTIONS);
    } finally {
      slow.ws.terminate();
      await normal.close();
    }
  });
});

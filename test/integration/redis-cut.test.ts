import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inject } from 'vitest';
import { connectCharger, type ChargerClient } from '../helpers/charger-client.js';
import { eventually } from '../helpers/eventually.js';
import { energySample, meterValues, startTransaction } from '../helpers/ocpp16-messages.js';
import { startTcpProxy, viaProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { aStation, anIdToken, startTestApp, subscribe, type TestApp } from '../helpers/test-app.js';

const redisUrl = inject('redisUrl');
const CHARGERS = 10;

async function health(app: TestApp): Promise<{ code: number; body: any }> {
  const res = await fetch(`${app.url}/health`);
  return { code: res.status, body: await res.json() };
}

// Redis going away must not end the process or flood the log, /health says so, and live
// subscriptions receive events again once it is back (ioredis reconnects and resubscribes).
describe.skipIf(!redisUrl)('Redis cut under load', () => {
  let proxy: TcpProxy;
  let app: TestApp;
  const consoleError = vi.spyOn(console, 'error');

  beforeAll(async () => {
    const direct = new URL(redisUrl!);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 6379) });
    app = await startTestApp({ REDIS_URL: viaProxy(redisUrl!, proxy) });
  });
  afterAll(async () => {
    proxy?.restore();
    await app?.stop();
    await proxy?.close();
    consoleError.mockRestore();
  });

  it('reports redis down then up on /health, and subscriptions receive events again after the restore', async () => {
    expect(await health(app)).toMatchObject({ code: 200, body: { status: 'ok', redis: 'up', database: 'up' } });
    const tag = await anIdToken(app);
    const chargers: { charger: ChargerClient; identity: string; transactionId: number }[] = [];
    for (let i = 0; i < CHARGERS; i++) {
      const { identity } = await aStation(app);
      const charger = await connectCharger(app.ocppUrl, identity, { callTimeoutMs: 60_000 });
      const { transactionId } = await charger.call('StartTransaction', startTransaction(tag.value, { meterStart: 0 }));
      chargers.push({ charger, identity, transactionId });
    }
    const meter = await subscribe(app.url, `subscription { meterValuesReceived { stationIdentity sessionEnergyWh } }`);

    // Chargers keep metering throughout; whether a call is answered during the cut is not asserted here.
    let running = true;
    const loops = chargers.map(async (c, i) => {
      let wh = 0;
      while (running) {
        wh += 10;
        await c.charger.call('MeterValues', meterValues(c.transactionId, [energySample(wh)])).catch(() => {});
        await new Promise((r) => setTimeout(r, 20 + i));
      }
    });
    await meter.next();

    proxy.cut();
    await eventually('/health to report redis down', async () => {
      const h = await health(app);
      return h.code === 503 && h.body.redis === 'down' && h.body.status === 'degraded';
    }, 20_000);
    await new Promise((r) => setTimeout(r, 1_000)); // a few reconnect attempts while away

    proxy.restore();
    await eventually('/health to report redis up', async () => {
      const h = await health(app);
      return h.code === 200 && h.body.redis === 'up';
    }, 25_000);
    running = false;
    await Promise.all(loops);

    // A value no charger sent before: it can only arrive through the resubscribed channel.
    const probe = chargers[0]!;
    await probe.charger.call('MeterValues', meterValues(probe.transactionId, [energySample(9_999_990)]));
    const event = await meter.next((e) => e.meterValuesReceived.stationIdentity === probe.identity && e.meterValuesReceived.sessionEnergyWh === 9_999_990, 20_000);
    expect(event.meterValuesReceived.sessionEnergyWh).toBe(9_999_990);

    expect(consoleError.mock.calls.filter((args) => String(args[0]).includes('[ioredis] Unhandled error event'))).toEqual([]);
    await meter.close();
    await Promise.all(chargers.map((c) => c.charger.close()));
  }, 90_000);
});

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { connectCharger } from '../helpers/charger-client.js';
import { bootNotification, energySample, meterValues, startTransaction, statusNotification } from '../helpers/ocpp16-messages.js';
import { aStation, anIdToken, startTestApp, subscribe, type TestApp } from '../helpers/test-app.js';

const redisUrl = inject('redisUrl');

// Two nodes behind a load balancer share PostgreSQL and Redis: a dashboard on one node sees
// what chargers on the other node send. Global setup fails the run under CI when Redis is missing.
describe.skipIf(!redisUrl)('events across nodes through Redis', () => {
  let nodeA: TestApp;
  let nodeB: TestApp;
  beforeAll(async () => {
    const shared = { REDIS_URL: redisUrl!, EVENTS_CHANNEL_PREFIX: `test-${randomBytes(6).toString('hex')}` };
    [nodeA, nodeB] = await Promise.all([startTestApp(shared), startTestApp(shared)]);
  });
  afterAll(() => Promise.all([nodeA?.stop(), nodeB?.stop()]));

  it('uses Redis as the transport', async () => {
    const health = await (await fetch(`${nodeA.url}/health`)).json();
    expect(health.events).toBe('redis');
  });

  it('delivers status changes, meter values and session updates from node A to a subscriber on node B', async () => {
    const { identity } = await aStation(nodeA);
    const tag = await anIdToken(nodeA);
    const status = await subscribe(nodeB.url, `subscription($s: String) { stationStatusChanged(stationIdentity: $s) { kind status online } }`, { s: identity });
    const meter = await subscribe(nodeB.url, `subscription($s: String) { meterValuesReceived(stationIdentity: $s) { transactionId sessionEnergyWh } }`, { s: identity });
    const sessions = await subscribe(nodeB.url, `subscription($s: String) { chargingSessionUpdated(stationIdentity: $s) { transactionId status energyWh } }`, { s: identity });

    const charger = await connectCharger(nodeA.ocppUrl, identity);
    await charger.call('BootNotification', bootNotification());
    await charger.call('StatusNotification', statusNotification(1, 'Charging'));
    const { transactionId } = await charger.call('StartTransaction', startTransaction(tag.value, { meterStart: 100 }));
    await charger.call('MeterValues', meterValues(transactionId, [energySample(350)]));

    expect((await status.next((e) => e.stationStatusChanged.kind === 'CONNECTOR_STATUS')).stationStatusChanged.status).toBe('CHARGING');
    expect((await meter.next()).meterValuesReceived).toEqual({ transactionId, sessionEnergyWh: 250 });
    const update = await sessions.next((e) => e.chargingSessionUpdated.energyWh === 250);
    expect(update.chargingSessionUpdated).toMatchObject({ transactionId, status: 'ACTIVE' });

    await Promise.all([status.close(), meter.close(), sessions.close(), charger.close()]);
  });
});

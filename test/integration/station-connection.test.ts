import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCharger, HandshakeRefusedError, type ChargerClient } from '../helpers/charger-client.js';
import { bootNotification } from '../helpers/ocpp16-messages.js';
import { aStation, dataOf, startTestApp, subscribe, uniqueId, type TestApp } from '../helpers/test-app.js';

const stationQuery = `query($s: String!) { station(identity: $s) { identity name online ocppProtocol connectedAt lastSeenAt } }`;

describe('who may connect', () => {
  let app: TestApp;
  let autoApp: TestApp;
  beforeAll(async () => {
    [app, autoApp] = await Promise.all([startTestApp(), startTestApp({ OCPP_AUTO_REGISTER: 'true' })]);
  });
  afterAll(() => Promise.all([app?.stop(), autoApp?.stop()]));

  it('refuses an identity that is not registered with 404', async () => {
    const err = await connectCharger(app.ocppUrl, uniqueId('GHOST')).catch((e) => e);
    expect(err).toBeInstanceOf(HandshakeRefusedError);
    expect(err.status).toBe(404);
    expect(dataOf(await app.gql(stationQuery, { s: 'GHOST' }))).toEqual({ station: null });
  });

  it('refuses a client that offers no subprotocol we speak with 400', async () => {
    const { identity } = await aStation(app);
    for (const protocol of [[], ['ocpp1.5'], ['json']]) {
      const err = await connectCharger(app.ocppUrl, identity, { protocol }).catch((e) => e);
      expect(err).toBeInstanceOf(HandshakeRefusedError);
      expect(err.status).toBe(400);
    }
  });

  it('picks ocpp1.6 from a list of offers', async () => {
    const { identity } = await aStation(app);
    const charger = await connectCharger(app.ocppUrl, identity, { protocol: ['ocpp2.0.1', 'ocpp1.6'] });
    expect(charger.ws.protocol).toBe('ocpp1.6');
    await charger.close();
  });

  it('registers an unknown identity on the spot when OCPP_AUTO_REGISTER is on', async () => {
    const identity = uniqueId('AUTO');
    const charger = await connectCharger(autoApp.ocppUrl, identity);
    await charger.call('BootNotification', bootNotification({ chargePointModel: 'Auto-1' }));
    const res = dataOf(await autoApp.gql(`query($s: String!) { station(identity: $s) { identity name online model } }`, { s: identity })) as any;
    expect(res.station).toEqual({ identity, name: identity, online: true, model: 'Auto-1' });
    await charger.close();
  });
});

describe('presence', () => {
  let app: TestApp;
  beforeAll(async () => {
    // A short ping interval so a dead socket is found within a test's patience.
    app = await startTestApp({}, (c) => {
      c.ocpp.pingIntervalMs = 150;
    });
  });
  afterAll(() => app?.stop());

  it('a second connection with the same identity replaces the first and the station stays online', async () => {
    const { identity } = await aStation(app);
    const first = await connectCharger(app.ocppUrl, identity);
    await first.call('Heartbeat', {});
    const second = await connectCharger(app.ocppUrl, identity);
    const closed = await first.closed;
    expect(closed.code).toBe(4000);
    expect(await second.call('Heartbeat', {})).toHaveProperty('currentTime');
    await new Promise((r) => setTimeout(r, 100));
    expect((dataOf(await app.gql(stationQuery, { s: identity })) as any).station.online).toBe(true);
    await second.close();
  });

  it('marks a station whose socket stops answering pings offline, and says so live', async () => {
    const { identity } = await aStation(app);
    const sub = await subscribe(app.url, `subscription($s: String) { stationStatusChanged(stationIdentity: $s) { kind online } }`, { s: identity });
    // A charger that went dark: the TCP connection is there but nothing answers pings.
    const charger: ChargerClient = await connectCharger(app.ocppUrl, identity, { wsOptions: { autoPong: false } });
    await sub.next((e) => e.stationStatusChanged.online === true);
    const offline = await sub.next((e) => e.stationStatusChanged.kind === 'CONNECTION' && e.stationStatusChanged.online === false, 3000);
    expect(offline.stationStatusChanged.online).toBe(false);
    const res = dataOf(await app.gql(stationQuery, { s: identity })) as any;
    expect(res.station.online).toBe(false);
    expect(res.station.lastSeenAt).not.toBeNull();
    await sub.close();
    await charger.close().catch(() => {});
  });

  it("a subscription's events carry the station as it is at each event, not as it was at the first", async () => {
    const { identity } = await aStation(app);
    const sub = await subscribe(
      app.url,
      `subscription($s: String) { stationStatusChanged(stationIdentity: $s) { kind online station { online } } }`,
      { s: identity },
    );
    const charger = await connectCharger(app.ocppUrl, identity);
    const up = await sub.next((e) => e.stationStatusChanged.kind === 'CONNECTION' && e.stationStatusChanged.online === true);
    expect(up.stationStatusChanged.station).toEqual({ online: true });
    await charger.close();
    const down = await sub.next((e) => e.stationStatusChanged.kind === 'CONNECTION' && e.stationStatusChanged.online === false);
    expect(down.stationStatusChanged.station).toEqual({ online: false });
    await sub.close();
  });

  it('records the protocol and connection time of an online station', async () => {
    const { identity } = await aStation(app);
    const charger = await connectCharger(app.ocppUrl, identity);
    await charger.call('Heartbeat', {});
    const res = dataOf(await app.gql(stationQuery, { s: identity })) as any;
    expect(res.station).toMatchObject({ online: true, ocppProtocol: 'ocpp1.6' });
    expect(Date.parse(res.station.connectedAt)).toBeLessThanOrEqual(Date.now());
    await charger.close();
  });
});

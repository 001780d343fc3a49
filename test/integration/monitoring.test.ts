import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StationConnectionEventSchema } from '../../src/domain/monitoring/station-connection-event.entity.js';
import { connectCharger, type ChargerClient } from '../helpers/charger-client.js';
import { bootNotification, isoNow, statusNotification } from '../helpers/ocpp16-messages.js';
import { aStation, dataOf, startTestApp, subscribe, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
const chargers: ChargerClient[] = [];

beforeAll(async () => {
  // A short ping interval so a silent charger is found within a test's patience.
  app = await startTestApp({}, (c) => {
    c.ocpp.pingIntervalMs = 150;
  });
});
afterAll(async () => {
  await Promise.all(chargers.map((c) => c.close().catch(() => {})));
  await app?.stop();
});

async function aCharger(options: Parameters<typeof connectCharger>[2] = {}): Promise<{ charger: ChargerClient; identity: string; id: string }> {
  const { identity, id } = await aStation(app);
  const charger = await connectCharger(app.ocppUrl, identity, options);
  chargers.push(charger);
  return { charger, identity, id };
}

const alertSubscription = `subscription($s: String) { stationAlerts(stationIdentity: $s) { kind severity stationIdentity connectorId message details { key value } fault { errorCode open } } }`;
const detail = (alert: { details: { key: string; value: string }[] }, key: string) => alert.details.find((d) => d.key === key)?.value;

describe('faults from status notifications', () => {
  type Step = { connectorId?: number; status: string; errorCode?: string; vendorErrorCode?: string; ageMs?: number };
  it.each<{ name: string; steps: Step[]; faults: { errorCode: string; vendorErrorCode: string | null; open: boolean }[] }>([
    {
      name: 'an error opens a fault and NoError closes it',
      steps: [{ status: 'Faulted', errorCode: 'GroundFailure' }, { status: 'Available' }],
      faults: [{ errorCode: 'GROUND_FAILURE', vendorErrorCode: null, open: false }],
    },
    {
      name: 'the same error reported again (status moved) stays one open fault',
      steps: [{ status: 'Faulted', errorCode: 'GroundFailure' }, { status: 'Unavailable', errorCode: 'GroundFailure' }],
      faults: [{ errorCode: 'GROUND_FAILURE', vendorErrorCode: null, open: true }],
    },
    {
      name: 'a new vendor error code replaces the open fault',
      steps: [
        { status: 'Faulted', errorCode: 'OtherError', vendorErrorCode: 'E-1' },
        { status: 'Faulted', errorCode: 'OtherError', vendorErrorCode: 'E-2' },
      ],
      faults: [
        { errorCode: 'OTHER_ERROR', vendorErrorCode: 'E-2', open: true },
        { errorCode: 'OTHER_ERROR', vendorErrorCode: 'E-1', open: false },
      ],
    },
    {
      name: 'a late NoError (older than the fault) does not close it',
      steps: [{ status: 'Faulted', errorCode: 'GroundFailure' }, { status: 'Available', ageMs: 60_000 }],
      faults: [{ errorCode: 'GROUND_FAILURE', vendorErrorCode: null, open: true }],
    },
    {
      name: 'Faulted with NoError and only a vendor code is a fault',
      steps: [{ status: 'Faulted', vendorErrorCode: 'VX-42' }],
      faults: [{ errorCode: 'NO_ERROR', vendorErrorCode: 'VX-42', open: true }],
    },
    {
      name: 'faults are per connector: NoError on another connector closes nothing',
      steps: [{ connectorId: 1, status: 'Faulted', errorCode: 'GroundFailure' }, { connectorId: 2, status: 'Available' }],
      faults: [{ errorCode: 'GROUND_FAILURE', vendorErrorCode: null, open: true }],
    },
  ])('$name', async ({ steps, faults }) => {
    const { charger, identity } = await aCharger();
    for (const step of steps) {
      await charger.call(
        'StatusNotification',
        statusNotification(step.connectorId ?? 1, step.status, {
          errorCode: step.errorCode ?? 'NoError',
          timestamp: isoNow(-(step.ageMs ?? 0)),
          ...(step.vendorErrorCode ? { vendorId: 'Voltline', vendorErrorCode: step.vendorErrorCode } : {}),
        }),
      );
    }
    const res = dataOf(
      await app.gql(`query($s: String!) { faults(filter: { stationIdentity: $s }) { edges { node { errorCode vendorErrorCode open closedAt } } } }`, { s: identity }),
    ) as any;
    const found = res.faults.edges.map((e: any) => e.node);
    expect(found.map(({ closedAt: _c, ...f }: any) => f)).toEqual(faults);
    for (const f of found) expect(f.closedAt === null).toBe(f.open);
  });

  it('pushes FAULT_OPENED and FAULT_CLEARED on stationAlerts and keeps the fault queryable on the station', async () => {
    const { charger, identity } = await aCharger();
    const sub = await subscribe(app.url, alertSubscription, { s: identity });
    await charger.call('StatusNotification', statusNotification(2, 'Faulted', { errorCode: 'GroundFailure', info: 'RCD tripped', vendorId: 'VL', vendorErrorCode: 'E-17' }));
    const opened = (await sub.next((e) => e.stationAlerts.kind === 'FAULT_OPENED')).stationAlerts;
    expect(opened).toMatchObject({ severity: 'CRITICAL', stationIdentity: identity, connectorId: 2, fault: { errorCode: 'GROUND_FAILURE', open: true } });
    expect(detail(opened, 'vendorErrorCode')).toBe('E-17');
    expect(opened.message).toContain('RCD tripped');

    const openNow = dataOf(await app.gql(`query($s: String!) { station(identity: $s) { faults(open: true) { edges { node { connectorId info vendorId } } } } }`, { s: identity })) as any;
    expect(openNow.station.faults.edges.map((e: any) => e.node)).toEqual([{ connectorId: 2, info: 'RCD tripped', vendorId: 'VL' }]);

    await charger.call('StatusNotification', statusNotification(2, 'Available'));
    const cleared = (await sub.next((e) => e.stationAlerts.kind === 'FAULT_CLEARED')).stationAlerts;
    expect(cleared).toMatchObject({ severity: 'INFO', connectorId: 2, fault: { errorCode: 'GROUND_FAILURE', open: false } });

    const after = dataOf(await app.gql(`query($s: String!) { station(identity: $s) { open: faults(open: true) { edges { node { id } } } past: faults(open: false) { edges { node { durationSeconds closedAt } } } } }`, { s: identity })) as any;
    expect(after.station.open.edges).toEqual([]);
    expect(after.station.past.edges).toHaveLength(1);
    await sub.close();
  });

  it('a warning code on an available connector is a WARNING, not CRITICAL', async () => {
    const { charger, identity } = await aCharger();
    const sub = await subscribe(app.url, alertSubscription, { s: identity });
    await charger.call('StatusNotification', statusNotification(1, 'Available', { errorCode: 'HighTemperature' }));
    expect((await sub.next((e) => e.stationAlerts.kind === 'FAULT_OPENED')).stationAlerts.severity).toBe('WARNING');
    await sub.close();
  });

  it('lists faults that overlapped a window, across stations', async () => {
    const { charger, identity } = await aCharger();
    await charger.call('StatusNotification', statusNotification(1, 'Faulted', { errorCode: 'PowerMeterFailure', timestamp: isoNow(-3 * 3600_000) }));
    await charger.call('StatusNotification', statusNotification(1, 'Available', { timestamp: isoNow(-2 * 3600_000) }));
    const query = `query($f: FaultFilter) { faults(filter: $f) { edges { node { stationIdentity errorCode } } } }`;
    const during = dataOf(await app.gql(query, { f: { stationIdentity: identity, from: isoNow(-2.5 * 3600_000), to: isoNow(-2.2 * 3600_000) } })) as any;
    expect(during.faults.edges.map((e: any) => e.node)).toEqual([{ stationIdentity: identity, errorCode: 'POWER_METER_FAILURE' }]);
    const afterwards = dataOf(await app.gql(query, { f: { stationIdentity: identity, from: isoNow(-3600_000), to: isoNow() } })) as any;
    expect(afterwards.faults.edges).toEqual([]);
  });
});

describe('fault lists', () => {
  it('pages newest first with first/after and refuses a cursor that is not ours', async () => {
    const { charger, identity } = await aCharger();
    for (const [connectorId, errorCode, age] of [[1, 'GroundFailure', 30], [2, 'OverVoltage', 20], [3, 'WeakSignal', 10]] as const) {
      await charger.call('StatusNotification', statusNotification(connectorId, 'Faulted', { errorCode, timestamp: isoNow(-age * 60_000) }));
    }
    const query = `query($s: String!, $after: String) { faults(first: 2, after: $after, filter: { stationIdentity: $s }) { edges { node { errorCode } } pageInfo { hasNextPage endCursor } } }`;
    const page1 = (dataOf(await app.gql(query, { s: identity })) as any).faults;
    expect(page1.edges.map((e: any) => e.node.errorCode)).toEqual(['WEAK_SIGNAL', 'OVER_VOLTAGE']);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (dataOf(await app.gql(query, { s: identity, after: page1.pageInfo.endCursor })) as any).faults;
    expect(page2.edges.map((e: any) => e.node.errorCode)).toEqual(['GROUND_FAILURE']);
    expect(page2.pageInfo.hasNextPage).toBe(false);

    const bad = await app.gql(query, { s: identity, after: 'not-a-cursor' });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});

describe('connection and boot alerts', () => {
  it('a charger that goes silent is marked offline and STATION_OFFLINE is raised', async () => {
    const { identity } = await aStation(app);
    const sub = await subscribe(app.url, alertSubscription, { s: identity });
    // The TCP connection stays up but nothing answers pings: a charger that went dark.
    const charger = await connectCharger(app.ocppUrl, identity, { wsOptions: { autoPong: false } });
    chargers.push(charger);
    expect((await sub.next((e) => e.stationAlerts.kind === 'STATION_ONLINE')).stationAlerts.severity).toBe('INFO');
    const offline = (await sub.next((e) => e.stationAlerts.kind === 'STATION_OFFLINE', 3000)).stationAlerts;
    expect(offline.severity).toBe('WARNING');
    expect(detail(offline, 'reason')).toBe('ping timeout');

    const res = dataOf(await app.gql(`query($s: String!) { station(identity: $s) { online disconnectedAt connectionHistory { online reason } } }`, { s: identity })) as any;
    expect(res.station.online).toBe(false);
    expect(res.station.disconnectedAt).not.toBeNull();
    expect(res.station.connectionHistory).toEqual([
      { online: false, reason: 'ping timeout' },
      { online: true, reason: null },
    ]);
    const kept = dataOf(await app.gql(`query($s: String!) { alerts(filter: { stationIdentity: $s, kinds: [STATION_OFFLINE] }) { edges { node { kind } } } }`, { s: identity })) as any;
    expect(kept.alerts.edges).toEqual([{ node: { kind: 'STATION_OFFLINE' } }]);
    await sub.close();
  });

  it('a station coming back says how long it was offline; a replaced socket raises nothing', async () => {
    const { identity } = await aStation(app);
    const first = await connectCharger(app.ocppUrl, identity);
    await first.call('Heartbeat', {});
    await first.close();
    const sub = await subscribe(app.url, alertSubscription, { s: identity });
    const second = await connectCharger(app.ocppUrl, identity);
    chargers.push(second);
    const online = (await sub.next((e) => e.stationAlerts.kind === 'STATION_ONLINE')).stationAlerts;
    expect(Number(detail(online, 'offlineSeconds'))).toBeGreaterThanOrEqual(0);
    expect(detail(online, 'offlineSince')).toBeTruthy();

    const third = await connectCharger(app.ocppUrl, identity);
    chargers.push(third);
    await third.call('Heartbeat', {});
    await new Promise((r) => setTimeout(r, 200));
    expect(sub.received.filter((e) => e.stationAlerts.kind === 'STATION_ONLINE')).toEqual([]);
    await sub.close();
  });

  it.each([
    { name: 'a first boot', setup: async (_c: ChargerClient, _i: string) => {}, note: 'FIRST_BOOT', severity: 'INFO' },
    {
      name: 'a boot nobody asked for',
      setup: async (c: ChargerClient) => void (await c.call('BootNotification', bootNotification())),
      note: 'UNEXPECTED',
      severity: 'WARNING',
    },
    {
      name: 'a boot after a reset',
      // An operator's accepted resetStation is what marks the next boot as expected.
      setup: async (c: ChargerClient, identity: string) => {
        await c.call('BootNotification', bootNotification());
        const res = await app.gql(`mutation($s: String!) { resetStation(stationIdentity: $s, type: SOFT) { command { status } } }`, { s: identity });
        expect(res.errors).toBeUndefined();
      },
      options: { onCall: (action: string) => (action === 'Reset' ? { status: 'Accepted' } : {}) },
      note: 'AFTER_RESET',
      severity: 'INFO',
    },
  ])('STATION_BOOTED for $name says $note', async ({ setup, note, severity, ...rest }) => {
    const { charger, identity } = await aCharger('options' in rest ? rest.options : {});
    await setup(charger, identity);
    const sub = await subscribe(app.url, alertSubscription, { s: identity });
    await charger.call('BootNotification', bootNotification({ firmwareVersion: '2.0.0' }));
    const booted = (await sub.next((e) => e.stationAlerts.kind === 'STATION_BOOTED')).stationAlerts;
    expect(booted.severity).toBe(severity);
    expect(detail(booted, 'note')).toBe(note);
    await sub.close();
  });
});

describe('uptime and availability', () => {
  it('computes online and per-connector time over a window from the histories', async () => {
    const { charger, identity, id } = await aCharger();
    const base = Date.now() - 2 * 3600_000;
    const at = (minute: number) => new Date(base + minute * 60_000);
    // Connection history of the past: online before the window, an outage from minute 30 to 40.
    const em = app.database.orm.em.fork();
    for (const [minute, online] of [[-10, true], [30, false], [40, true]] as const) {
      em.create(StationConnectionEventSchema, { station: id, online, reason: online ? null : 'socket closed (1006)', nodeId: 'test', at: at(minute) });
    }
    await em.flush();
    // Status history as a charger reports it, with its own timestamps.
    for (const [minute, status] of [[-5, 'Available'], [10, 'Faulted'], [20, 'Available'], [50, 'Unavailable']] as const) {
      await charger.call('StatusNotification', statusNotification(1, status, { errorCode: status === 'Faulted' ? 'GroundFailure' : 'NoError', timestamp: at(minute).toISOString() }));
    }

    const res = dataOf(
      await app.gql(
        `query($s: String!, $from: DateTime!, $to: DateTime!) { station(identity: $s) { uptime(from: $from, to: $to) {
          windowSeconds onlineSeconds onlineRatio
          connectors { connectorId availableSeconds availableRatio faultedSeconds unavailableSeconds offlineSeconds unknownSeconds chargingSeconds }
        } } }`,
        { s: identity, from: at(0).toISOString(), to: at(60).toISOString() },
      ),
    ) as any;
    expect(res.station.uptime).toEqual({
      windowSeconds: 3600,
      onlineSeconds: 3000,
      onlineRatio: 3000 / 3600,
      connectors: [
        { connectorId: 1, availableSeconds: 1800, availableRatio: 0.5, faultedSeconds: 600, unavailableSeconds: 600, offlineSeconds: 600, unknownSeconds: 0, chargingSeconds: 0 },
      ],
    });
  });

  it.each([
    { name: 'from after to', from: isoNow(-60_000), to: isoNow(-120_000) },
    { name: 'a window in the future', from: isoNow(3600_000), to: isoNow(7200_000) },
    { name: 'a window over 366 days', from: isoNow(-400 * 86_400_000), to: isoNow() },
  ])('refuses $name with BAD_USER_INPUT', async ({ from, to }) => {
    const { identity } = await aStation(app);
    const res = await app.gql(`query($s: String!, $from: DateTime!, $to: DateTime!) { station(identity: $s) { uptime(from: $from, to: $to) { onlineRatio } } }`, { s: identity, from, to });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('keeps every status report as history, late ones marked not applied', async () => {
    const { charger, identity } = await aCharger();
    await charger.call('StatusNotification', statusNotification(1, 'Charging', { timestamp: isoNow(-1000) }));
    await charger.call('StatusNotification', statusNotification(1, 'Preparing', { timestamp: isoNow(-60_000) }));
    const res = dataOf(await app.gql(`query($s: String!) { station(identity: $s) { statusHistory(connectorId: 1) { status applied } } }`, { s: identity })) as any;
    expect(res.station.statusHistory).toEqual([
      { status: 'CHARGING', applied: true },
      { status: 'PREPARING', applied: false },
    ]);
  });
});

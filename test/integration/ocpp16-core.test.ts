import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCharger, type ChargerClient } from '../helpers/charger-client.js';
import {
  bootNotification,
  energySample,
  isoNow,
  meterValues,
  startTransaction,
  statusNotification,
  stopTransaction,
} from '../helpers/ocpp16-messages.js';
import { aStation, anIdToken, dataOf, startTestApp, uniqueId, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
const chargers: ChargerClient[] = [];

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await Promise.all(chargers.map((c) => c.close().catch(() => {})));
  await app?.stop();
});

async function aBootedCharger(): Promise<{ charger: ChargerClient; identity: string }> {
  const { identity } = await aStation(app);
  const charger = await connectCharger(app.ocppUrl, identity);
  chargers.push(charger);
  await charger.call('BootNotification', bootNotification());
  return { charger, identity };
}

async function sessionByTx(transactionId: number) {
  const res = dataOf(
    await app.gql(`query($s: String!) { chargingSessions(first: 50, filter: { stationIdentity: $s }) { edges { node { transactionId status energyWh meterStartWh meterStopWh authorizationStatus } } } }`, {
      s: (await txStation(transactionId)) ?? '',
    }),
  ) as any;
  return res.chargingSessions.edges.map((e: any) => e.node).find((n: any) => n.transactionId === transactionId);
}
const txStations = new Map<number, string>();
const txStation = async (tx: number) => txStations.get(tx);

async function start(charger: ChargerClient, identity: string, idTag: string, o: Record<string, unknown> = {}) {
  const res = await charger.call('StartTransaction', startTransaction(idTag, o));
  txStations.set(res.transactionId, identity);
  return res as { transactionId: number; idTagInfo: { status: string } };
}

describe('Authorize', () => {
  const past = new Date(Date.now() - 3600_000).toISOString();
  const future = new Date(Date.now() + 86_400_000).toISOString();
  it.each([
    { name: 'an active token', setup: {}, expected: { status: 'Accepted' } },
    { name: 'a token past its expiry', setup: { expiresAt: past }, expected: { status: 'Expired', expiryDate: past } },
    { name: 'a token with a future expiry', setup: { expiresAt: future }, expected: { status: 'Accepted', expiryDate: future } },
    { name: 'a fleet card', setup: { parentIdTag: 'FLEET-7' }, expected: { status: 'Accepted', parentIdTag: 'FLEET-7' } },
  ])('answers $expected.status for $name', async ({ setup, expected }) => {
    const { charger } = await aBootedCharger();
    const tag = await anIdToken(app, setup);
    const res = await charger.call('Authorize', { idTag: tag.value });
    expect(res.idTagInfo).toEqual(expected);
  });

  it.each([
    { status: 'BLOCKED', answer: 'Blocked' },
    { status: 'EXPIRED', answer: 'Expired' },
    { status: 'ACTIVE', answer: 'Accepted' },
  ])('answers $answer for a token set to $status', async ({ status, answer }) => {
    const { charger } = await aBootedCharger();
    const tag = await anIdToken(app);
    dataOf(await app.gql(`mutation($i: UpdateIdTokenInput!) { updateIdToken(input: $i) { status } }`, { i: { id: tag.id, status } }));
    expect((await charger.call('Authorize', { idTag: tag.value })).idTagInfo.status).toBe(answer);
  });

  it('matches idTags case-insensitively, as OCPP CiString requires', async () => {
    const { charger } = await aBootedCharger();
    // Not a card UID (those are normalised to upper-case hex when issued): kept as given.
    const tag = await anIdToken(app, { value: uniqueId('abc').toLowerCase().slice(0, 20), type: 'CENTRAL' });
    expect((await charger.call('Authorize', { idTag: tag.value.toUpperCase() })).idTagInfo.status).toBe('Accepted');
  });

  it('answers Invalid for an unknown tag and stores nothing about it', async () => {
    const { charger } = await aBootedCharger();
    const unknown = uniqueId('NOPE').slice(0, 20);
    expect((await charger.call('Authorize', { idTag: unknown })).idTagInfo).toEqual({ status: 'Invalid' });
    expect(dataOf(await app.gql(`query($v: String) { idToken(value: $v) { id } }`, { v: unknown }))).toEqual({ idToken: null });
  });

  it('answers ConcurrentTx while the tag charges elsewhere, and Accepted again after the stop', async () => {
    const a = await aBootedCharger();
    const b = await aBootedCharger();
    const tag = await anIdToken(app);
    const { transactionId } = await start(a.charger, a.identity, tag.value);
    expect((await b.charger.call('Authorize', { idTag: tag.value })).idTagInfo.status).toBe('ConcurrentTx');
    const second = await start(b.charger, b.identity, tag.value);
    expect(second.idTagInfo.status).toBe('ConcurrentTx');
    await b.charger.call('StopTransaction', stopTransaction(second.transactionId, 1000));
    await a.charger.call('StopTransaction', stopTransaction(transactionId, 1000));
    expect((await b.charger.call('Authorize', { idTag: tag.value })).idTagInfo.status).toBe('Accepted');
  });
});

describe('StartTransaction', () => {
  it('gives a retried identical StartTransaction the same transactionId and no second session', async () => {
    const { charger, identity } = await aBootedCharger();
    const tag = await anIdToken(app);
    const payload = startTransaction(tag.value, { meterStart: 4200 });
    const first = await charger.call('StartTransaction', payload);
    const retry = await charger.call('StartTransaction', payload);
    expect(retry.transactionId).toBe(first.transactionId);
    expect(retry.idTagInfo.status).toBe('Accepted');
    const sessions = dataOf(await app.gql(`query($s: String!) { chargingSessions(filter: { stationIdentity: $s }) { edges { node { transactionId } } } }`, { s: identity })) as any;
    expect(sessions.chargingSessions.edges).toHaveLength(1);
  });

  it('hands out distinct transaction ids for distinct starts', async () => {
    const { charger, identity } = await aBootedCharger();
    const ids = new Set<number>();
    for (let connectorId = 1; connectorId <= 3; connectorId++) {
      const tag = await anIdToken(app);
      ids.add((await start(charger, identity, tag.value, { connectorId })).transactionId);
    }
    expect(ids.size).toBe(3);
  });

  it('records a start with an unknown tag as Invalid (the charger already started) without inventing a token', async () => {
    const { charger, identity } = await aBootedCharger();
    const res = await start(charger, identity, 'UNKNOWN-TAG-1');
    expect(res.idTagInfo.status).toBe('Invalid');
    expect(await sessionByTx(res.transactionId)).toMatchObject({ status: 'ACTIVE', authorizationStatus: 'INVALID' });
  });
});

describe('StatusNotification', () => {
  it('keeps the newer status when an older one arrives late', async () => {
    const { charger, identity } = await aBootedCharger();
    await charger.call('StatusNotification', statusNotification(1, 'Charging', { timestamp: isoNow(-1000) }));
    await charger.call('StatusNotification', statusNotification(1, 'Available', { timestamp: isoNow(-60_000) }));
    const res = dataOf(await app.gql(`query($s: String!) { station(identity: $s) { connectors { connectorId status } } }`, { s: identity })) as any;
    expect(res.station.connectors).toEqual([{ connectorId: 1, status: 'CHARGING' }]);
  });

  it('keeps error codes and vendor details of a fault', async () => {
    const { charger, identity } = await aBootedCharger();
    await charger.call('StatusNotification', statusNotification(2, 'Faulted', { errorCode: 'GroundFailure', info: 'RCD tripped', vendorId: 'VL', vendorErrorCode: 'E-17' }));
    const res = dataOf(await app.gql(`query($s: String!) { station(identity: $s) { connectors { connectorId status errorCode info vendorId vendorErrorCode } } }`, { s: identity })) as any;
    expect(res.station.connectors[0]).toEqual({ connectorId: 2, status: 'FAULTED', errorCode: 'GROUND_FAILURE', info: 'RCD tripped', vendorId: 'VL', vendorErrorCode: 'E-17' });
  });
});

describe('session energy', () => {
  type Step = { meter?: Record<string, unknown>[]; stop?: number };
  it.each<{ name: string; meterStart: number; steps: Step[]; expected: number }>([
    { name: 'register in Wh', meterStart: 1000, steps: [{ meter: [energySample(1800)] }], expected: 800 },
    { name: 'register in kWh, converted without float error', meterStart: 1000, steps: [{ meter: [energySample('2.3456', { unit: 'kWh' })] }], expected: 1346 },
    { name: 'measurand and unit omitted (1.6 defaults to the import register in Wh)', meterStart: 0, steps: [{ meter: [{ value: '750' }] }], expected: 750 },
    {
      name: 'a batch with no energy register leaves the total alone',
      meterStart: 1000,
      steps: [{ meter: [energySample(1500)] }, { meter: [{ value: '7000', measurand: 'Power.Active.Import', unit: 'W' }] }],
      expected: 500,
    },
    { name: 'phase readings do not count as the total', meterStart: 1000, steps: [{ meter: [energySample(1500), energySample(99_999, { phase: 'L1' })] }], expected: 500 },
    { name: 'a register glitch below the last reading does not reduce energy', meterStart: 1000, steps: [{ meter: [energySample(3000)] }, { meter: [energySample(5)] }], expected: 2000 },
    { name: 'the stop reading closes the session', meterStart: 1000, steps: [{ meter: [energySample(2000)] }, { stop: 2600 }], expected: 1600 },
    { name: 'a stop below the start is never negative', meterStart: 5000, steps: [{ stop: 4000 }], expected: 0 },
  ])('$name', async ({ meterStart, steps, expected }) => {
    const { charger, identity } = await aBootedCharger();
    const tag = await anIdToken(app);
    const { transactionId } = await start(charger, identity, tag.value, { meterStart });
    for (const step of steps) {
      if (step.meter) await charger.call('MeterValues', meterValues(transactionId, step.meter));
      if (step.stop !== undefined) await charger.call('StopTransaction', stopTransaction(transactionId, step.stop));
    }
    expect((await sessionByTx(transactionId)).energyWh).toBe(expected);
  });

  it.each([
    { name: 'a meterStart of 0 after an offline start counts from the known register', next: 50_300, expected: 300 },
    { name: 'a real 0 (the meter was replaced) counts from 0', next: 200, expected: 200 },
  ])('$name', async ({ next, expected }) => {
    const { charger, identity } = await aBootedCharger();
    await charger.call('StatusNotification', statusNotification(1, 'Available'));
    const first = await start(charger, identity, (await anIdToken(app)).value, { meterStart: 40_000 });
    await charger.call('StopTransaction', stopTransaction(first.transactionId, 50_000));
    const second = await start(charger, identity, (await anIdToken(app)).value, { meterStart: 0 });
    await charger.call('MeterValues', meterValues(second.transactionId, [energySample(next)]));
    expect((await sessionByTx(second.transactionId)).energyWh).toBe(expected);
  });

  it('keeps transactionData from the stop as samples of the session', async () => {
    const { charger, identity } = await aBootedCharger();
    const { transactionId } = await start(charger, identity, (await anIdToken(app)).value, { meterStart: 100 });
    await charger.call(
      'StopTransaction',
      stopTransaction(transactionId, 900, {
        reason: 'Remote',
        transactionData: [{ timestamp: isoNow(), sampledValue: [energySample(900, { context: 'Transaction.End' })] }],
      }),
    );
    const res = dataOf(await app.gql(`query($s: String!) { chargingSessions(filter: { stationIdentity: $s }) { edges { node { stopReason meterStopWh meterSamples { context value } } } } }`, { s: identity })) as any;
    expect(res.chargingSessions.edges[0].node).toEqual({ stopReason: 'REMOTE', meterStopWh: 900, meterSamples: [{ context: 'Transaction.End', value: '900' }] });
  });
});

describe('other charger messages', () => {
  it('answers a StopTransaction for an unknown transaction and records it for operators', async () => {
    const { charger, identity } = await aBootedCharger();
    const tag = await anIdToken(app);
    const res = await charger.call('StopTransaction', stopTransaction(987_654_321, 5000, { idTag: tag.value }));
    expect(res).toEqual({ idTagInfo: { status: 'Accepted' } });
    const reports = dataOf(await app.gql(`query($s: String!) { station(identity: $s) { reports(kinds: [UNKNOWN_TRANSACTION_STOP]) { kind } } }`, { s: identity })) as any;
    expect(reports.station.reports).toEqual([{ kind: 'UNKNOWN_TRANSACTION_STOP' }]);
  });

  it('keeps DataTransfer and answers UnknownVendorId', async () => {
    const { charger, identity } = await aBootedCharger();
    expect(await charger.call('DataTransfer', { vendorId: 'com.example', messageId: 'hello', data: '{"x":1}' })).toEqual({ status: 'UnknownVendorId' });
    const res = dataOf(await app.gql(`query($s: String!) { station(identity: $s) { reports { kind vendorId messageId data } } }`, { s: identity })) as any;
    expect(res.station.reports).toEqual([{ kind: 'DATA_TRANSFER', vendorId: 'com.example', messageId: 'hello', data: '{"x":1}' }]);
  });

  it('shows diagnostics and firmware status on the station', async () => {
    const { charger, identity } = await aBootedCharger();
    expect(await charger.call('DiagnosticsStatusNotification', { status: 'Uploading' })).toEqual({});
    expect(await charger.call('FirmwareStatusNotification', { status: 'Installing' })).toEqual({});
    const res = dataOf(await app.gql(`query($s: String!) { station(identity: $s) { diagnosticsStatus diagnosticsStatusAt firmwareStatus firmwareStatusAt } }`, { s: identity })) as any;
    expect(res.station).toMatchObject({ diagnosticsStatus: 'Uploading', firmwareStatus: 'Installing' });
    expect(res.station.firmwareStatusAt).not.toBeNull();
  });

  it.each([
    { name: 'a missing required field', payload: { connectorId: 1, meterStart: 0, timestamp: isoNow() }, code: 'OccurenceConstraintViolation' },
    { name: 'a field of the wrong type', payload: { connectorId: '1', idTag: 'X', meterStart: 0, timestamp: isoNow() }, code: 'TypeConstraintViolation' },
    { name: 'an idTag longer than 20', payload: { connectorId: 1, idTag: 'X'.repeat(21), meterStart: 0, timestamp: isoNow() }, code: 'PropertyConstraintViolation' },
  ])('refuses $name with $code and stores nothing', async ({ payload, code }) => {
    const { charger, identity } = await aBootedCharger();
    await expect(charger.call('StartTransaction', payload)).rejects.toMatchObject({ code });
    const res = dataOf(await app.gql(`query($s: String!) { chargingSessions(filter: { stationIdentity: $s }) { edges { node { id } } } }`, { s: identity })) as any;
    expect(res.chargingSessions.edges).toEqual([]);
  });

  it('answers NotImplemented for an action it does not know and stays usable after garbage', async () => {
    const { charger } = await aBootedCharger();
    await expect(charger.call('MakeCoffee', {})).rejects.toMatchObject({ code: 'NotImplemented' });
    charger.sendRaw('this is not json');
    charger.sendRaw('{"not":"an array"}');
    expect(await charger.call('Heartbeat', {})).toHaveProperty('currentTime');
  });
});

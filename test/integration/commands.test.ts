import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anAnsweringCharger, callError, noAnswer, type Answer, type AnsweringCharger } from '../helpers/answering-charger.js';
import { bootNotification, startTransaction, stopTransaction } from '../helpers/ocpp16-messages.js';
import { aStation, anIdToken, dataOf, startTestApp, TEST_ADMIN, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
const chargers: AnsweringCharger[] = [];

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await Promise.all(chargers.map((c) => c.charger.close().catch(() => {})));
  await app?.stop();
});

async function aCharger(answers: Record<string, Answer> = {}, on: TestApp = app): Promise<AnsweringCharger> {
  const { identity } = await aStation(on);
  const charger = await anAnsweringCharger(on.ocppUrl, identity, answers);
  chargers.push(charger);
  return charger;
}

const COMMAND_FIELDS = 'command action payload status answer response errorCode errorDescription requestedBy durationMs requestedAt completedAt';
const COMMAND = `command { ${COMMAND_FIELDS} }`;

async function history(identity: string, on: TestApp = app) {
  const res = dataOf(
    await on.gql(`query($s: String!) { station(identity: $s) { commands(first: 20) { edges { node { id ${COMMAND_FIELDS} } } } } }`, { s: identity }),
  ) as any;
  return res.station.commands.edges.map((e: any) => e.node);
}

describe('each command sends the 1.6 message, returns the answer and records it', () => {
  it.each<{
    name: string;
    mutation: string;
    vars: Record<string, unknown>;
    action: string;
    sent: unknown;
    reply: unknown;
    answer: string;
    status: 'ACCEPTED' | 'REJECTED';
    extra?: string;
    extraExpected?: Record<string, unknown>;
  }>([
    {
      name: 'resetStation SOFT',
      mutation: 'resetStation(stationIdentity: $s, type: SOFT)',
      vars: {},
      action: 'Reset',
      sent: { type: 'Soft' },
      reply: { status: 'Accepted' },
      answer: 'ACCEPTED',
      status: 'ACCEPTED',
    },
    {
      name: 'resetStation HARD, rejected',
      mutation: 'resetStation(stationIdentity: $s, type: HARD)',
      vars: {},
      action: 'Reset',
      sent: { type: 'Hard' },
      reply: { status: 'Rejected' },
      answer: 'REJECTED',
      status: 'REJECTED',
    },
    {
      name: 'unlockConnector',
      mutation: 'unlockConnector(stationIdentity: $s, connectorId: 2)',
      vars: {},
      action: 'UnlockConnector',
      sent: { connectorId: 2 },
      reply: { status: 'Unlocked' },
      answer: 'UNLOCKED',
      status: 'ACCEPTED',
    },
    {
      name: 'unlockConnector that fails',
      mutation: 'unlockConnector(stationIdentity: $s, connectorId: 1)',
      vars: {},
      action: 'UnlockConnector',
      sent: { connectorId: 1 },
      reply: { status: 'UnlockFailed' },
      answer: 'UNLOCK_FAILED',
      status: 'REJECTED',
    },
    {
      name: 'changeAvailability of a busy connector (Scheduled)',
      mutation: 'changeAvailability(stationIdentity: $s, connectorId: 1, available: false)',
      vars: {},
      action: 'ChangeAvailability',
      sent: { connectorId: 1, type: 'Inoperative' },
      reply: { status: 'Scheduled' },
      answer: 'SCHEDULED',
      status: 'ACCEPTED',
    },
    {
      name: 'changeAvailability of the whole station',
      mutation: 'changeAvailability(stationIdentity: $s, available: true)',
      vars: {},
      action: 'ChangeAvailability',
      sent: { connectorId: 0, type: 'Operative' },
      reply: { status: 'Accepted' },
      answer: 'ACCEPTED',
      status: 'ACCEPTED',
    },
    {
      name: 'clearStationCache',
      mutation: 'clearStationCache(stationIdentity: $s)',
      vars: {},
      action: 'ClearCache',
      sent: {},
      reply: { status: 'Accepted' },
      answer: 'ACCEPTED',
      status: 'ACCEPTED',
    },
    {
      name: 'triggerMessage the station does not implement',
      mutation: 'triggerMessage(stationIdentity: $s, message: STATUS_NOTIFICATION, connectorId: 1)',
      vars: {},
      action: 'TriggerMessage',
      sent: { requestedMessage: 'StatusNotification', connectorId: 1 },
      reply: { status: 'NotImplemented' },
      answer: 'NOT_IMPLEMENTED',
      status: 'REJECTED',
    },
    {
      name: 'sendDataTransfer with data back',
      mutation: 'sendDataTransfer(stationIdentity: $s, vendorId: "com.example", messageId: "ping", data: "{\\"n\\":1}")',
      vars: {},
      action: 'DataTransfer',
      sent: { vendorId: 'com.example', messageId: 'ping', data: '{"n":1}' },
      reply: { status: 'Accepted', data: 'pong' },
      answer: 'ACCEPTED',
      status: 'ACCEPTED',
      extra: '... on DataTransferPayload { data }',
      extraExpected: { data: 'pong' },
    },
  ])('$name', async ({ mutation, action, sent, reply, answer, status, extra, extraExpected }) => {
    const c = await aCharger({ [action]: reply });
    const res = dataOf(
      await app.gql(`mutation($s: String!) { result: ${mutation} { answer accepted ${COMMAND} ${extra ?? ''} } }`, { s: c.identity }),
    ) as any;

    expect(c.received).toEqual([{ action, payload: sent }]);
    expect(res.result).toMatchObject({ answer, accepted: status === 'ACCEPTED', ...extraExpected });
    expect(res.result.command).toMatchObject({ action, payload: sent, status, answer, response: reply, requestedBy: TEST_ADMIN.email, errorCode: null });
    expect(res.result.command.durationMs).toBeGreaterThanOrEqual(0);
    const [recorded] = await history(c.identity);
    expect(recorded).toMatchObject({ action, payload: sent, status, answer, response: reply });
  });

  it('startCharging sends RemoteStartTransaction with the token as stored', async () => {
    const c = await aCharger({ RemoteStartTransaction: { status: 'Accepted' } });
    const tag = await anIdToken(app);
    const res = dataOf(
      await app.gql(`mutation($s: String!, $t: String) { startCharging(stationIdentity: $s, connectorId: 1, idTag: $t) { answer ${COMMAND} } }`, {
        s: c.identity,
        t: tag.value.toLowerCase(),
      }),
    ) as any;
    expect(c.received).toEqual([{ action: 'RemoteStartTransaction', payload: { connectorId: 1, idTag: tag.value } }]);
    expect(res.startCharging).toMatchObject({ answer: 'ACCEPTED', command: { command: 'START_CHARGING', status: 'ACCEPTED' } });
  });

  it('startCharging without a connector lets the station pick', async () => {
    const c = await aCharger({ RemoteStartTransaction: { status: 'Rejected' } });
    const tag = await anIdToken(app);
    const res = dataOf(await app.gql(`mutation($s: String!, $t: String) { startCharging(stationIdentity: $s, idTag: $t) { answer accepted } }`, { s: c.identity, t: tag.value })) as any;
    expect(c.received).toEqual([{ action: 'RemoteStartTransaction', payload: { idTag: tag.value } }]);
    expect(res.startCharging).toEqual({ answer: 'REJECTED', accepted: false });
  });

  it('stopCharging sends RemoteStopTransaction for the session', async () => {
    const c = await aCharger({ RemoteStopTransaction: { status: 'Accepted' } });
    const tag = await anIdToken(app);
    const { transactionId } = await c.charger.call('StartTransaction', startTransaction(tag.value));
    const sessions = dataOf(await app.gql(`query($s: String!) { station(identity: $s) { sessions(first: 1) { edges { node { id } } } } }`, { s: c.identity })) as any;
    const sessionId = sessions.station.sessions.edges[0].node.id;
    const res = dataOf(await app.gql(`mutation($id: ID!) { stopCharging(sessionId: $id) { answer command { command } } }`, { id: sessionId })) as any;
    expect(c.received).toEqual([{ action: 'RemoteStopTransaction', payload: { transactionId } }]);
    expect(res.stopCharging).toEqual({ answer: 'ACCEPTED', command: { command: 'STOP_CHARGING' } });

    await c.charger.call('StopTransaction', stopTransaction(transactionId, 2000, { reason: 'Remote' }));
    const again = await app.gql(`mutation($id: ID!) { stopCharging(sessionId: $id) { answer } }`, { id: sessionId });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'SESSION_NOT_ACTIVE' });
    expect(c.received).toHaveLength(1);
  });

  it('lists a station’s commands newest first, page by page', async () => {
    const c = await aCharger({ Reset: { status: 'Accepted' }, ClearCache: { status: 'Accepted' } });
    for (const m of ['resetStation(stationIdentity: $s, type: SOFT)', 'clearStationCache(stationIdentity: $s)', 'resetStation(stationIdentity: $s, type: HARD)']) {
      dataOf(await app.gql(`mutation($s: String!) { ${m} { answer } }`, { s: c.identity }));
    }
    const page = async (after: string | null) =>
      ((dataOf(await app.gql(`query($s: String!, $a: String) { station(identity: $s) { commands(first: 2, after: $a) { edges { node { command payload } } pageInfo { hasNextPage endCursor } } } }`, { s: c.identity, a: after })) as any).station.commands);
    const first = await page(null);
    const second = await page(first.pageInfo.endCursor);
    expect([...first.edges, ...second.edges].map((e: any) => [e.node.command, e.node.payload])).toEqual([
      ['RESET', { type: 'Hard' }],
      ['CLEAR_CACHE', {}],
      ['RESET', { type: 'Soft' }],
    ]);
    expect([first.pageInfo.hasNextPage, second.pageInfo.hasNextPage]).toEqual([true, false]);
  });
});

describe('when the station cannot answer, the caller gets a clear error and the history says why', () => {
  let quick: TestApp;
  beforeAll(async () => {
    quick = await startTestApp({ OCPP_CALL_TIMEOUT: '1' });
  });
  afterAll(() => quick?.stop());

  it.each([
    { name: 'a CALLERROR', reply: callError('NotSupported', 'not on this model'), code: 'STATION_ERROR', status: 'CHARGER_ERROR', errorCode: 'NotSupported' },
    { name: 'an answer that breaks the schema', reply: { status: 'Maybe' }, code: 'STATION_ERROR', status: 'CHARGER_ERROR', errorCode: 'PropertyConstraintViolation' },
    { name: 'no answer within the timeout', reply: noAnswer, code: 'STATION_TIMEOUT', status: 'TIMEOUT', errorCode: null },
  ])('$name', async ({ reply, code, status, errorCode }) => {
    const c = await aCharger({ Reset: reply }, quick);
    const res = await quick.gql(`mutation($s: String!) { resetStation(stationIdentity: $s, type: HARD) { answer } }`, { s: c.identity });
    expect(res.data).toBeNull();
    const error = res.errors![0]!;
    expect(error.extensions).toMatchObject({ code, commandId: expect.any(String) });
    if (errorCode) expect(error.extensions?.chargerErrorCode).toBe(errorCode);
    expect(c.received).toEqual([{ action: 'Reset', payload: { type: 'Hard' } }]);

    const [recorded] = await history(c.identity, quick);
    expect(recorded).toMatchObject({ id: error.extensions!.commandId, action: 'Reset', payload: { type: 'Hard' }, status, errorCode, response: null, answer: null });
    expect(recorded.errorDescription).toBeTruthy();
    if (status === 'TIMEOUT') expect(recorded.durationMs).toBeGreaterThanOrEqual(950);
  });

  it('a station that went offline: STATION_OFFLINE, recorded with what would have been sent', async () => {
    const c = await aCharger({}, quick);
    await c.charger.close();
    await waitFor(async () => (dataOf(await quick.gql(`query($s: String!) { station(identity: $s) { online } }`, { s: c.identity })) as any).station.online === false);
    const res = await quick.gql(`mutation($s: String!) { clearStationCache(stationIdentity: $s) { answer } }`, { s: c.identity });
    expect(res.errors?.[0]?.extensions?.code).toBe('STATION_OFFLINE');
    const [recorded] = await history(c.identity, quick);
    expect(recorded).toMatchObject({ action: 'ClearCache', payload: {}, status: 'OFFLINE' });
  });

  it('a station that never connected: STATION_OFFLINE, recorded with nothing sent', async () => {
    const { identity } = await aStation(quick);
    const res = await quick.gql(`mutation($s: String!) { resetStation(stationIdentity: $s, type: SOFT) { answer } }`, { s: identity });
    expect(res.errors?.[0]?.extensions?.code).toBe('STATION_OFFLINE');
    expect(await history(identity, quick)).toMatchObject([{ command: 'RESET', action: null, payload: null, status: 'OFFLINE' }]);
  });
});

describe('bad input gets a clear error and nothing is sent or recorded', () => {
  it.each([
    { name: 'unlocking connector 0', mutation: 'unlockConnector(stationIdentity: $s, connectorId: 0) { answer }', code: 'BAD_USER_INPUT' },
    { name: 'a negative connector', mutation: 'changeAvailability(stationIdentity: $s, connectorId: -1, available: true) { answer }', code: 'BAD_USER_INPUT' },
    { name: 'a token nobody issued', mutation: 'startCharging(stationIdentity: $s, idTag: "NOBODY-KNOWS") { answer }', code: 'BAD_USER_INPUT' },
    { name: 'no token at all and no caller token', mutation: 'startCharging(stationIdentity: $s) { answer }', code: 'BAD_USER_INPUT' },
    { name: 'a configuration key over 50 characters', mutation: `changeStationConfiguration(stationIdentity: $s, key: "${'K'.repeat(51)}", value: "1") { answer }`, code: 'BAD_USER_INPUT' },
    { name: 'a reservation that already ended', mutation: 'reserveConnector(stationIdentity: $s, connectorId: 1, idTag: "X", expiresAt: "2020-01-01T00:00:00Z") { answer }', code: 'BAD_USER_INPUT' },
    { name: 'a limit of zero', mutation: 'setChargingLimit(stationIdentity: $s, limit: 0, unit: W) { answer }', code: 'BAD_USER_INPUT' },
    { name: 'a limit finer than 0.1', mutation: 'setChargingLimit(stationIdentity: $s, limit: 16.25, unit: A) { answer }', code: 'BAD_USER_INPUT' },
    { name: 'a differential list before any full one', mutation: 'sendLocalList(stationIdentity: $s, mode: DIFFERENTIAL) { answer }', code: 'CONFLICT' },
    { name: 'a composite schedule of 0 seconds', mutation: 'getCompositeSchedule(stationIdentity: $s, durationSeconds: 0) { answer }', code: 'BAD_USER_INPUT' },
  ])('$name: $code', async ({ mutation, code }) => {
    const c = await aCharger();
    const res = await app.gql(`mutation($s: String!) { ${mutation} }`, { s: c.identity });
    expect(res.errors?.[0]?.extensions?.code).toBe(code);
    expect(c.received).toEqual([]);
    expect(await history(c.identity)).toEqual([]);
  });

  it('a blocked token cannot be started remotely, and says why', async () => {
    const c = await aCharger();
    const tag = await anIdToken(app);
    dataOf(await app.gql(`mutation($id: ID!) { blockIdToken(id: $id) { status } }`, { id: tag.id }));
    const res = await app.gql(`mutation($s: String!, $t: String) { startCharging(stationIdentity: $s, idTag: $t) { answer } }`, { s: c.identity, t: tag.value });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'ID_TAG_NOT_ACCEPTED', authorizationStatus: 'BLOCKED', field: 'idTag' });
    expect(c.received).toEqual([]);
  });

  it('an unknown station is NOT_FOUND', async () => {
    const res = await app.gql(`mutation { resetStation(stationIdentity: "NO-SUCH-STATION", type: SOFT) { answer } }`);
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('configuration keys', () => {
  const allKeys = {
    configurationKey: [
      { key: 'HeartbeatInterval', readonly: false, value: '300' },
      { key: 'NumberOfConnectors', readonly: true, value: '2' },
      { key: 'AuthorizationKey', readonly: false },
    ],
  };
  const CONFIG = `configuration { key value readonly rebootRequired }`;
  const stored = async (identity: string) =>
    ((dataOf(await app.gql(`query($s: String!) { station(identity: $s) { ${CONFIG} } }`, { s: identity })) as any).station.configuration);

  it('fetches every key, stores it with its read-only flag and shows it', async () => {
    const c = await aCharger({ GetConfiguration: allKeys });
    const res = dataOf(await app.gql(`mutation($s: String!) { getStationConfiguration(stationIdentity: $s) { answer keys { key value readonly } unknownKeys command { action payload } } }`, { s: c.identity })) as any;
    expect(c.received).toEqual([{ action: 'GetConfiguration', payload: {} }]);
    const expected = [
      { key: 'AuthorizationKey', value: null, readonly: false },
      { key: 'HeartbeatInterval', value: '300', readonly: false },
      { key: 'NumberOfConnectors', value: '2', readonly: true },
    ];
    expect(res.getStationConfiguration).toEqual({ answer: 'ACCEPTED', keys: expected, unknownKeys: [], command: { action: 'GetConfiguration', payload: {} } });
    expect(await stored(c.identity)).toEqual(expected.map((k) => ({ ...k, rebootRequired: false })));
  });

  it('fetches named keys and reports the unknown ones; a full fetch drops keys the station no longer has', async () => {
    const c = await aCharger({ GetConfiguration: allKeys });
    dataOf(await app.gql(`mutation($s: String!) { getStationConfiguration(stationIdentity: $s) { answer } }`, { s: c.identity }));
    c.answers.set('GetConfiguration', { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '120' }], unknownKey: ['Nope'] });
    const res = dataOf(await app.gql(`mutation($s: String!) { getStationConfiguration(stationIdentity: $s, keys: ["HeartbeatInterval", "Nope"]) { keys { key value } unknownKeys } }`, { s: c.identity })) as any;
    expect(c.received[1]).toEqual({ action: 'GetConfiguration', payload: { key: ['HeartbeatInterval', 'Nope'] } });
    expect(res.getStationConfiguration).toEqual({ keys: [{ key: 'HeartbeatInterval', value: '120' }], unknownKeys: ['Nope'] });
    expect((await stored(c.identity)).map((k: any) => k.key)).toEqual(['AuthorizationKey', 'HeartbeatInterval', 'NumberOfConnectors']);

    c.answers.set('GetConfiguration', { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '120' }] });
    dataOf(await app.gql(`mutation($s: String!) { getStationConfiguration(stationIdentity: $s) { answer } }`, { s: c.identity }));
    expect((await stored(c.identity)).map((k: any) => k.key)).toEqual(['HeartbeatInterval']);
  });

  it.each([
    { reply: 'Accepted', answer: 'ACCEPTED', value: '60', rebootRequired: false },
    { reply: 'RebootRequired', answer: 'REBOOT_REQUIRED', value: '60', rebootRequired: true },
    { reply: 'Rejected', answer: 'REJECTED', value: '300', rebootRequired: false },
    { reply: 'NotSupported', answer: 'NOT_SUPPORTED', value: '300', rebootRequired: false },
  ])('a change answered $reply is $answer and stores $value', async ({ reply, answer, value, rebootRequired }) => {
    const c = await aCharger({ GetConfiguration: allKeys, ChangeConfiguration: { status: reply } });
    dataOf(await app.gql(`mutation($s: String!) { getStationConfiguration(stationIdentity: $s) { answer } }`, { s: c.identity }));
    const res = dataOf(await app.gql(`mutation($s: String!) { changeStationConfiguration(stationIdentity: $s, key: "HeartbeatInterval", value: "60") { answer rebootRequired key { value } } }`, { s: c.identity })) as any;
    expect(c.received[1]).toEqual({ action: 'ChangeConfiguration', payload: { key: 'HeartbeatInterval', value: '60' } });
    expect(res.changeStationConfiguration).toMatchObject({ answer, rebootRequired });
    expect((await stored(c.identity)).find((k: any) => k.key === 'HeartbeatInterval')).toEqual({ key: 'HeartbeatInterval', value, readonly: false, rebootRequired });
  });

  it('a value waiting for a reboot is in effect once the station boots again', async () => {
    const c = await aCharger({ GetConfiguration: allKeys, ChangeConfiguration: { status: 'RebootRequired' } });
    dataOf(await app.gql(`mutation($s: String!) { getStationConfiguration(stationIdentity: $s) { answer } }`, { s: c.identity }));
    dataOf(await app.gql(`mutation($s: String!) { changeStationConfiguration(stationIdentity: $s, key: "HeartbeatInterval", value: "60") { answer } }`, { s: c.identity }));
    await new Promise((r) => setTimeout(r, 5));
    await c.charger.call('BootNotification', bootNotification());
    expect((await stored(c.identity)).find((k: any) => k.key === 'HeartbeatInterval')).toMatchObject({ value: '60', rebootRequired: false });
  });

  it('a read-only key is refused without asking the station', async () => {
    const c = await aCharger({ GetConfiguration: allKeys, ChangeConfiguration: { status: 'Accepted' } });
    dataOf(await app.gql(`mutation($s: String!) { getStationConfiguration(stationIdentity: $s) { answer } }`, { s: c.identity }));
    const res = await app.gql(`mutation($s: String!) { changeStationConfiguration(stationIdentity: $s, key: "NumberOfConnectors", value: "4") { answer } }`, { s: c.identity });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CONFIGURATION_KEY_READ_ONLY', field: 'key' });
    expect(c.received.map((r) => r.action)).toEqual(['GetConfiguration']);
  });
});

describe('local authorization list', () => {
  const sendList = (identity: string, mode: string) =>
    app.gql(`mutation($s: String!) { sendLocalList(stationIdentity: $s, mode: ${mode}) { answer sent list { version inSync size } } }`, { s: identity });
  const entryOf = (payload: any, idTag: string) => payload.localAuthorizationList.find((e: any) => e.idTag === idTag);

  it('sends every active token in full, then only the changes, tracking the version', async () => {
    const c = await aCharger({ SendLocalList: { status: 'Accepted' } });
    const expiry = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const kept = await anIdToken(app, { parentIdTag: 'FLEET-1' });
    const leaving = await anIdToken(app);
    const expiring = await anIdToken(app, { expiresAt: expiry });
    const blocked = await anIdToken(app);
    dataOf(await app.gql(`mutation($id: ID!) { blockIdToken(id: $id) { status } }`, { id: blocked.id }));

    const full = dataOf(await sendList(c.identity, 'FULL')) as any;
    const fullPayload = c.received[0]!.payload;
    expect(c.received[0]!.action).toBe('SendLocalList');
    expect(fullPayload).toMatchObject({ listVersion: 1, updateType: 'Full' });
    expect(entryOf(fullPayload, kept.value)).toEqual({ idTag: kept.value, idTagInfo: { status: 'Accepted', parentIdTag: 'FLEET-1' } });
    expect(entryOf(fullPayload, expiring.value)).toEqual({ idTag: expiring.value, idTagInfo: { status: 'Accepted', expiryDate: expiry } });
    expect(entryOf(fullPayload, blocked.value)).toBeUndefined();
    expect(full.sendLocalList).toMatchObject({ answer: 'ACCEPTED', sent: fullPayload.localAuthorizationList.length, list: { version: 1, inSync: true } });

    dataOf(await app.gql(`mutation($id: ID!) { blockIdToken(id: $id) { status } }`, { id: leaving.id }));
    const joining = await anIdToken(app);
    const diff = dataOf(await sendList(c.identity, 'DIFFERENTIAL')) as any;
    const diffPayload = c.received[1]!.payload;
    expect(diffPayload).toMatchObject({ listVersion: 2, updateType: 'Differential' });
    expect(entryOf(diffPayload, leaving.value)).toEqual({ idTag: leaving.value });
    expect(entryOf(diffPayload, joining.value)).toEqual({ idTag: joining.value, idTagInfo: { status: 'Accepted' } });
    expect(entryOf(diffPayload, kept.value)).toBeUndefined();
    expect(diff.sendLocalList.list).toMatchObject({ version: 2, inSync: true });
    const station = dataOf(await app.gql(`query($s: String!) { station(identity: $s) { localListVersion } }`, { s: c.identity })) as any;
    expect(station.station.localListVersion).toBe(2);
  });

  it('after a version mismatch only a full update is possible', async () => {
    const c = await aCharger({ SendLocalList: { status: 'Accepted' } });
    dataOf(await sendList(c.identity, 'FULL'));
    c.answers.set('SendLocalList', { status: 'VersionMismatch' });
    const res = dataOf(await sendList(c.identity, 'DIFFERENTIAL')) as any;
    expect(res.sendLocalList).toMatchObject({ answer: 'VERSION_MISMATCH', list: { version: 1, inSync: false } });
    expect((await sendList(c.identity, 'DIFFERENTIAL')).errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'LOCAL_LIST_NOT_SYNCED' });
  });

  it.each([
    { listVersion: 7, version: 7, answer: 'ACCEPTED', inSync: false },
    { listVersion: 0, version: 0, answer: 'ACCEPTED', inSync: true },
    { listVersion: -1, version: null, answer: 'NOT_SUPPORTED', inSync: false },
  ])('getLocalListVersion answered $listVersion: version $version, in sync $inSync', async ({ listVersion, version, answer, inSync }) => {
    const c = await aCharger({ GetLocalListVersion: { listVersion } });
    const res = dataOf(await app.gql(`mutation($s: String!) { getLocalListVersion(stationIdentity: $s) { answer version list { version inSync } } }`, { s: c.identity })) as any;
    expect(c.received).toEqual([{ action: 'GetLocalListVersion', payload: {} }]);
    expect(res.getLocalListVersion).toEqual({ answer, version, list: { version, inSync } });
  });
});

describe('reservations', () => {
  const future = (ms = 3600_000) => new Date(Date.now() + ms).toISOString();
  const RESERVATION = `reservation { id connectorId idTag parentIdTag expiresAt status transactionId }`;
  const reserve = (identity: string, idTag: string, connectorId = 1, expiresAt = future()) =>
    app.gql(`mutation($s: String!, $t: String!, $c: Int!, $e: DateTime!) { reserveConnector(stationIdentity: $s, connectorId: $c, idTag: $t, expiresAt: $e) { answer ${RESERVATION} } }`, {
      s: identity,
      t: idTag,
      c: connectorId,
      e: expiresAt,
    });
  const reservations = async (identity: string, active = false) =>
    ((dataOf(await app.gql(`query($s: String!, $a: Boolean) { station(identity: $s) { reservations(active: $a) { id status transactionId } } }`, { s: identity, a: active })) as any).station.reservations);

  async function aStationWithConnectors(connectors: number[]) {
    const c = await aCharger({ ReserveNow: { status: 'Accepted' }, CancelReservation: { status: 'Accepted' } });
    for (const id of connectors) await c.charger.call('StatusNotification', { connectorId: id, status: 'Available', errorCode: 'NoError' });
    return c;
  }

  it('reserves a connector: ReserveNow with the reservation id, ACTIVE once accepted', async () => {
    const c = await aStationWithConnectors([1]);
    const tag = await anIdToken(app, { parentIdTag: 'FLEET-R' });
    const expiresAt = future();
    const res = dataOf(await reserve(c.identity, tag.value, 1, expiresAt)) as any;
    const { reservation } = res.reserveConnector;
    expect(c.received).toEqual([
      { action: 'ReserveNow', payload: { connectorId: 1, expiryDate: expiresAt, idTag: tag.value, parentIdTag: 'FLEET-R', reservationId: reservation.id } },
    ]);
    expect(res.reserveConnector).toEqual({
      answer: 'ACCEPTED',
      reservation: { id: reservation.id, connectorId: 1, idTag: tag.value, parentIdTag: 'FLEET-R', expiresAt, status: 'ACTIVE', transactionId: null },
    });
    expect(await reservations(c.identity, true)).toEqual([{ id: reservation.id, status: 'ACTIVE', transactionId: null }]);
  });

  it.each([
    { reply: { status: 'Occupied' }, answer: 'OCCUPIED', status: 'REJECTED', error: null },
    { reply: { status: 'Faulted' }, answer: 'FAULTED', status: 'REJECTED', error: null },
    { reply: callError('InternalError', 'boom'), answer: null, status: 'FAILED', error: 'STATION_ERROR' },
  ])('a reservation answered $answer / $error is $status and never held', async ({ reply, answer, status, error }) => {
    const c = await aCharger({ ReserveNow: reply });
    const tag = await anIdToken(app);
    const res = await reserve(c.identity, tag.value);
    if (error) expect(res.errors?.[0]?.extensions?.code).toBe(error);
    else expect((res.data as any).reserveConnector).toMatchObject({ answer, reservation: { status } });
    const all = await reservations(c.identity);
    expect(all).toMatchObject([{ status }]);
    expect(await reservations(c.identity, true)).toEqual([]);
    // Not held: another token may start on that connector.
    const other = await anIdToken(app);
    expect((await c.charger.call('StartTransaction', startTransaction(other.value, { connectorId: 1 }))).idTagInfo.status).toBe('Accepted');
  });

  it('refuses a second reservation of the same connector without asking the station', async () => {
    const c = await aStationWithConnectors([1]);
    dataOf(await reserve(c.identity, (await anIdToken(app)).value));
    const res = await reserve(c.identity, (await anIdToken(app)).value);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'RESERVATION_CONFLICT' });
    expect(c.received).toHaveLength(1);
  });

  // OCPP 1.6 gives the reserved connector to the reservation's idTag (or its parentIdTag group).
  // Authorize names no connector, so it is refused only where every connector is reserved for
  // others; a StartTransaction on the reserved connector by anyone else gets idTagInfo Invalid
  // (the 1.6 status for "not allowed to charge"; Blocked or Expired would misstate the token),
  // with expiryDate at the reservation's end so a charger caching the answer forgets it then.
  it('a reserved connector admits only its token; the start by that token uses the reservation', async () => {
    const c = await aStationWithConnectors([1, 2]);
    const holder = await anIdToken(app);
    const other = await anIdToken(app);
    const expiresAt = future();
    const { reservation } = (dataOf(await reserve(c.identity, holder.value, 1, expiresAt)) as any).reserveConnector;

    expect((await c.charger.call('Authorize', { idTag: other.value })).idTagInfo).toEqual({ status: 'Accepted' });
    const refused = await c.charger.call('StartTransaction', startTransaction(other.value, { connectorId: 1 }));
    expect(refused.idTagInfo).toEqual({ status: 'Invalid', expiryDate: expiresAt });
    // The charger ends the refused transaction (StopTransactionOnInvalidId); the token may charge elsewhere.
    await c.charger.call('StopTransaction', stopTransaction(refused.transactionId, 1000, { reason: 'DeAuthorized' }));
    expect((await c.charger.call('StartTransaction', startTransaction(other.value, { connectorId: 2 }))).idTagInfo.status).toBe('Accepted');

    const used = await c.charger.call('StartTransaction', startTransaction(holder.value, { connectorId: 1, reservationId: reservation.id }));
    expect(used.idTagInfo.status).toBe('Accepted');
    expect(await reservations(c.identity)).toEqual([{ id: reservation.id, status: 'USED', transactionId: used.transactionId }]);
    const sessions = dataOf(await app.gql(`query($s: String!) { station(identity: $s) { sessions(first: 5) { edges { node { transactionId authorizationStatus reservationId } } } } }`, { s: c.identity })) as any;
    expect(sessions.station.sessions.edges.map((e: any) => e.node)).toEqual(
      expect.arrayContaining([
        { transactionId: refused.transactionId, authorizationStatus: 'RESERVED', reservationId: null },
        { transactionId: used.transactionId, authorizationStatus: 'ACCEPTED', reservationId: reservation.id },
      ]),
    );
  });

  it('where every connector is reserved for others, Authorize refuses other tokens until the reservation ends', async () => {
    const c = await aStationWithConnectors([1]);
    const holder = await anIdToken(app);
    const expiresAt = future();
    dataOf(await reserve(c.identity, holder.value, 1, expiresAt));
    const other = await anIdToken(app);
    expect((await c.charger.call('Authorize', { idTag: other.value })).idTagInfo).toEqual({ status: 'Invalid', expiryDate: expiresAt });
    expect((await c.charger.call('Authorize', { idTag: holder.value.toLowerCase() })).idTagInfo).toEqual({ status: 'Accepted' });
  });

  it('a token of the same group may use the reservation, even without naming it', async () => {
    const c = await aStationWithConnectors([1]);
    const holder = await anIdToken(app, { parentIdTag: 'FLEET-G' });
    const colleague = await anIdToken(app, { parentIdTag: 'FLEET-G' });
    const { reservation } = (dataOf(await reserve(c.identity, holder.value)) as any).reserveConnector;
    const started = await c.charger.call('StartTransaction', startTransaction(colleague.value, { connectorId: 1 }));
    expect(started.idTagInfo.status).toBe('Accepted');
    expect(await reservations(c.identity)).toEqual([{ id: reservation.id, status: 'USED', transactionId: started.transactionId }]);
  });

  it('an expired reservation is shown EXPIRED and no longer holds the connector', async () => {
    const c = await aStationWithConnectors([1]);
    const holder = await anIdToken(app);
    const expiresAt = new Date(Date.now() + 2000).toISOString();
    dataOf(await reserve(c.identity, holder.value, 1, expiresAt));
    await new Promise((r) => setTimeout(r, 2200));
    expect(await reservations(c.identity)).toMatchObject([{ status: 'EXPIRED' }]);
    const other = await anIdToken(app);
    expect((await c.charger.call('StartTransaction', startTransaction(other.value, { connectorId: 1 }))).idTagInfo.status).toBe('Accepted');
  });

  it('cancelling sends CancelReservation and frees the connector; a second cancel is a conflict', async () => {
    const c = await aStationWithConnectors([1]);
    const { reservation } = (dataOf(await reserve(c.identity, (await anIdToken(app)).value)) as any).reserveConnector;
    const res = dataOf(await app.gql(`mutation($id: Int!) { cancelReservation(reservationId: $id) { answer reservation { status } } }`, { id: reservation.id })) as any;
    expect(c.received[1]).toEqual({ action: 'CancelReservation', payload: { reservationId: reservation.id } });
    expect(res.cancelReservation).toEqual({ answer: 'ACCEPTED', reservation: { status: 'CANCELLED' } });
    const other = await anIdToken(app);
    expect((await c.charger.call('StartTransaction', startTransaction(other.value, { connectorId: 1 }))).idTagInfo.status).toBe('Accepted');
    const again = await app.gql(`mutation($id: Int!) { cancelReservation(reservationId: $id) { answer } }`, { id: reservation.id });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'RESERVATION_NOT_ACTIVE' });
  });

  it('a reservation that timed out is FAILED, not held', async () => {
    const quick = await startTestApp({ OCPP_CALL_TIMEOUT: '1' });
    try {
      const c = await aCharger({ ReserveNow: noAnswer }, quick);
      const tag = await anIdToken(quick);
      const res = await quick.gql(`mutation($s: String!, $t: String!, $e: DateTime!) { reserveConnector(stationIdentity: $s, connectorId: 1, idTag: $t, expiresAt: $e) { answer } }`, { s: c.identity, t: tag.value, e: future() });
      expect(res.errors?.[0]?.extensions?.code).toBe('STATION_TIMEOUT');
      const listed = dataOf(await quick.gql(`query($s: String!) { station(identity: $s) { reservations { status } } }`, { s: c.identity })) as any;
      expect(listed.station.reservations).toEqual([{ status: 'FAILED' }]);
    } finally {
      await quick.stop();
    }
  });
});

describe('charging limits', () => {
  const limits = async (identity: string) =>
    ((dataOf(await app.gql(`query($s: String!) { station(identity: $s) { chargingLimits { profileId connectorId limit unit status scope } } }`, { s: identity })) as any).station.chargingLimits);

  it.each([
    { name: 'caps the station in W', connectorId: 0, limit: 11000, unit: 'W', purpose: 'ChargePointMaxProfile', scope: 'STATION' },
    { name: 'caps a connector in A', connectorId: 1, limit: 16.5, unit: 'A', purpose: 'TxDefaultProfile', scope: 'CONNECTOR' },
  ])('$name', async ({ connectorId, limit, unit, purpose, scope }) => {
    const c = await aCharger({ SetChargingProfile: { status: 'Accepted' } });
    const res = dataOf(await app.gql(`mutation($s: String!, $c: Int, $l: Float!, $u: ChargingRateUnit!) { setChargingLimit(stationIdentity: $s, connectorId: $c, limit: $l, unit: $u) { answer limit { profileId limit unit status scope } } }`, { s: c.identity, c: connectorId, l: limit, u: unit })) as any;
    const { profileId } = res.setChargingLimit.limit;
    expect(c.received).toEqual([
      {
        action: 'SetChargingProfile',
        payload: {
          connectorId,
          csChargingProfiles: {
            chargingProfileId: profileId,
            stackLevel: 1,
            chargingProfilePurpose: purpose,
            chargingProfileKind: 'Absolute',
            chargingSchedule: { startSchedule: expect.any(String), chargingRateUnit: unit, chargingSchedulePeriod: [{ startPeriod: 0, limit }] },
          },
        },
      },
    ]);
    expect(res.setChargingLimit).toEqual({ answer: 'ACCEPTED', limit: { profileId, limit, unit, status: 'ACTIVE', scope } });
  });

  it('a new cap replaces the previous one; a rejected cap changes nothing; clearing sends our profile id', async () => {
    const c = await aCharger({ SetChargingProfile: { status: 'Accepted' }, ClearChargingProfile: { status: 'Accepted' } });
    const set = async (limit: number) =>
      (dataOf(await app.gql(`mutation($s: String!, $l: Float!) { setChargingLimit(stationIdentity: $s, limit: $l, unit: W) { answer limit { profileId } } }`, { s: c.identity, l: limit })) as any).setChargingLimit;
    const first = await set(22000);
    const second = await set(11000);
    c.answers.set('SetChargingProfile', { status: 'Rejected' });
    expect(await set(3000)).toEqual({ answer: 'REJECTED', limit: null });
    expect(await limits(c.identity)).toMatchObject([
      { profileId: second.limit.profileId, limit: 11000, status: 'ACTIVE' },
      { profileId: first.limit.profileId, limit: 22000, status: 'REPLACED' },
    ]);

    const cleared = dataOf(await app.gql(`mutation($s: String!) { clearChargingLimit(stationIdentity: $s) { answer limit { profileId status } } }`, { s: c.identity })) as any;
    expect(c.received.at(-1)).toEqual({ action: 'ClearChargingProfile', payload: { id: second.limit.profileId } });
    expect(cleared.clearChargingLimit).toEqual({ answer: 'ACCEPTED', limit: { profileId: second.limit.profileId, status: 'CLEARED' } });
  });

  it('clearing without a cap of ours clears by purpose and level; Unknown is a result', async () => {
    const c = await aCharger({ ClearChargingProfile: { status: 'Unknown' } });
    const res = dataOf(await app.gql(`mutation($s: String!) { clearChargingLimit(stationIdentity: $s, connectorId: 2) { answer accepted limit { status } } }`, { s: c.identity })) as any;
    expect(c.received).toEqual([{ action: 'ClearChargingProfile', payload: { connectorId: 2, chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 1 } }]);
    expect(res.clearChargingLimit).toEqual({ answer: 'UNKNOWN', accepted: false, limit: null });
  });

  it('reads the composite schedule of a connector', async () => {
    const start = new Date().toISOString();
    const c = await aCharger({
      GetCompositeSchedule: {
        status: 'Accepted',
        connectorId: 1,
        scheduleStart: start,
        chargingSchedule: {
          duration: 3600,
          chargingRateUnit: 'W',
          chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }, { startPeriod: 1800, limit: 7400, numberPhases: 3 }],
        },
      },
    });
    const res = dataOf(await app.gql(`mutation($s: String!) { getCompositeSchedule(stationIdentity: $s, connectorId: 1, durationSeconds: 3600, unit: W) { answer schedule { connectorId scheduleStart durationSeconds unit minChargingRate periods { startSeconds limit numberPhases } } } }`, { s: c.identity })) as any;
    expect(c.received).toEqual([{ action: 'GetCompositeSchedule', payload: { connectorId: 1, duration: 3600, chargingRateUnit: 'W' } }]);
    expect(res.getCompositeSchedule).toEqual({
      answer: 'ACCEPTED',
      schedule: {
        connectorId: 1,
        scheduleStart: start,
        durationSeconds: 3600,
        unit: 'W',
        minChargingRate: null,
        periods: [
          { startSeconds: 0, limit: 11000, numberPhases: null },
          { startSeconds: 1800, limit: 7400, numberPhases: 3 },
        ],
      },
    });
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anAnsweringCharger, type AnsweringCharger } from '../helpers/answering-charger.js';
import { energySample, meterValues, startTransaction, statusNotification, stopTransaction } from '../helpers/ocpp16-messages.js';
import {
  aStation,
  anIdToken,
  anOperator,
  anOrganisation,
  dataOf,
  logIn,
  subscribe,
  startTestApp,
  type GqlResponse,
  type TestApp,
  type TestUser,
  uniqueId,
} from '../helpers/test-app.js';

// Who may see and do what with stations, sessions, commands, monitoring, diagnostics and firmware,
// through the clients people use: HTTP GraphQL, graphql-ws, the file endpoints, and a charger
// that shows whether a command reached it.

let app: TestApp;
const chargers: AnsweringCharger[] = [];
let orgA: { id: string };
let orgB: { id: string };
let operatorA: TestUser;
let operatorB: TestUser;
let driver1: TestUser & { tag: string };
let driver2: TestUser & { tag: string };
let chargerA: AnsweringCharger;
let chargerB: AnsweringCharger;

const ANSWERS = {
  RemoteStartTransaction: { status: 'Accepted' },
  RemoteStopTransaction: { status: 'Accepted' },
  Reset: { status: 'Accepted' },
  GetDiagnostics: { fileName: 'diag.tar.gz' },
};

/** A driver account (made by the admin, so this file does not depend on sign-up) with an RFID token of their own. */
async function aDriverWithToken(): Promise<TestUser & { tag: string }> {
  const email = `${uniqueId('driver').toLowerCase()}@example.test`;
  const password = 'driver-password-1';
  const created = await app.gql(`mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`, {
    input: { name: 'Driver', email, password, role: 'DRIVER' },
  });
  const { id } = (dataOf(created) as any).createUser;
  const token = await anIdToken(app, { userId: id });
  return { id, email, password, ...(await logIn(app, email, password)), tag: token.value };
}

async function aChargerOf(organisationId: string): Promise<AnsweringCharger> {
  const { identity } = await aStation(app, { organisationId });
  const charger = await anAnsweringCharger(app.ocppUrl, identity, ANSWERS);
  chargers.push(charger);
  return charger;
}

/** A session the charger started for `tag`, found through the admin. */
async function aSession(charger: AnsweringCharger, tag: string, connectorId = 1): Promise<{ id: string; transactionId: number }> {
  const { transactionId } = await charger.charger.call('StartTransaction', startTransaction(tag, { connectorId }));
  const res = dataOf(
    await app.gql(`query($s: String!) { station(identity: $s) { sessions(first: 10, active: true) { edges { node { id transactionId } } } } }`, {
      s: charger.identity,
    }),
  ) as any;
  const session = res.station.sessions.edges.map((e: any) => e.node).find((s: any) => s.transactionId === transactionId);
  return { id: session.id, transactionId };
}

const codeOf = (res: GqlResponse<unknown>) => res.errors?.[0]?.extensions?.code;
const actionsOf = (c: AnsweringCharger) => c.received.map((r) => r.action);

beforeAll(async () => {
  app = await startTestApp();
  [orgA, orgB] = await Promise.all([anOrganisation(app), anOrganisation(app)]);
  [operatorA, operatorB, driver1, driver2] = await Promise.all([
    anOperator(app, orgA.id),
    anOperator(app, orgB.id),
    aDriverWithToken(),
    aDriverWithToken(),
  ]);
  [chargerA, chargerB] = await Promise.all([aChargerOf(orgA.id), aChargerOf(orgB.id)]);
});

afterAll(async () => {
  await Promise.all(chargers.map((c) => c.charger.close().catch(() => {})));
  await app?.stop();
});

describe('callers without the right', () => {
  it.each([
    { name: 'stations', query: `{ stations(first: 5) { edges { node { identity } } } }` },
    { name: 'chargingSessions', query: `{ chargingSessions(first: 5) { edges { node { id } } } }` },
    { name: 'faults', query: `{ faults(first: 5) { edges { node { id } } } }` },
    { name: 'resetStation', query: `mutation { resetStation(stationIdentity: "X", type: SOFT) { answer } }` },
    { name: 'startCharging', query: `mutation { startCharging(stationIdentity: "X") { answer } }` },
  ])('anonymous $name is UNAUTHENTICATED', async ({ query }) => {
    expect(codeOf(await app.gqlAs(null, query))).toBe('UNAUTHENTICATED');
  });

  it('an anonymous subscription is refused when it is made', async () => {
    const sub = await subscribe(app.url, `subscription { stationStatusChanged { stationIdentity } }`, {}, null);
    await expect(sub.next(() => true, 1000)).rejects.toThrow(/UNAUTHENTICATED/);
    await sub.close();
  });

  it.each([
    { name: 'resetStation', query: `mutation($s: String!) { resetStation(stationIdentity: $s, type: HARD) { answer } }` },
    { name: 'unlockConnector', query: `mutation($s: String!) { unlockConnector(stationIdentity: $s, connectorId: 1) { answer } }` },
    { name: 'getStationConfiguration', query: `mutation($s: String!) { getStationConfiguration(stationIdentity: $s) { answer } }` },
    { name: 'requestDiagnostics', query: `mutation($s: String!) { requestDiagnostics(input: { stationIdentity: $s }) { id } }` },
    { name: 'setStationPassword', query: `mutation($s: String!) { setStationPassword(stationIdentity: $s) { generatedPassword } }` },
    { name: 'faults', query: `query($s: String!) { faults(filter: { stationIdentity: $s }, first: 5) { edges { node { id } } } }` },
  ])('a driver calling $name is FORBIDDEN and the charger hears nothing', async ({ query }) => {
    const before = chargerA.received.length;
    expect(codeOf(await app.gqlAs(driver1.accessToken, query, { s: chargerA.identity }))).toBe('FORBIDDEN');
    expect(chargerA.received.length).toBe(before);
  });

  it("a driver reads a station's public data, not its operator data", async () => {
    const pub = dataOf(
      await app.gqlAs(driver1.accessToken, `query($s: String!) { station(identity: $s) { identity name online connectors { connectorId status } } }`, {
        s: chargerB.identity,
      }),
    ) as any;
    expect(pub.station).toMatchObject({ identity: chargerB.identity, online: true });
    for (const field of ['securityProfile', 'hasPassword', 'organisationId', 'firmwareVersion', 'commands(first: 1) { edges { node { id } } }']) {
      const res = await app.gqlAs(driver1.accessToken, `query($s: String!) { station(identity: $s) { ${field} } }`, { s: chargerB.identity });
      expect(codeOf(res), field).toBe('FORBIDDEN');
    }
  });
});

describe("a driver's own charging", () => {
  it('startCharging uses their own token and refuses a named idTag', async () => {
    const refused = await app.gqlAs(
      driver1.accessToken,
      `mutation($s: String!, $t: String) { startCharging(stationIdentity: $s, connectorId: 1, idTag: $t) { answer } }`,
      { s: chargerB.identity, t: driver2.tag },
    );
    expect(codeOf(refused)).toBe('FORBIDDEN');
    expect(chargerB.received.filter((r) => r.action === 'RemoteStartTransaction')).toEqual([]);

    const res = dataOf(
      await app.gqlAs(driver1.accessToken, `mutation($s: String!) { startCharging(stationIdentity: $s, connectorId: 2) { answer command { id requestedByUserId } } }`, {
        s: chargerB.identity,
      }),
    ) as any;
    expect(res.startCharging.answer).toBe('ACCEPTED');
    expect(chargerB.received.filter((r) => r.action === 'RemoteStartTransaction')).toEqual([
      { action: 'RemoteStartTransaction', payload: { connectorId: 2, idTag: driver1.tag } },
    ]);
    // The command history says who asked.
    const history = dataOf(
      await app.gqlAs(operatorB.accessToken, `query($s: String!) { station(identity: $s) { commands(first: 5) { edges { node { id requestedByUserId requestedBy } } } } }`, {
        s: chargerB.identity,
      }),
    ) as any;
    expect(history.station.commands.edges.map((e: any) => e.node)).toContainEqual(
      expect.objectContaining({ id: res.startCharging.command.id, requestedByUserId: driver1.id }),
    );
  });

  it("stops only their own session: another driver's is NOT_FOUND and the charger gets no RemoteStopTransaction", async () => {
    const session = await aSession(chargerA, driver1.tag, 3);
    const stops = () => chargerA.received.filter((r) => r.action === 'RemoteStopTransaction');
    const before = stops().length;

    const byOther = await app.gqlAs(driver2.accessToken, `mutation($id: ID!) { stopCharging(sessionId: $id) { answer } }`, { id: session.id });
    expect(codeOf(byOther)).toBe('NOT_FOUND');
    expect(stops().length).toBe(before);
    // Nor does the other driver see it.
    expect(dataOf(await app.gqlAs(driver2.accessToken, `query($id: ID!) { chargingSession(id: $id) { id } }`, { id: session.id }))).toEqual({
      chargingSession: null,
    });
    const theirs = dataOf(await app.gqlAs(driver2.accessToken, `{ chargingSessions(first: 50) { edges { node { id } } } }`)) as any;
    expect(theirs.chargingSessions.edges.map((e: any) => e.node.id)).not.toContain(session.id);

    const own = dataOf(await app.gqlAs(driver1.accessToken, `mutation($id: ID!) { stopCharging(sessionId: $id) { answer } }`, { id: session.id })) as any;
    expect(own.stopCharging.answer).toBe('ACCEPTED');
    expect(stops().slice(before)).toEqual([{ action: 'RemoteStopTransaction', payload: { transactionId: session.transactionId } }]);
    const mine = dataOf(await app.gqlAs(driver1.accessToken, `{ chargingSessions(first: 50) { edges { node { id userId } } } }`)) as any;
    expect(mine.chargingSessions.edges.map((e: any) => e.node)).toContainEqual({ id: session.id, userId: driver1.id });
    await chargerA.charger.call('StopTransaction', stopTransaction(session.transactionId, 2000, { reason: 'Remote' }));
  });

  it('reserves only for their own tokens', async () => {
    const expiresAt = new Date(Date.now() + 3600_000).toISOString();
    const query = `mutation($s: String!, $t: String, $e: DateTime!) { reserveConnector(stationIdentity: $s, connectorId: 0, idTag: $t, expiresAt: $e) { reservation { id idTag } } }`;
    expect(codeOf(await app.gqlAs(driver1.accessToken, query, { s: chargerB.identity, t: driver2.tag, e: expiresAt }))).toBe('FORBIDDEN');
    expect(actionsOf(chargerB)).not.toContain('ReserveNow');
  });
});

describe('operators see and act on their own organisation only', () => {
  it("finds its own stations, and another organisation's as not there", async () => {
    const q = `query($s: String!) { station(identity: $s) { identity organisationId } }`;
    expect(dataOf(await app.gqlAs(operatorA.accessToken, q, { s: chargerA.identity }))).toEqual({
      station: { identity: chargerA.identity, organisationId: orgA.id },
    });
    expect(dataOf(await app.gqlAs(operatorA.accessToken, q, { s: chargerB.identity }))).toEqual({ station: null });
    const list = dataOf(await app.gqlAs(operatorA.accessToken, `{ stations(first: 200) { edges { node { identity } } } }`)) as any;
    const identities = list.stations.edges.map((e: any) => e.node.identity);
    expect(identities).toContain(chargerA.identity);
    expect(identities).not.toContain(chargerB.identity);
  });

  it("commands its own stations; another organisation's station is NOT_FOUND and hears nothing", async () => {
    const reset = `mutation($s: String!) { resetStation(stationIdentity: $s, type: SOFT) { answer } }`;
    const before = actionsOf(chargerB).length;
    expect(codeOf(await app.gqlAs(operatorA.accessToken, reset, { s: chargerB.identity }))).toBe('NOT_FOUND');
    expect(actionsOf(chargerB).length).toBe(before);
    expect(dataOf(await app.gqlAs(operatorA.accessToken, reset, { s: chargerA.identity }))).toEqual({ resetStation: { answer: 'ACCEPTED' } });
    expect(actionsOf(chargerA)).toContain('Reset');
  });

  it("cannot see or stop another organisation's sessions", async () => {
    const session = await aSession(chargerB, driver2.tag, 4);
    expect(dataOf(await app.gqlAs(operatorA.accessToken, `query($id: ID!) { chargingSession(id: $id) { id } }`, { id: session.id }))).toEqual({
      chargingSession: null,
    });
    expect(codeOf(await app.gqlAs(operatorA.accessToken, `mutation($id: ID!) { stopCharging(sessionId: $id) { answer } }`, { id: session.id }))).toBe(
      'NOT_FOUND',
    );
    expect(actionsOf(chargerB)).not.toContain('RemoteStopTransaction');
    expect(dataOf(await app.gqlAs(operatorB.accessToken, `query($id: ID!) { chargingSession(id: $id) { id } }`, { id: session.id }))).toEqual({
      chargingSession: { id: session.id },
    });
    await chargerB.charger.call('StopTransaction', stopTransaction(session.transactionId, 2000));
  });

  it("registers stations for its own organisation only; an admin names one that exists", async () => {
    const register = `mutation($i: RegisterStationInput!) { registerStation(input: $i) { identity organisationId } }`;
    const identity = `CP-${randomBytes(4).toString('hex')}`;
    expect(dataOf(await app.gqlAs(operatorA.accessToken, register, { i: { identity, name: 'Own' } }))).toEqual({
      registerStation: { identity, organisationId: orgA.id },
    });
    expect(codeOf(await app.gqlAs(operatorA.accessToken, register, { i: { identity: `${identity}-B`, name: 'Theirs', organisationId: orgB.id } }))).toBe(
      'FORBIDDEN',
    );
    const missing = '00000000-0000-4000-8000-000000000000';
    expect(codeOf(await app.gql(register, { i: { identity: `${identity}-X`, name: 'Nobody', organisationId: missing } }))).toBe('NOT_FOUND');
    expect(dataOf(await app.gqlAs(operatorB.accessToken, `query($s: String!) { station(identity: $s) { identity } }`, { s: identity }))).toEqual({
      station: null,
    });
  });
});

describe('subscriptions deliver only what the subscriber may see', () => {
  it("an operator gets its own stations' events, never another organisation's", async () => {
    const status = await subscribe(app.url, `subscription { stationStatusChanged { stationIdentity status } }`, {}, operatorA.accessToken);
    const targeted = await subscribe(
      app.url,
      `subscription($s: String) { stationStatusChanged(stationIdentity: $s) { stationIdentity status } }`,
      { s: chargerB.identity },
      operatorA.accessToken,
    );
    const alerts = await subscribe(app.url, `subscription { stationAlerts { stationIdentity kind } }`, {}, operatorA.accessToken);
    try {
      await chargerB.charger.call('StatusNotification', statusNotification(1, 'Faulted', { errorCode: 'GroundFailure' }));
      await chargerA.charger.call('StatusNotification', statusNotification(1, 'Faulted', { errorCode: 'GroundFailure' }));
      await status.next((e) => e.stationStatusChanged.stationIdentity === chargerA.identity);
      await alerts.next((e) => e.stationAlerts.stationIdentity === chargerA.identity && e.stationAlerts.kind === 'FAULT_OPENED');
      // Events are delivered in order: B's came first, so it would be here by now.
      expect(status.received.filter((e) => e.stationStatusChanged.stationIdentity === chargerB.identity)).toEqual([]);
      expect(alerts.received.filter((e) => e.stationAlerts.stationIdentity === chargerB.identity)).toEqual([]);
      expect(targeted.received).toEqual([]);
    } finally {
      await Promise.all([status.close(), targeted.close(), alerts.close()]);
      await chargerA.charger.call('StatusNotification', statusNotification(1, 'Available'));
      await chargerB.charger.call('StatusNotification', statusNotification(1, 'Available'));
    }
  });

  it("a driver receives the meter values of their own session and not of another driver's", async () => {
    const own = await aSession(chargerA, driver1.tag, 5);
    const other = await aSession(chargerA, driver2.tag, 6);
    const meter = await subscribe(app.url, `subscription { meterValuesReceived { sessionId transactionId } }`, {}, driver1.accessToken);
    const sessions = await subscribe(app.url, `subscription { chargingSessionUpdated { id energyWh } }`, {}, driver1.accessToken);
    const operator = await subscribe(app.url, `subscription { meterValuesReceived { sessionId } }`, {}, operatorB.accessToken);
    try {
      await chargerA.charger.call('MeterValues', meterValues(other.transactionId, [energySample(1500)], { connectorId: 6 }));
      await chargerA.charger.call('MeterValues', meterValues(own.transactionId, [energySample(1400)], { connectorId: 5 }));
      expect((await meter.next()).meterValuesReceived).toEqual({ sessionId: own.id, transactionId: own.transactionId });
      expect((await sessions.next()).chargingSessionUpdated).toEqual({ id: own.id, energyWh: 400 });
      expect(meter.received.filter((e) => e.meterValuesReceived.sessionId === other.id)).toEqual([]);
      expect(sessions.received.filter((e) => e.chargingSessionUpdated.id === other.id)).toEqual([]);
      expect(operator.received).toEqual([]);
    } finally {
      await Promise.all([meter.close(), sessions.close(), operator.close()]);
      await chargerA.charger.call('StopTransaction', stopTransaction(own.transactionId, 2000));
      await chargerA.charger.call('StopTransaction', stopTransaction(other.transactionId, 2000));
    }
  });
});

describe('file endpoints', () => {
  const get = (url: string, credential?: string) => fetch(url, credential ? { headers: { authorization: `Bearer ${credential}` } } : {});

  it('diagnostics downloads: no credentials 401, a driver 403, another organisation 404, its operator 200', async () => {
    const request = dataOf(
      await app.gqlAs(operatorA.accessToken, `mutation($s: String!) { requestDiagnostics(input: { stationIdentity: $s }) { id status } }`, {
        s: chargerA.identity,
      }),
    ) as any;
    expect(request.requestDiagnostics.status).toBe('ACCEPTED');
    const location = chargerA.received.filter((r) => r.action === 'GetDiagnostics').at(-1)!.payload.location as string;
    const bytes = randomBytes(1000);
    expect((await fetch(location, { method: 'PUT', body: new Uint8Array(bytes) })).status).toBe(200);
    const url = `${app.url}/diagnostics/${request.requestDiagnostics.id}/file`;

    expect((await get(url)).status).toBe(401);
    expect((await get(url, 'not-a-token')).status).toBe(401);
    expect((await get(url, driver1.accessToken)).status).toBe(403);
    expect((await get(url, operatorB.accessToken)).status).toBe(404);
    const ok = await get(url, operatorA.accessToken);
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer()).equals(bytes)).toBe(true);
    // Nor can operator B read the request over GraphQL.
    expect(
      dataOf(await app.gqlAs(operatorB.accessToken, `query($id: ID!) { diagnosticsRequest(id: $id) { id } }`, { id: request.requestDiagnostics.id })),
    ).toEqual({ diagnosticsRequest: null });
  });

  it("firmware files are their organisation's: upload and download by its operators only", async () => {
    const image = randomBytes(2000);
    const upload = (credential?: string) =>
      fetch(`${app.url}/firmware?fileName=fw.bin`, {
        method: 'POST',
        body: new Uint8Array(image),
        headers: credential ? { authorization: `Bearer ${credential}` } : {},
      });
    expect((await upload()).status).toBe(401);
    expect((await upload(driver1.accessToken)).status).toBe(403);
    const created = await upload(operatorA.accessToken);
    expect(created.status).toBe(201);
    const file = (await created.json()) as { id: string; organisationId: string; downloadUrl: string };
    expect(file.organisationId).toBe(orgA.id);

    expect((await get(file.downloadUrl)).status).toBe(401);
    expect((await get(file.downloadUrl, driver1.accessToken)).status).toBe(403);
    expect((await get(file.downloadUrl, operatorB.accessToken)).status).toBe(404);
    const back = await get(file.downloadUrl, operatorA.accessToken);
    expect(back.status).toBe(200);
    expect(Buffer.from(await back.arrayBuffer()).equals(image)).toBe(true);

    const q = `query($id: ID!) { firmwareFile(id: $id) { id } }`;
    expect(dataOf(await app.gqlAs(operatorB.accessToken, q, { id: file.id }))).toEqual({ firmwareFile: null });
    // Operator B cannot roll it out, even to its own station.
    const rollout = `mutation($i: UpdateFirmwareInput!) { updateFirmware(input: $i) { id } }`;
    expect(codeOf(await app.gqlAs(operatorB.accessToken, rollout, { i: { stationIdentities: [chargerB.identity], firmwareFileId: file.id } }))).toBe(
      'NOT_FOUND',
    );
    expect(actionsOf(chargerB)).not.toContain('UpdateFirmware');
  });
});

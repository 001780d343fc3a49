import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCharger } from '../helpers/charger-client.js';
import { bootNotification, startTransaction, stopTransaction } from '../helpers/ocpp16-messages.js';
import { aStation, anIdToken, dataOf, startTestApp, uniqueId, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.stop());

const register = `mutation($input: RegisterStationInput!) { registerStation(input: $input) { identity } }`;

describe('bad input gets a clear error with a code and changes nothing', () => {
  it.each([
    { name: 'an identity with a slash', input: { identity: 'a/b', name: 'x' }, code: 'BAD_USER_INPUT' },
    { name: 'an identity over 48 characters', input: { identity: 'X'.repeat(49), name: 'x' }, code: 'BAD_USER_INPUT' },
    { name: 'an empty name', input: { identity: uniqueId('OK'), name: '  ' }, code: 'BAD_USER_INPUT' },
    { name: 'a latitude out of range', input: { identity: uniqueId('OK'), name: 'x', latitude: 123 }, code: 'BAD_USER_INPUT' },
    { name: 'an unknown time zone', input: { identity: uniqueId('OK'), name: 'x', timeZone: 'Mars/Olympus' }, code: 'BAD_USER_INPUT' },
    { name: 'a name of the wrong type', input: { identity: uniqueId('OK'), name: 42 }, code: 'BAD_USER_INPUT' },
  ])('registerStation with $name', async ({ input, code }) => {
    const res = await app.gql(register, { input });
    expect(res.errors?.[0]?.extensions?.code).toBe(code);
    expect(res.errors?.[0]?.message).toBeTruthy();
    const identity = String(input.identity);
    if (!identity.includes('/') && identity.length <= 48) {
      expect(dataOf(await app.gql(`query($s: String!) { station(identity: $s) { id } }`, { s: identity }))).toEqual({ station: null });
    }
  });

  it('a duplicate identity is a CONFLICT', async () => {
    const { identity } = await aStation(app);
    const res = await app.gql(register, { input: { identity, name: 'again' } });
    expect(res.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('updating a station that does not exist is NOT_FOUND', async () => {
    const res = await app.gql(`mutation { updateStation(input: { identity: "NOPE-404", name: "x" }) { identity } }`);
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it.each([
    { name: 'a token value with spaces', input: { value: 'A B' }, code: 'BAD_USER_INPUT' },
    { name: 'a token value over 36 characters', input: { value: 'A'.repeat(37) }, code: 'BAD_USER_INPUT' },
    { name: 'an unknown token type', input: { value: 'ABC', type: 'PASSPORT' }, code: 'BAD_USER_INPUT' },
    { name: 'a non-ISO expiry', input: { value: 'ABC2', expiresAt: 'tomorrow' }, code: 'BAD_USER_INPUT' },
    { name: 'an owner that does not exist', input: { value: uniqueId('OWN').slice(0, 20), userId: '00000000-0000-4000-8000-000000000000' }, code: 'NOT_FOUND' },
  ])('issueIdToken with $name', async ({ input, code }) => {
    const res = await app.gql(`mutation($i: IssueIdTokenInput!) { issueIdToken(input: $i) { id } }`, { i: input });
    expect(res.errors?.[0]?.extensions?.code).toBe(code);
    expect(dataOf(await app.gql(`query($v: String) { idToken(value: $v) { id } }`, { v: input.value }))).toEqual({ idToken: null });
  });

  it('a duplicate token value (whatever its case) is a CONFLICT', async () => {
    const tag = await anIdToken(app);
    const res = await app.gql(`mutation($i: IssueIdTokenInput!) { issueIdToken(input: $i) { id } }`, { i: { value: tag.value.toLowerCase() } });
    expect(res.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('a query the schema does not know fails validation with a code', async () => {
    const res = await app.gql(`{ nonsense }`);
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it.each([
    { name: 'first of 0', args: { first: 0 } },
    { name: 'first over the maximum', args: { first: 1000 } },
    { name: 'a cursor we did not issue', args: { after: 'garbage' } },
    { name: 'backward pagination', args: { last: 5 } },
  ])('a list with $name', async ({ args }) => {
    const res = await app.gql(`query($first: Int, $after: String, $last: Int) { chargingSessions(first: $first, after: $after, last: $last) { edges { cursor } } }`, args);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('ids that are not UUIDs simply find nothing', async () => {
    const res = dataOf(await app.gql(`{ chargingSession(id: "42") { id } user(id: "x") { id } idToken(id: "y") { id } }`));
    expect(res).toEqual({ chargingSession: null, user: null, idToken: null });
  });
});

describe('lists', () => {
  it('pages through stations with stable cursors and a search filter', async () => {
    const prefix = uniqueId('PAGE');
    for (let i = 0; i < 5; i++) await aStation(app, { identity: `${prefix}-${i}` });
    const q = `query($after: String, $search: String) { stations(first: 2, after: $after, filter: { search: $search }) { edges { cursor node { identity } } pageInfo { hasNextPage endCursor } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const res = dataOf(await app.gql(q, { after, search: prefix })) as any;
      seen.push(...res.stations.edges.map((e: any) => e.node.identity));
      if (!res.stations.pageInfo.hasNextPage) break;
      after = res.stations.pageInfo.endCursor;
    }
    expect(seen).toEqual([0, 1, 2, 3, 4].map((i) => `${prefix}-${i}`));
  });

  it('filters sessions by station, activity and time window, newest first', async () => {
    const { identity } = await aStation(app);
    const charger = await connectCharger(app.ocppUrl, identity);
    await charger.call('BootNotification', bootNotification());
    const t0 = Date.now() - 3 * 3600_000;
    const txs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const tag = await anIdToken(app);
      const started = await charger.call('StartTransaction', startTransaction(tag.value, { connectorId: i + 1, timestamp: new Date(t0 + i * 3600_000).toISOString() }));
      txs.push(started.transactionId);
    }
    await charger.call('StopTransaction', stopTransaction(txs[0]!, 2000));
    const q = `query($f: ChargingSessionFilter) { chargingSessions(first: 10, filter: $f) { edges { node { transactionId status } } } }`;
    const ids = async (f: Record<string, unknown>) =>
      ((dataOf(await app.gql(q, { f: { stationIdentity: identity, ...f } })) as any).chargingSessions.edges as any[]).map((e) => e.node.transactionId);
    expect(await ids({})).toEqual([txs[2], txs[1], txs[0]]);
    expect(await ids({ active: true })).toEqual([txs[2], txs[1]]);
    expect(await ids({ active: false })).toEqual([txs[0]]);
    expect(await ids({ from: new Date(t0 + 1800_000).toISOString(), to: new Date(t0 + 2 * 3600_000).toISOString() })).toEqual([txs[1]]);
    const inverted = await app.gql(q, { f: { from: new Date(t0).toISOString(), to: new Date(t0).toISOString() } });
    expect(inverted.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await charger.close();
  });

  it('a station lists its own sessions and a user their tokens', async () => {
    const { identity } = await aStation(app);
    const user = dataOf(await app.gql(`mutation { createUser(input: { name: "Ada", email: "ada+${uniqueId('m')}@example.com" }) { id } }`)) as any;
    const tag = await anIdToken(app, { userId: user.createUser.id, label: 'blue card' });
    const charger = await connectCharger(app.ocppUrl, identity);
    await charger.call('StartTransaction', startTransaction(tag.value));
    const res = dataOf(
      await app.gql(
        `query($s: String!, $u: ID!) {
          station(identity: $s) { sessions(first: 5) { edges { node { idTag idToken { label user { name } } } } } }
          user(id: $u) { name idTokens { edges { node { value label } } } }
        }`,
        { s: identity, u: user.createUser.id },
      ),
    ) as any;
    expect(res.station.sessions.edges[0].node).toEqual({ idTag: tag.value, idToken: { label: 'blue card', user: { name: 'Ada' } } });
    expect(res.user).toEqual({ name: 'Ada', idTokens: { edges: [{ node: { value: tag.value, label: 'blue card' } }] } });
    await charger.close();
  });
});

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { anAnsweringCharger, callError, noAnswer, type AnsweringCharger } from '../helpers/answering-charger.js';
import { aStation, anIdToken, dataOf, startTestApp, type TestApp } from '../helpers/test-app.js';

const redisUrl = inject('redisUrl');

// Two nodes behind a load balancer: the charger's socket is on node A, the operator's
// mutation lands on node B. B routes the call through Redis to A and brings the answer back.
describe.skipIf(!redisUrl)('commands across nodes through Redis', () => {
  let nodeA: TestApp;
  let nodeB: TestApp;
  const chargers: AnsweringCharger[] = [];

  beforeAll(async () => {
    // Same database, Redis and channel prefix; startTestApp gives each node its own NODE_ID.
    const shared = { REDIS_URL: redisUrl!, EVENTS_CHANNEL_PREFIX: `test-${randomBytes(6).toString('hex')}`, OCPP_CALL_TIMEOUT: '1' };
    [nodeA, nodeB] = await Promise.all([startTestApp(shared), startTestApp(shared)]);
  });
  afterAll(async () => {
    await Promise.all(chargers.map((c) => c.charger.close().catch(() => {})));
    await Promise.all([nodeA?.stop(), nodeB?.stop()]);
  });

  async function aChargerOnA(answers: Record<string, unknown>) {
    const { identity } = await aStation(nodeA);
    const charger = await anAnsweringCharger(nodeA.ocppUrl, identity, answers);
    chargers.push(charger);
    return charger;
  }

  const reset = (node: TestApp, identity: string) =>
    node.gql(`mutation($s: String!) { resetStation(stationIdentity: $s, type: SOFT) { answer command { status action } } }`, { s: identity });

  it('routes commands over Redis', async () => {
    expect((await (await fetch(`${nodeB.url}/health`)).json()).commands).toBe('redis');
  });

  it('a command sent through node B reaches the charger on node A and its answer comes back', async () => {
    const c = await aChargerOnA({ Reset: { status: 'Accepted' } });
    const res = dataOf(await reset(nodeB, c.identity)) as any;
    expect(c.received).toEqual([{ action: 'Reset', payload: { type: 'Soft' } }]);
    expect(res.resetStation).toEqual({ answer: 'ACCEPTED', command: { status: 'ACCEPTED', action: 'Reset' } });
    // One history, whichever node is asked.
    const history = dataOf(await nodeA.gql(`query($s: String!) { station(identity: $s) { commands { edges { node { status response } } } } }`, { s: c.identity })) as any;
    expect(history.station.commands.edges).toEqual([{ node: { status: 'ACCEPTED', response: { status: 'Accepted' } } }]);
  });

  it('a command with a rich answer crosses intact (configuration stored once for both nodes)', async () => {
    const c = await aChargerOnA({ GetConfiguration: { configurationKey: [{ key: 'MeterValueSampleInterval', readonly: false, value: '60' }], unknownKey: ['Nope'] } });
    const res = dataOf(await nodeB.gql(`mutation($s: String!) { getStationConfiguration(stationIdentity: $s, keys: ["MeterValueSampleInterval", "Nope"]) { keys { key value } unknownKeys } }`, { s: c.identity })) as any;
    expect(res.getStationConfiguration).toEqual({ keys: [{ key: 'MeterValueSampleInterval', value: '60' }], unknownKeys: ['Nope'] });
    const stored = dataOf(await nodeA.gql(`query($s: String!) { station(identity: $s) { configuration { key value } } }`, { s: c.identity })) as any;
    expect(stored.station.configuration).toEqual([{ key: 'MeterValueSampleInterval', value: '60' }]);
  });

  it.each([
    { name: "the charger's CALLERROR", reply: callError('NotSupported', 'no'), code: 'STATION_ERROR', status: 'CHARGER_ERROR', extra: { chargerErrorCode: 'NotSupported' } },
    { name: "the charger's silence", reply: noAnswer, code: 'STATION_TIMEOUT', status: 'TIMEOUT', extra: {} },
  ])('$name on node A comes back to node B as $code', async ({ reply, code, status, extra }) => {
    const c = await aChargerOnA({ Reset: reply });
    const res = await reset(nodeB, c.identity);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code, ...extra });
    expect(res.errors?.[0]?.message).toContain(c.identity);
    const history = dataOf(await nodeB.gql(`query($s: String!) { station(identity: $s) { commands { edges { node { status errorCode } } } } }`, { s: c.identity })) as any;
    expect(history.station.commands.edges[0].node.status).toBe(status);
  });

  it('a reservation made through node B is enforced on node A', async () => {
    const c = await aChargerOnA({ ReserveNow: { status: 'Accepted' } });
    await c.charger.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError' });
    const holder = await anIdToken(nodeB);
    const other = await anIdToken(nodeB);
    const expiresAt = new Date(Date.now() + 3600_000).toISOString();
    dataOf(await nodeB.gql(`mutation($s: String!, $t: String!, $e: DateTime!) { reserveConnector(stationIdentity: $s, connectorId: 1, idTag: $t, expiresAt: $e) { answer } }`, { s: c.identity, t: holder.value, e: expiresAt }));
    expect((await c.charger.call('Authorize', { idTag: other.value })).idTagInfo).toEqual({ status: 'Invalid', expiryDate: expiresAt });
  });

  it('a charger that left: node B answers STATION_OFFLINE', async () => {
    const c = await aChargerOnA({ Reset: { status: 'Accepted' } });
    await c.charger.close();
    await waitFor(async () => (dataOf(await nodeB.gql(`query($s: String!) { station(identity: $s) { online } }`, { s: c.identity })) as any).station.online === false);
    const res = await reset(nodeB, c.identity);
    expect(res.errors?.[0]?.extensions?.code).toBe('STATION_OFFLINE');
  });

  it('a station the database places on a node that is gone (crashed): STATION_OFFLINE at once', async () => {
    const { identity } = await aStation(nodeB);
    // What a node that died without marking its stations offline leaves behind.
    await nodeB.database.pool.query(`update station set online = true, connected_node_id = 'crashed-node', ocpp_protocol = 'ocpp1.6' where identity = $1`, [identity]);
    const started = Date.now();
    const res = await reset(nodeB, identity);
    expect(res.errors?.[0]?.extensions?.code).toBe('STATION_OFFLINE');
    expect(res.errors?.[0]?.message).toContain('crashed-node');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

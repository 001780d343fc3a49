import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anAnsweringCharger } from '../helpers/answering-charger.js';
import { connectCharger, type ChargerClient } from '../helpers/charger-client.js';
import { bootNotification, startTransaction } from '../helpers/ocpp16-messages.js';
import {
  aDriver,
  anOperator,
  dataOf,
  startTestApp,
  uniqueId,
  type GqlResponse,
  type TestApp,
  type TestUser,
} from '../helpers/test-app.js';

let app: TestApp;
const chargers: ChargerClient[] = [];

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await Promise.all(chargers.map((c) => c.close().catch(() => {})));
  await app?.stop();
});

type Operator = TestUser & { organisationId: string };
const codeOf = (res: GqlResponse<unknown>) => res.errors?.[0]?.extensions?.code;
const aUid = () => randomBytes(4).toString('hex').toUpperCase();

async function aStationOf(operator: Operator): Promise<string> {
  const identity = uniqueId('CP');
  dataOf(
    await app.gqlAs(operator.accessToken, `mutation($i: RegisterStationInput!) { registerStation(input: $i) { id } }`, {
      i: { identity, name: `Station ${identity}` },
    }),
  );
  return identity;
}

async function aChargerAt(identity: string): Promise<ChargerClient> {
  const charger = await connectCharger(app.ocppUrl, identity);
  chargers.push(charger);
  await charger.call('BootNotification', bootNotification());
  return charger;
}

/** A token issued by `issuer` (an operator's credential; undefined: the admin). */
async function aToken(issuer: string | undefined, input: Record<string, unknown> = {}): Promise<{ id: string; value: string }> {
  const q = `mutation($i: IssueIdTokenInput!) { issueIdToken(input: $i) { id value } }`;
  const i = { value: aUid(), type: 'RFID', ...input };
  const res = issuer === undefined ? await app.gql(q, { i }) : await app.gqlAs(issuer, q, { i });
  return (dataOf(res) as any).issueIdToken;
}

const setMode = (operator: Operator, identity: string, mode: 'PUBLIC' | 'RESTRICTED') =>
  app.gqlAs(operator.accessToken, `mutation($s: String!) { setStationAccessMode(stationIdentity: $s, mode: ${mode}) { mode } }`, { s: identity });
const grant = (credential: string, identity: string, subject: Record<string, unknown>) =>
  app.gqlAs<{ grantStationAccess: { id: string; kind: string } }>(
    credential,
    `mutation($i: GrantStationAccessInput!) { grantStationAccess(input: $i) { id kind userId organisationId parentIdTag stationIdentity } }`,
    { i: { stationIdentity: identity, ...subject } },
  );
const grantsOf = (credential: string, identity: string) =>
  app.gqlAs<{ stationAccessGrants: any[] }>(credential, `query($s: String!) { stationAccessGrants(stationIdentity: $s) { id kind userId organisationId parentIdTag } }`, {
    s: identity,
  });

describe('a restricted station', () => {
  let owner: Operator;
  let partner: Operator;
  let stranger: Operator;
  let identity: string;
  let charger: ChargerClient;
  let granted: TestUser;
  let tokens: Record<'driver' | 'group' | 'partner' | 'ungranted' | 'strangers' | 'otherDriver', { id: string; value: string }>;

  beforeAll(async () => {
    owner = await anOperator(app);
    partner = await anOperator(app);
    stranger = await anOperator(app);
    identity = await aStationOf(owner);
    charger = await aChargerAt(identity);
    granted = await aDriver(app);
    const other = await aDriver(app);
    tokens = {
      driver: await aToken(undefined, { userId: granted.id }),
      group: await aToken(undefined, { parentIdTag: 'Fleet-A' }),
      partner: await aToken(partner.accessToken),
      ungranted: await aToken(undefined),
      strangers: await aToken(stranger.accessToken),
      otherDriver: await aToken(undefined, { userId: other.id }),
    };
  });

  const answers = async () => {
    const out: Record<string, string> = {};
    for (const [name, t] of Object.entries(tokens)) out[name] = (await charger.call('Authorize', { idTag: t.value })).idTagInfo.status;
    return out;
  };

  it('takes any valid token while PUBLIC, only the listed drivers, groups and organisations once RESTRICTED', async () => {
    expect(Object.values(await answers()).every((s) => s === 'Accepted')).toBe(true);

    expect(dataOf(await setMode(owner, identity, 'RESTRICTED'))).toEqual({ setStationAccessMode: { mode: 'RESTRICTED' } });
    expect(Object.values(await answers()).every((s) => s === 'Invalid')).toBe(true);

    dataOf(await grant(owner.accessToken, identity, { userId: granted.id }));
    // Groups match case-insensitively, as idTags do.
    dataOf(await grant(owner.accessToken, identity, { parentIdTag: 'FLEET-a' }));
    dataOf(await grant(owner.accessToken, identity, { organisationId: partner.organisationId }));
    expect(await answers()).toEqual({
      driver: 'Accepted',
      group: 'Accepted',
      partner: 'Accepted',
      ungranted: 'Invalid',
      strangers: 'Invalid',
      otherDriver: 'Invalid',
    });

    // StartTransaction says the same; a start the charger made anyway is recorded as not allowed here.
    const refused = await charger.call('StartTransaction', startTransaction(tokens.ungranted.value, { connectorId: 1 }));
    expect(refused.idTagInfo).toEqual({ status: 'Invalid' });
    const allowed = await charger.call('StartTransaction', startTransaction(tokens.partner.value, { connectorId: 2 }));
    expect(allowed.idTagInfo).toEqual({ status: 'Accepted' });
    const sessions = dataOf(
      await app.gqlAs(owner.accessToken, `query($s: String!) { chargingSessions(filter: { stationIdentity: $s }) { edges { node { transactionId authorizationStatus } } } }`, {
        s: identity,
      }),
    ) as any;
    expect(sessions.chargingSessions.edges.map((e: any) => e.node)).toEqual(
      expect.arrayContaining([
        { transactionId: refused.transactionId, authorizationStatus: 'NOT_ALLOWED_HERE' },
        { transactionId: allowed.transactionId, authorizationStatus: 'ACCEPTED' },
      ]),
    );
  });

  it('lists its grants to its operator, and a revoked grant no longer lets in', async () => {
    const before = dataOf(await grantsOf(owner.accessToken, identity)).stationAccessGrants;
    expect(before).toEqual([
      { id: expect.any(String), kind: 'USER', userId: granted.id, organisationId: null, parentIdTag: null },
      { id: expect.any(String), kind: 'GROUP', userId: null, organisationId: null, parentIdTag: 'FLEET-a' },
      { id: expect.any(String), kind: 'ORGANISATION', userId: null, organisationId: partner.organisationId, parentIdTag: null },
    ]);
    // Granting again changes nothing.
    expect(dataOf(await grant(owner.accessToken, identity, { userId: granted.id })).grantStationAccess.id).toBe(before[0].id);

    dataOf(await app.gqlAs(owner.accessToken, `mutation($id: ID!) { revokeStationAccess(id: $id) { id } }`, { id: before[0].id }));
    expect((await charger.call('Authorize', { idTag: tokens.driver.value })).idTagInfo).toEqual({ status: 'Invalid' });
    expect(dataOf(await grantsOf(owner.accessToken, identity)).stationAccessGrants.map((g: any) => g.kind)).toEqual(['GROUP', 'ORGANISATION']);

    const audit = dataOf(
      await app.gqlAs(owner.accessToken, `{ auditEvents(first: 50, filter: { kinds: [STATION_ACCESS_CHANGED] }) { edges { node { subject details } } } }`),
    ) as any;
    const details = audit.auditEvents.edges.filter((e: any) => e.node.subject === identity).map((e: any) => e.node.details);
    expect(details).toContainEqual({ accessMode: { from: 'PUBLIC', to: 'RESTRICTED' } });
    expect(details).toContainEqual({ revoked: { kind: 'USER', subject: granted.id } });
  });

  it('is managed only by its own operator: to others it does not exist', async () => {
    const grantId = dataOf(await grantsOf(owner.accessToken, identity)).stationAccessGrants[0].id;
    expect(codeOf(await grantsOf(stranger.accessToken, identity))).toBe('NOT_FOUND');
    expect(codeOf(await grant(stranger.accessToken, identity, { organisationId: stranger.organisationId }))).toBe('NOT_FOUND');
    expect(codeOf(await setMode(stranger, identity, 'PUBLIC'))).toBe('NOT_FOUND');
    expect(codeOf(await app.gqlAs(stranger.accessToken, `mutation($id: ID!) { revokeStationAccess(id: $id) { id } }`, { id: grantId }))).toBe('NOT_FOUND');
    const driver = await aDriver(app);
    expect(codeOf(await grantsOf(driver.accessToken, identity))).toBe('FORBIDDEN');
    expect(codeOf(await grant(driver.accessToken, identity, { userId: driver.id }))).toBe('FORBIDDEN');
    // Nothing changed: the strangers' tokens are still refused.
    expect((await charger.call('Authorize', { idTag: tokens.strangers.value })).idTagInfo).toEqual({ status: 'Invalid' });
    expect(dataOf(await grantsOf(owner.accessToken, identity)).stationAccessGrants).toHaveLength(2);
  });

  it.each([
    { name: 'two subjects at once', subject: { userId: '00000000-0000-4000-8000-000000000000', parentIdTag: 'G' }, code: 'BAD_USER_INPUT' },
    { name: 'no subject', subject: {}, code: 'BAD_USER_INPUT' },
    { name: 'a group with spaces', subject: { parentIdTag: 'A B' }, code: 'BAD_USER_INPUT' },
    { name: 'a user id that is not an id', subject: { userId: 'nobody' }, code: 'BAD_USER_INPUT' },
    { name: 'a user that does not exist', subject: { userId: '00000000-0000-4000-8000-000000000000' }, code: 'NOT_FOUND' },
    { name: 'an organisation that does not exist', subject: { organisationId: '00000000-0000-4000-8000-000000000000' }, code: 'NOT_FOUND' },
  ])('refuses a grant with $name', async ({ subject, code }) => {
    const before = dataOf(await grantsOf(owner.accessToken, identity)).stationAccessGrants;
    expect(codeOf(await grant(owner.accessToken, identity, subject))).toBe(code);
    expect(dataOf(await grantsOf(owner.accessToken, identity)).stationAccessGrants).toEqual(before);
  });
});

describe('the local list of a station', () => {
  it('holds only the tokens allowed there when restricted, every valid one when public', async () => {
    const owner = await anOperator(app);
    const group = `FLEET-${randomBytes(3).toString('hex')}`;
    const members = [await aToken(undefined, { parentIdTag: group }), await aToken(undefined, { parentIdTag: group.toLowerCase() })];
    const outsider = await aToken(undefined);
    const identity = await aStationOf(owner);
    const c = await anAnsweringCharger(app.ocppUrl, identity, { SendLocalList: { status: 'Accepted' } });
    chargers.push(c.charger);
    const send = async () => {
      dataOf(await app.gqlAs(owner.accessToken, `mutation($s: String!) { sendLocalList(stationIdentity: $s, mode: FULL) { answer } }`, { s: identity }));
      return (c.received.at(-1)!.payload.localAuthorizationList as { idTag: string }[]).map((e) => e.idTag);
    };

    const publicList = await send();
    expect(publicList).toEqual(expect.arrayContaining([...members.map((m) => m.value), outsider.value]));

    dataOf(await setMode(owner, identity, 'RESTRICTED'));
    dataOf(await grant(owner.accessToken, identity, { parentIdTag: group }));
    expect((await send()).sort()).toEqual(members.map((m) => m.value).sort());
  });
});

describe('remote start and reservations respect the access list', () => {
  it('an operator cannot start or reserve a restricted station for a token it does not admit; the charger hears nothing', async () => {
    const operator = await anOperator(app);
    const identity = await aStationOf(operator);
    const c = await anAnsweringCharger(app.ocppUrl, identity, {
      RemoteStartTransaction: { status: 'Accepted' },
      ReserveNow: { status: 'Accepted' },
    });
    chargers.push(c.charger);
    dataOf(await setMode(operator, identity, 'RESTRICTED'));
    const outsider = await aToken(operator.accessToken);
    const start = `mutation($s: String!, $t: String) { startCharging(stationIdentity: $s, connectorId: 1, idTag: $t) { accepted } }`;
    const refused = await app.gqlAs(operator.accessToken, start, { s: identity, t: outsider.value });
    expect(codeOf(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.extensions?.authorizationStatus).toBe('NOT_ALLOWED_HERE');
    const reserve = `mutation($s: String!, $t: String) { reserveConnector(stationIdentity: $s, connectorId: 1, idTag: $t, expiresAt: "2099-01-01T00:00:00Z") { accepted } }`;
    expect((await app.gqlAs(operator.accessToken, reserve, { s: identity, t: outsider.value })).errors?.[0]?.extensions?.authorizationStatus).toBe(
      'NOT_ALLOWED_HERE',
    );
    expect(c.received.map((r) => r.action)).toEqual([]);

    // Once its group is admitted, the same token starts.
    const member = await aToken(operator.accessToken, { parentIdTag: 'FLEET-7' });
    dataOf(await grant(operator.accessToken, identity, { parentIdTag: 'FLEET-7' }));
    expect(dataOf<any>(await app.gqlAs(operator.accessToken, start, { s: identity, t: member.value })).startCharging.accepted).toBe(true);
    expect(c.received.map((r) => r.action)).toEqual(['RemoteStartTransaction']);
  });
});

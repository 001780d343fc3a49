import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCharger, type ChargerClient } from '../helpers/charger-client.js';
import { bootNotification, startTransaction, stopTransaction } from '../helpers/ocpp16-messages.js';
import {
  aDriver,
  anIdToken,
  anOperator,
  anOrganisation,
  aStation,
  dataOf,
  startTestApp,
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

const TOKEN = 'id value type status label printedNumber parentIdTag expiresAt maxConcurrentSessions organisationId user { id }';

/** A random card UID (upper-case hex) and ways of writing it. */
const aUid = (bytes = 4) => randomBytes(bytes).toString('hex').toUpperCase();
const spelled = (uid: string, separator: string, lower = false) => {
  const s = uid.match(/../g)!.join(separator);
  return lower ? s.toLowerCase() : s;
};

const codeOf = (res: GqlResponse<unknown>) => res.errors?.[0]?.extensions?.code;

async function aBootedCharger(on: TestApp = app): Promise<{ charger: ChargerClient; identity: string }> {
  const { identity } = await aStation(on);
  const charger = await connectCharger(on.ocppUrl, identity);
  chargers.push(charger);
  await charger.call('BootNotification', bootNotification());
  return { charger, identity };
}

const issue = (credential: string, input: Record<string, unknown>) =>
  app.gqlAs<{ issueIdToken: any }>(credential, `mutation($i: IssueIdTokenInput!) { issueIdToken(input: $i) { ${TOKEN} } }`, { i: input });
const claim = (driver: TestUser, printedNumber: string, uid: string) =>
  app.gqlAs<{ claimIdToken: any }>(
    driver.accessToken,
    `mutation($p: String!, $u: String!) { claimIdToken(printedNumber: $p, uid: $u) { ${TOKEN} } }`,
    { p: printedNumber, u: uid },
  );
const tokenById = (credential: string | undefined, id: string) =>
  (credential === undefined ? app.gql : (q: string, v: Record<string, unknown>) => app.gqlAs(credential, q, v))(
    `query($id: ID) { idToken(id: $id) { ${TOKEN} } }`,
    { id },
  ) as Promise<GqlResponse<{ idToken: any }>>;
const myTokens = async (credential: string) =>
  (dataOf(await app.gqlAs(credential, `{ idTokens(first: 200) { edges { node { id value organisationId user { id } } } } }`)) as any).idTokens.edges.map(
    (e: any) => e.node,
  );
const authorize = async (charger: ChargerClient, idTag: string) => (await charger.call('Authorize', { idTag })).idTagInfo;

/** An operator's card, handed out unassigned with a printed number. */
async function anOperatorCard(operator: TestUser, o: Record<string, unknown> = {}) {
  const uid = aUid();
  const printedNumber = `${Math.floor(Math.random() * 1e8)}`.padStart(8, '0');
  const card = dataOf(await issue(operator.accessToken, { value: uid, type: 'RFID', printedNumber, ...o })).issueIdToken;
  return { ...card, uid, printedNumber };
}

describe('card UIDs', () => {
  it('are one card in any spelling: stored canonical, registered once, accepted however the charger writes them', async () => {
    const { charger } = await aBootedCharger();
    const uid = aUid(7);
    const card = dataOf(await app.gql(`mutation($v: String!) { issueIdToken(input: { value: $v, type: RFID }) { id value } }`, { v: spelled(uid, ':', true) })).issueIdToken;
    expect(card.value).toBe(uid);

    const again = await app.gql(`mutation($v: String!) { issueIdToken(input: { value: $v, type: RFID }) { id } }`, { v: spelled(uid, '-') });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ID_TOKEN_TAKEN' });

    for (const idTag of [uid, uid.toLowerCase(), spelled(uid, ':'), spelled(uid, '-', true)]) {
      expect(await authorize(charger, idTag)).toEqual({ status: 'Accepted' });
    }
    const found = dataOf(await app.gql(`query($v: String) { idToken(value: $v) { id } }`, { v: spelled(uid, ' ', true) })) as any;
    expect(found.idToken.id).toBe(card.id);
  });

  it.each([
    { name: 'a UID of 3 bytes', input: { value: '04:a2:3b', type: 'RFID' } },
    { name: 'a UID with a separator inside a byte', input: { value: '04a:23b:1c:00', type: 'RFID' } },
    { name: 'a printed number over 64 characters', input: { value: aUid(), printedNumber: '9'.repeat(65) } },
    { name: 'a label over 100 characters', input: { value: aUid(), label: 'x'.repeat(101) } },
    { name: 'a parentIdTag with spaces', input: { value: aUid(), parentIdTag: 'FLEET 1' } },
    { name: 'a negative session limit', input: { value: aUid(), maxConcurrentSessions: -1 } },
    { name: 'a session limit of the wrong type', input: { value: aUid(), maxConcurrentSessions: 'two' } },
  ])('refuses $name as BAD_USER_INPUT and stores nothing', async ({ input }) => {
    const res = await app.gql(`mutation($i: IssueIdTokenInput!) { issueIdToken(input: $i) { id } }`, { i: input });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(dataOf(await app.gql(`query($v: String) { idToken(value: $v) { id } }`, { v: input.value }))).toEqual({ idToken: null });
  });
});

describe('claiming a card', () => {
  it('assigns an operator\'s card to the driver who knows both its printed number and its UID', async () => {
    const operator = await anOperator(app);
    const card = await anOperatorCard(operator);
    const driver = await aDriver(app);

    expect((await claim(driver, '00000000', card.uid)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await claim(driver, card.printedNumber, aUid())).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await myTokens(driver.accessToken)).toEqual([]);

    // Any spelling of the UID; the printed number as printed, with spaces.
    const printed = `${card.printedNumber.slice(0, 4)} ${card.printedNumber.slice(4)}`;
    const claimed = dataOf(await claim(driver, printed, spelled(card.uid, ':', true))).claimIdToken;
    expect(claimed).toMatchObject({ id: card.id, value: card.uid, user: { id: driver.id }, organisationId: operator.organisationId });
    expect((await myTokens(driver.accessToken)).map((t: any) => t.id)).toEqual([card.id]);
    // Still the operator's card: they see it, now with its owner.
    expect(dataOf(await tokenById(operator.accessToken, card.id)).idToken).toMatchObject({ id: card.id });

    // Claiming again is harmless; nobody else can have it.
    expect(dataOf(await claim(driver, card.printedNumber, card.uid)).claimIdToken.id).toBe(card.id);
    const other = await aDriver(app);
    expect((await claim(other, card.printedNumber, card.uid)).errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'ID_TOKEN_ALREADY_CLAIMED',
    });
    expect(await myTokens(other.accessToken)).toEqual([]);

    const audit = dataOf(
      await app.gqlAs(operator.accessToken, `{ auditEvents(first: 20, filter: { kinds: [ID_TOKEN_CLAIMED] }) { edges { node { subject actorUserId } } } }`),
    ) as any;
    expect(audit.auditEvents.edges.map((e: any) => e.node)).toContainEqual({ subject: card.uid, actorUserId: driver.id });
  });

  it.each([
    { name: 'a malformed UID', uid: '04:a2:3b' },
    { name: 'a UID that is not hexadecimal', uid: 'hello-card' },
  ])('refuses $name as BAD_USER_INPUT', async ({ uid }) => {
    const driver = await aDriver(app);
    expect(codeOf(await claim(driver, '12345678', uid))).toBe('BAD_USER_INPUT');
  });

  it('records the card\'s owner on the sessions it starts', async () => {
    const operator = await anOperator(app);
    const card = await anOperatorCard(operator);
    const driver = await aDriver(app);
    dataOf(await claim(driver, card.printedNumber, card.uid));
    const { charger, identity } = await aBootedCharger();
    const started = await charger.call('StartTransaction', startTransaction(spelled(card.uid, ':')));
    expect(started.idTagInfo).toEqual({ status: 'Accepted' });
    const sessions = dataOf(
      await app.gql(`query($s: String!) { chargingSessions(filter: { stationIdentity: $s }) { edges { node { transactionId userId idToken { id } } } } }`, { s: identity }),
    ) as any;
    expect(sessions.chargingSessions.edges[0].node).toEqual({ transactionId: started.transactionId, userId: driver.id, idToken: { id: card.id } });
  });
});

describe("a driver's own tokens", () => {
  const mutate = (credential: string | null, name: string, id: string, extra = '') =>
    app.gqlAs<any>(credential, `mutation($id: ID!) { ${name}(id: $id${extra}) { id status label } }`, { id });

  it('creates one app token, names it, blocks it and reports it lost; chargers hear about each', async () => {
    const driver = await aDriver(app);
    const { charger } = await aBootedCharger();
    const created = dataOf(await app.gqlAs(driver.accessToken, `mutation { createAppToken { ${TOKEN} } }`)).createAppToken;
    expect(created).toMatchObject({ type: 'APP', status: 'ACTIVE', user: { id: driver.id }, organisationId: null });
    expect(created.value.length).toBeLessThanOrEqual(20);
    expect(dataOf(await app.gqlAs(driver.accessToken, `mutation { createAppToken { id } }`)).createAppToken.id).toBe(created.id);
    expect(await authorize(charger, created.value)).toEqual({ status: 'Accepted' });

    expect(dataOf(await mutate(driver.accessToken, 'renameIdToken', created.id, ', label: "My phone"')).renameIdToken.label).toBe('My phone');
    expect(dataOf(await mutate(driver.accessToken, 'blockIdToken', created.id)).blockIdToken.status).toBe('BLOCKED');
    expect(await authorize(charger, created.value)).toEqual({ status: 'Blocked' });
    // Lifting a block is staff's.
    expect(codeOf(await mutate(driver.accessToken, 'unblockIdToken', created.id))).toBe('FORBIDDEN');
    expect(dataOf(await mutate(driver.accessToken, 'reportIdTokenLost', created.id)).reportIdTokenLost.status).toBe('LOST');
    expect(await authorize(charger, created.value)).toEqual({ status: 'Blocked' });
    // A new app token replaces the lost one.
    const next = dataOf(await app.gqlAs(driver.accessToken, `mutation { createAppToken { id value } }`)).createAppToken;
    expect(next.id).not.toBe(created.id);

    expect(dataOf(await mutate(driver.accessToken, 'removeIdToken', next.id)).removeIdToken.id).toBe(next.id);
    expect(dataOf(await tokenById(undefined, next.id)).idToken).toBeNull();
    expect(await authorize(charger, next.value)).toEqual({ status: 'Invalid' });
  });

  it("hands an operator's card back blocked when its driver removes it, and it cannot be claimed again", async () => {
    const operator = await anOperator(app);
    const card = await anOperatorCard(operator);
    const driver = await aDriver(app);
    dataOf(await claim(driver, card.printedNumber, card.uid));
    dataOf(await mutate(driver.accessToken, 'removeIdToken', card.id));
    expect(await myTokens(driver.accessToken)).toEqual([]);
    expect(dataOf(await tokenById(operator.accessToken, card.id)).idToken).toMatchObject({ status: 'BLOCKED', user: null });
    expect((await claim(await aDriver(app), card.printedNumber, card.uid)).errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      reason: 'ID_TOKEN_NOT_CLAIMABLE',
    });
  });

  it("cannot see or touch another driver's token: it does not exist for them", async () => {
    const owner = await aDriver(app);
    const stranger = await aDriver(app);
    const token = dataOf(await app.gqlAs(owner.accessToken, `mutation { createAppToken { id value } }`)).createAppToken;

    expect(dataOf(await tokenById(stranger.accessToken, token.id)).idToken).toBeNull();
    expect(dataOf(await app.gqlAs(stranger.accessToken, `query($v: String) { idToken(value: $v) { id } }`, { v: token.value }))).toEqual({ idToken: null });
    expect(await myTokens(stranger.accessToken)).toEqual([]);
    for (const [name, extra] of [['blockIdToken', ''], ['reportIdTokenLost', ''], ['renameIdToken', ', label: "mine"'], ['removeIdToken', '']] as const) {
      expect(codeOf(await mutate(stranger.accessToken, name, token.id, extra))).toBe('NOT_FOUND');
    }
    expect(dataOf(await tokenById(owner.accessToken, token.id)).idToken).toMatchObject({ status: 'ACTIVE', label: 'App' });
  });

  it.each([
    { name: 'issueIdToken', query: `mutation { issueIdToken(input: { value: "${aUid()}" }) { id } }` },
    { name: 'updateIdToken', query: `mutation { updateIdToken(input: { id: "00000000-0000-4000-8000-000000000000", status: ACTIVE }) { id } }` },
    { name: 'unblockIdToken', query: `mutation { unblockIdToken(id: "00000000-0000-4000-8000-000000000000") { id } }` },
    { name: 'importIdTokens', query: `mutation { importIdTokens(csv: "uid\\n${aUid()}\\n") { imported } }` },
    { name: 'grantStationAccess', query: `mutation { grantStationAccess(input: { stationIdentity: "X", parentIdTag: "G" }) { id } }` },
  ])('may not use the operator mutation $name (FORBIDDEN; anonymous: UNAUTHENTICATED)', async ({ query }) => {
    const driver = await aDriver(app);
    expect(codeOf(await app.gqlAs(driver.accessToken, query))).toBe('FORBIDDEN');
    expect(codeOf(await app.gqlAs(null, query))).toBe('UNAUTHENTICATED');
  });
});

describe('operators', () => {
  it("see and manage only the tokens their organisation issued; admins see all", async () => {
    const a = await anOperator(app);
    const b = await anOperator(app);
    const mine = await anOperatorCard(a);
    const theirs = await anOperatorCard(b);

    const listed = await myTokens(a.accessToken);
    expect(listed.map((t: any) => t.id)).toContain(mine.id);
    expect(listed.every((t: any) => t.organisationId === a.organisationId)).toBe(true);
    expect(dataOf(await tokenById(a.accessToken, theirs.id)).idToken).toBeNull();
    expect(codeOf(await app.gqlAs(a.accessToken, `mutation($id: ID!) { blockIdToken(id: $id) { id } }`, { id: theirs.id }))).toBe('NOT_FOUND');
    expect(
      codeOf(await app.gqlAs(a.accessToken, `mutation($id: ID!) { updateIdToken(input: { id: $id, label: "x" }) { id } }`, { id: theirs.id })),
    ).toBe('NOT_FOUND');
    expect(dataOf(await tokenById(b.accessToken, theirs.id)).idToken).toMatchObject({ status: 'ACTIVE', label: null });
    for (const id of [mine.id, theirs.id]) expect(dataOf(await tokenById(undefined, id)).idToken).toMatchObject({ id });

    // Their own: block and unblock, both audited for their organisation.
    dataOf(await app.gqlAs(a.accessToken, `mutation($id: ID!) { blockIdToken(id: $id) { id } }`, { id: mine.id }));
    dataOf(await app.gqlAs(a.accessToken, `mutation($id: ID!) { unblockIdToken(id: $id) { id } }`, { id: mine.id }));
    const audit = dataOf(
      await app.gqlAs(a.accessToken, `{ auditEvents(first: 20, filter: { kinds: [ID_TOKEN_BLOCKED, ID_TOKEN_UNBLOCKED] }) { edges { node { kind subject } } } }`),
    ) as any;
    expect(audit.auditEvents.edges.map((e: any) => e.node)).toEqual([
      { kind: 'ID_TOKEN_UNBLOCKED', subject: mine.uid },
      { kind: 'ID_TOKEN_BLOCKED', subject: mine.uid },
    ]);
  });

  it('issue for their own organisation whatever they name; admins for the one they name', async () => {
    const operator = await anOperator(app);
    const other = await anOrganisation(app);
    const q = `mutation($i: IssueIdTokenInput!) { issueIdToken(input: $i) { organisationId } }`;
    const own = dataOf(await app.gqlAs(operator.accessToken, q, { i: { value: aUid(), organisationId: other.id } })) as any;
    expect(own.issueIdToken.organisationId).toBe(operator.organisationId);
    expect((dataOf(await app.gql(q, { i: { value: aUid(), organisationId: other.id } })) as any).issueIdToken.organisationId).toBe(other.id);
    const missing = await app.gql(q, { i: { value: aUid(), organisationId: '00000000-0000-4000-8000-000000000000' } });
    expect(codeOf(missing)).toBe('NOT_FOUND');
  });

  it('cannot hand a token to a driver (drivers claim cards) nor act as one', async () => {
    const operator = await anOperator(app);
    const driver = await aDriver(app);
    const res = await issue(operator.accessToken, { value: aUid(), userId: driver.id });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'USER_NOT_FOUND' });
    expect(codeOf(await app.gqlAs(operator.accessToken, `mutation { createAppToken { id } }`))).toBe('FORBIDDEN');
    expect(codeOf(await app.gqlAs(operator.accessToken, `mutation { claimIdToken(printedNumber: "1", uid: "${aUid()}") { id } }`))).toBe('FORBIDDEN');
  });
});

describe('CSV import', () => {
  const importCsv = (credential: string, csv: string) =>
    app.gqlAs<{ importIdTokens: { imported: number; idTokens: any[] } }>(
      credential,
      `mutation($csv: String!) { importIdTokens(csv: $csv) { imported idTokens { value printedNumber parentIdTag organisationId status } } }`,
      { csv },
    );
  const exists = async (value: string) =>
    (dataOf(await app.gql(`query($v: String) { idToken(value: $v) { id } }`, { v: value })) as any).idToken !== null;

  it('stores nothing when any line is bad, and names every bad line', async () => {
    const operator = await anOperator(app);
    const good = aUid();
    const csv = ['uid,printedNumber,parentIdTag,expiresAt', `${good},1001,,`, '04:a2:3b,1002,,', `${aUid()},1003,,`, `${aUid()},1004,,next week`].join('\n');
    const res = await importCsv(operator.accessToken, csv);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_ID_TOKEN_IMPORT', errorCount: 2 });
    const errors = res.errors![0]!.extensions!.errors as { line: number; message: string }[];
    expect(errors.map((e) => e.line)).toEqual([3, 5]);
    expect(errors[0]!.message).toMatch(/hex digits/);
    expect(errors[1]!.message).toMatch(/expiresAt/);
    expect(await exists(good)).toBe(false);
  });

  it("imports a good file for the operator's organisation, and refuses a card that exists already (in any spelling)", async () => {
    const operator = await anOperator(app);
    const uids = [aUid(), aUid(7), aUid(10)];
    const csv = `uid,printedNumber,parentIdTag\n${spelled(uids[0]!, ':', true)},2001,FLEET-CSV\n"${spelled(uids[1]!, '-')}",2002,\n${uids[2]},2003,\n`;
    const res = dataOf(await importCsv(operator.accessToken, csv)).importIdTokens;
    expect(res.imported).toBe(3);
    expect(res.idTokens).toEqual([
      { value: uids[0], printedNumber: '2001', parentIdTag: 'FLEET-CSV', organisationId: operator.organisationId, status: 'ACTIVE' },
      { value: uids[1], printedNumber: '2002', parentIdTag: null, organisationId: operator.organisationId, status: 'ACTIVE' },
      { value: uids[2], printedNumber: '2003', parentIdTag: null, organisationId: operator.organisationId, status: 'ACTIVE' },
    ]);
    expect((await myTokens(operator.accessToken)).map((t: any) => t.value).sort()).toEqual([...uids].sort());

    const fresh = aUid();
    const again = await importCsv(operator.accessToken, `uid\n${fresh}\n${spelled(uids[1]!, ' ', true)}\n`);
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', errors: [{ line: 3, message: expect.stringContaining('already registered') }] });
    expect(await exists(fresh)).toBe(false);
  });

  it('refuses a file over the size limit', async () => {
    const operator = await anOperator(app);
    const res = await importCsv(operator.accessToken, `uid\n${'04A23B1C\n'.repeat(130_000)}`);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
  });
});

describe('what chargers are told', () => {
  const past = new Date(Date.now() - 3600_000).toISOString();
  it.each([
    { name: 'a LOST card', patch: { status: 'LOST' }, expected: { status: 'Blocked' } },
    { name: 'a BLOCKED card', patch: { status: 'BLOCKED' }, expected: { status: 'Blocked' } },
    { name: 'an EXPIRED card', patch: { status: 'EXPIRED' }, expected: { status: 'Expired' } },
    { name: 'a card past its expiry', patch: { expiresAt: past }, expected: { status: 'Expired', expiryDate: past } },
    { name: 'a fleet card', patch: { parentIdTag: 'FLEET-9' }, expected: { status: 'Accepted', parentIdTag: 'FLEET-9' } },
  ])('$expected.status for $name', async ({ patch, expected }) => {
    const { charger } = await aBootedCharger();
    const operator = await anOperator(app);
    const card = await anOperatorCard(operator);
    dataOf(await app.gqlAs(operator.accessToken, `mutation($i: UpdateIdTokenInput!) { updateIdToken(input: $i) { id } }`, { i: { id: card.id, ...patch } }));
    expect(await authorize(charger, spelled(card.uid, ':'))).toEqual(expected);
    expect((await charger.call('StartTransaction', startTransaction(card.uid))).idTagInfo).toEqual(expected);
  });

  it('Invalid for a tag nobody issued, and nothing is stored about it', async () => {
    const { charger } = await aBootedCharger();
    const unknown = aUid();
    expect(await authorize(charger, spelled(unknown, ':'))).toEqual({ status: 'Invalid' });
    expect(dataOf(await app.gql(`query($v: String) { idToken(value: $v) { id } }`, { v: unknown }))).toEqual({ idToken: null });
  });
});

describe('parallel sessions', () => {
  let two: TestApp;
  beforeAll(async () => {
    two = await startTestApp({ AUTH_MAX_CONCURRENT_SESSIONS: '2' });
  });
  afterAll(async () => {
    await two?.stop();
  });

  async function startEverywhere(idTag: string, count: number) {
    const answers: string[] = [];
    for (let i = 0; i < count; i++) {
      const { charger } = await aBootedCharger(two);
      const authorized = (await authorize(charger, idTag)).status;
      const started = await charger.call('StartTransaction', startTransaction(idTag));
      answers.push(`${authorized}/${started.idTagInfo.status}`);
    }
    return answers;
  }

  it('allows the configured number of sessions per token, then answers ConcurrentTx', async () => {
    const tag = await anIdToken(two);
    expect(await startEverywhere(tag.value, 3)).toEqual(['Accepted/Accepted', 'Accepted/Accepted', 'ConcurrentTx/ConcurrentTx']);
  });

  it.each([
    { limit: 1, expected: ['Accepted/Accepted', 'ConcurrentTx/ConcurrentTx'] },
    { limit: 3, expected: ['Accepted/Accepted', 'Accepted/Accepted', 'Accepted/Accepted', 'ConcurrentTx/ConcurrentTx'] },
    { limit: 0, expected: ['Accepted/Accepted', 'Accepted/Accepted', 'Accepted/Accepted', 'Accepted/Accepted'] },
  ])('a token with its own limit of $limit (0: none) follows it', async ({ limit, expected }) => {
    const tag = await anIdToken(two, { maxConcurrentSessions: limit });
    expect(await startEverywhere(tag.value, expected.length)).toEqual(expected);
  });

  it('a stopped session frees its place', async () => {
    const tag = await anIdToken(app, { maxConcurrentSessions: null });
    const a = await aBootedCharger();
    const b = await aBootedCharger();
    const { transactionId } = await a.charger.call('StartTransaction', startTransaction(tag.value));
    expect((await authorize(b.charger, tag.value)).status).toBe('ConcurrentTx');
    await a.charger.call('StopTransaction', stopTransaction(transactionId, 2000));
    expect((await authorize(b.charger, tag.value)).status).toBe('Accepted');
  });
});

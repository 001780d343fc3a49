import { randomBytes } from 'node:crypto';
import { createClient } from 'graphql-ws';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aDriver, anOperator, dataOf, logIn, startTestApp, subscribe, TEST_ADMIN, uniqueId, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
beforeAll(async () => {
  // Generous per-address limit: every request of this file comes from 127.0.0.1.
  app = await startTestApp({ AUTH_LOGIN_LIMIT_PER_ADDRESS: '1000' });
});
afterAll(() => app?.stop());

const ME = `query { me { id email role organisationId } }`;
const LOGIN = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken accessTokenExpiresAt user { id role } } }`;
const REFRESH = `mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken } }`;
const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken refreshToken user { id email role } } }`;

const codeOf = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions?.code;
const email = () => `${uniqueId('u').toLowerCase()}@example.test`;

describe('sign-up and login', () => {
  it('a driver signs up, is logged in, and reads themselves with the access token', async () => {
    const address = email();
    const res = dataOf(await app.gqlAs<any>(null, SIGN_UP, { input: { email: address.toUpperCase(), password: 'correct horse', name: 'Ada' } }));
    expect(res.signUp.user).toMatchObject({ email: address, role: 'DRIVER' });
    const me = dataOf(await app.gqlAs<any>(res.signUp.accessToken, ME));
    expect(me.me).toMatchObject({ id: res.signUp.user.id, email: address, role: 'DRIVER', organisationId: null });
    const login = dataOf(await app.gqlAs<any>(null, LOGIN, { e: ` ${address.toUpperCase()} `, p: 'correct horse' }));
    expect(login.login.user.id).toBe(res.signUp.user.id);
    expect(Date.parse(login.login.accessTokenExpiresAt)).toBeGreaterThan(Date.now());
  });

  it('a second account with the same email, in any case, is a CONFLICT', async () => {
    const address = email();
    dataOf(await app.gqlAs(null, SIGN_UP, { input: { email: address, password: 'password-one', name: 'A' } }));
    const res = await app.gqlAs(null, SIGN_UP, { input: { email: address.toUpperCase(), password: 'password-two', name: 'B' } });
    expect(codeOf(res)).toBe('CONFLICT');
    expect(codeOf(await app.gqlAs(null, LOGIN, { e: address, p: 'password-two' }))).toBe('UNAUTHENTICATED');
  });

  it.each([
    { name: 'a short password', input: { email: 'x@example.test', password: 'short', name: 'A' } },
    { name: 'an oversized password', input: { email: 'x@example.test', password: 'p'.repeat(257), name: 'A' } },
    { name: 'a malformed email', input: { email: 'not-an-email', password: 'long enough', name: 'A' } },
    { name: 'an empty name', input: { email: 'x@example.test', password: 'long enough', name: '  ' } },
    { name: 'an oversized name', input: { email: 'x@example.test', password: 'long enough', name: 'n'.repeat(201) } },
    { name: 'a password of the wrong type', input: { email: 'x@example.test', password: 12345678, name: 'A' } },
  ])('sign-up with $name is BAD_USER_INPUT and stores nothing', async ({ input }) => {
    const res = await app.gqlAs(null, SIGN_UP, { input: { ...input, email: input.email === 'x@example.test' ? email() : input.email } });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toBeTruthy();
  });

  it('an unknown email and a wrong password get the same answer', async () => {
    const driver = await aDriver(app);
    const unknown = await app.gqlAs(null, LOGIN, { e: email(), p: 'whatever-password' });
    const wrong = await app.gqlAs(null, LOGIN, { e: driver.email, p: 'whatever-password' });
    expect(unknown.errors).toEqual(wrong.errors);
    expect(codeOf(wrong)).toBe('UNAUTHENTICATED');
  });

  it('an unknown email costs a password check too (no fast "no such user")', async () => {
    const driver = await aDriver(app);
    const time = async (e: string) => {
      const t0 = performance.now();
      await app.gqlAs(null, LOGIN, { e, p: 'some wrong password' });
      return performance.now() - t0;
    };
    const unknown: number[] = [];
    const known: number[] = [];
    // Alternate, a few rounds (under the per-account limit), and compare medians loosely: the
    // point is that the unknown email is not answered in a fraction of the time.
    for (let i = 0; i < 4; i++) {
      unknown.push(await time(email()));
      known.push(await time(driver.email));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.4);
  });

  it('requests without a token reach only public fields; a garbage or foreign token is UNAUTHENTICATED', async () => {
    expect(codeOf(await app.gqlAs(null, ME))).toBe('UNAUTHENTICATED');
    const garbage = await app.gqlAs('not-a-jwt', ME);
    expect(codeOf(garbage)).toBe('UNAUTHENTICATED');
    expect(garbage.errors?.[0]?.message).toMatch(/invalid|expired/);
    const driver = await aDriver(app);
    // Same claims, another key: refused.
    const forged = await new SignJWT({ ver: 0 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(driver.id)
      .setIssuer('voltline-csms')
      .setAudience('voltline-csms:api')
      .setExpirationTime('10m')
      .sign(randomBytes(32));
    expect(codeOf(await app.gqlAs(forged, ME))).toBe('UNAUTHENTICATED');
    // alg "none" is never accepted.
    const [, payload] = driver.accessToken.split('.');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    expect(codeOf(await app.gqlAs(unsigned, ME))).toBe('UNAUTHENTICATED');
    // The public login still works with a bad header present.
    expect(codeOf(await app.gqlAs('garbage', LOGIN, { e: driver.email, p: driver.password }))).toBeUndefined();
  });
});

describe('refresh tokens rotate; a reused one revokes its family', () => {
  it('each refresh token works once and yields a working pair', async () => {
    const driver = await aDriver(app);
    const first = dataOf(await app.gqlAs<any>(null, REFRESH, { t: driver.refreshToken })).refreshSession;
    expect(first.refreshToken).not.toBe(driver.refreshToken);
    expect(dataOf(await app.gqlAs<any>(first.accessToken, ME)).me.id).toBe(driver.id);
    const second = dataOf(await app.gqlAs<any>(null, REFRESH, { t: first.refreshToken })).refreshSession;

    // The first token, used again: refused, and the newest token of the family dies with it.
    expect(codeOf(await app.gqlAs(null, REFRESH, { t: driver.refreshToken }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await app.gqlAs(null, REFRESH, { t: second.refreshToken }))).toBe('UNAUTHENTICATED');
    const audit = dataOf(
      await app.gql<any>(`query { auditEvents(first: 20, filter: { kinds: [REFRESH_TOKEN_REUSED] }) { edges { node { actorUserId } } } }`),
    );
    expect(audit.auditEvents.edges.map((e: any) => e.node.actorUserId)).toContain(driver.id);
  });

  it('two refreshes racing with one token: exactly one wins', async () => {
    const driver = await aDriver(app);
    const results = await Promise.all([1, 2, 3].map(() => app.gqlAs<any>(null, REFRESH, { t: driver.refreshToken })));
    expect(results.filter((r) => !r.errors).length).toBeLessThanOrEqual(1);
  });

  it('another login of the same person is another family and survives', async () => {
    const driver = await aDriver(app);
    const other = await logIn(app, driver.email, driver.password);
    dataOf(await app.gqlAs(null, REFRESH, { t: driver.refreshToken }));
    expect(codeOf(await app.gqlAs(null, REFRESH, { t: driver.refreshToken }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await app.gqlAs(null, REFRESH, { t: other.refreshToken }))).toBeUndefined();
  });

  it('malformed refresh tokens are refused cleanly', async () => {
    expect(codeOf(await app.gqlAs(null, REFRESH, { t: 'rt_nope' }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await app.gqlAs(null, REFRESH, { t: 'x'.repeat(10_000) }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await app.gqlAs(null, REFRESH, { t: 42 }))).toBe('BAD_USER_INPUT');
  });
});

describe('logout, password change and reset', () => {
  it('logout ends that login', async () => {
    const driver = await aDriver(app);
    expect(dataOf(await app.gqlAs<any>(null, `mutation($t: String!) { logout(refreshToken: $t) }`, { t: driver.refreshToken })).logout).toBe(true);
    expect(codeOf(await app.gqlAs(null, REFRESH, { t: driver.refreshToken }))).toBe('UNAUTHENTICATED');
  });

  it('logoutEverywhere voids access tokens at once', async () => {
    const driver = await aDriver(app);
    dataOf(await app.gqlAs(driver.accessToken, `mutation { logoutEverywhere }`));
    expect(codeOf(await app.gqlAs(driver.accessToken, ME))).toBe('UNAUTHENTICATED');
    expect(codeOf(await app.gqlAs(null, REFRESH, { t: driver.refreshToken }))).toBe('UNAUTHENTICATED');
  });

  it('changePassword needs the current password and ends the other logins', async () => {
    const driver = await aDriver(app);
    const change = `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { accessToken } }`;
    expect(codeOf(await app.gqlAs(driver.accessToken, change, { c: 'wrong password', n: 'a new password' }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await app.gqlAs(driver.accessToken, change, { c: driver.password, n: 'short' }))).toBe('BAD_USER_INPUT');
    const fresh = dataOf(await app.gqlAs<any>(driver.accessToken, change, { c: driver.password, n: 'a new password' })).changePassword;
    expect(codeOf(await app.gqlAs(driver.accessToken, ME))).toBe('UNAUTHENTICATED');
    expect(codeOf(await app.gqlAs(null, REFRESH, { t: driver.refreshToken }))).toBe('UNAUTHENTICATED');
    expect(dataOf(await app.gqlAs<any>(fresh.accessToken, ME)).me.id).toBe(driver.id);
    expect(codeOf(await app.gqlAs(null, LOGIN, { e: driver.email, p: driver.password }))).toBe('UNAUTHENTICATED');
    await logIn(app, driver.email, 'a new password');
  });

  it('requestPasswordReset answers the same for known and unknown emails', async () => {
    const driver = await aDriver(app);
    const req = `mutation($e: String!) { requestPasswordReset(email: $e) }`;
    const known = await app.gqlAs(null, req, { e: driver.email });
    const unknown = await app.gqlAs(null, req, { e: email() });
    expect(known).toEqual(unknown);
    expect(known).toEqual({ data: { requestPasswordReset: true } });
    const audit = dataOf(
      await app.gql<any>(`query { auditEvents(first: 50, filter: { kinds: [PASSWORD_RESET_REQUESTED] }) { edges { node { subject } } } }`),
    );
    expect(audit.auditEvents.edges.map((e: any) => e.node.subject)).toContain(driver.email);
  });

  it('a reset token works once, ends every login, and sets the new password', async () => {
    const driver = await aDriver(app);
    const issued = dataOf(
      await app.gql<any>(`mutation($u: ID!) { issuePasswordReset(userId: $u) { token expiresAt } }`, { u: driver.id }),
    ).issuePasswordReset;
    const reset = `mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) }`;
    expect(codeOf(await app.gqlAs(null, reset, { t: issued.token, p: 'short' }))).toBe('BAD_USER_INPUT');
    expect(dataOf(await app.gqlAs<any>(null, reset, { t: issued.token, p: 'reset password 1' })).resetPassword).toBe(true);
    expect(codeOf(await app.gqlAs(null, reset, { t: issued.token, p: 'reset password 2' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await app.gqlAs(driver.accessToken, ME))).toBe('UNAUTHENTICATED');
    expect(codeOf(await app.gqlAs(null, REFRESH, { t: driver.refreshToken }))).toBe('UNAUTHENTICATED');
    await logIn(app, driver.email, 'reset password 1');
    expect(codeOf(await app.gqlAs(null, LOGIN, { e: driver.email, p: 'reset password 2' }))).toBe('UNAUTHENTICATED');
  });

  it('only admins issue reset tokens', async () => {
    const driver = await aDriver(app);
    const operator = await anOperator(app);
    const issue = `mutation($u: ID!) { issuePasswordReset(userId: $u) { token } }`;
    expect(codeOf(await app.gqlAs(driver.accessToken, issue, { u: driver.id }))).toBe('FORBIDDEN');
    expect(codeOf(await app.gqlAs(operator.accessToken, issue, { u: driver.id }))).toBe('FORBIDDEN');
    expect(codeOf(await app.gqlAs(null, issue, { u: driver.id }))).toBe('UNAUTHENTICATED');
  });
});

describe('roles and accounts managed by admins', () => {
  it('a role change applies to the next request; disabling an account voids its tokens', async () => {
    const driver = await aDriver(app);
    const org = dataOf(await app.gql<any>(`mutation($n: String!) { createOrganisation(name: $n) { id } }`, { n: uniqueId('Org') }));
    const users = `query { users(first: 5) { edges { node { id } } } }`;
    expect(codeOf(await app.gqlAs(driver.accessToken, users))).toBe('FORBIDDEN');
    dataOf(
      await app.gql(`mutation($u: ID!, $o: ID) { setUserRole(userId: $u, role: OPERATOR, organisationId: $o) { role } }`, {
        u: driver.id,
        o: org.createOrganisation.id,
      }),
    );
    expect(codeOf(await app.gqlAs(driver.accessToken, users))).toBeUndefined();
    expect(dataOf(await app.gqlAs<any>(driver.accessToken, ME)).me).toMatchObject({ role: 'OPERATOR', organisationId: org.createOrganisation.id });

    dataOf(await app.gql(`mutation($u: ID!) { setUserDisabled(userId: $u, disabled: true) { disabled } }`, { u: driver.id }));
    expect(codeOf(await app.gqlAs(driver.accessToken, ME))).toBe('UNAUTHENTICATED');
    expect(codeOf(await app.gqlAs(null, LOGIN, { e: driver.email, p: driver.password }))).toBe('UNAUTHENTICATED');
  });

  it('an operator must belong to an organisation that exists', async () => {
    const create = `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`;
    expect(codeOf(await app.gql(create, { i: { name: 'X', email: email(), role: 'OPERATOR' } }))).toBe('BAD_USER_INPUT');
    expect(
      codeOf(await app.gql(create, { i: { name: 'X', email: email(), role: 'OPERATOR', organisationId: '00000000-0000-4000-8000-000000000000' } })),
    ).toBe('BAD_USER_INPUT');
  });

  it('operators see their own staff but not another organisation\'s, nor the admin', async () => {
    const a = await anOperator(app);
    const a2 = await anOperator(app, a.organisationId);
    const b = await anOperator(app);
    const ids = (res: any) => dataOf<any>(res).users.edges.map((e: any) => e.node.id);
    const seen = ids(await app.gqlAs(a.accessToken, `query { users(first: 200) { edges { node { id } } } }`));
    expect(seen).toEqual(expect.arrayContaining([a.id, a2.id]));
    expect(seen).not.toContain(b.id);
    expect(dataOf<any>(await app.gqlAs(a.accessToken, `query($u: ID!) { user(id: $u) { id } }`, { u: b.id })).user).toBeNull();
  });
});

describe('the first admin', () => {
  it('is created once from ADMIN_EMAIL and ADMIN_PASSWORD and never overwritten', async () => {
    const adminEmail = email();
    const first = await startTestApp({ ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: 'first admin password' });
    try {
      const login = dataOf(await first.gqlAs<any>(null, LOGIN, { e: adminEmail, p: 'first admin password' }));
      expect(login.login.user.role).toBe('ADMIN');
    } finally {
      await first.stop();
    }
    const second = await startTestApp({ ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: 'another password!' });
    try {
      expect(codeOf(await second.gqlAs(null, LOGIN, { e: adminEmail, p: 'another password!' }))).toBe('UNAUTHENTICATED');
      dataOf(await second.gqlAs(null, LOGIN, { e: adminEmail, p: 'first admin password' }));
    } finally {
      await second.stop();
    }
  });
});

describe('rate limits', () => {
  it('locks an account after repeated failures, even for the right password, and not its neighbours', async () => {
    const driver = await aDriver(app);
    const other = await aDriver(app);
    for (let i = 0; i < 5; i++) {
      expect(codeOf(await app.gqlAs(null, LOGIN, { e: driver.email, p: 'wrong password!' }))).toBe('UNAUTHENTICATED');
    }
    const locked = await app.gqlAs(null, LOGIN, { e: driver.email, p: driver.password });
    expect(codeOf(locked)).toBe('RATE_LIMITED');
    expect(locked.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    // Unknown accounts lock the same way: the limit does not tell who exists.
    const ghost = email();
    for (let i = 0; i < 5; i++) await app.gqlAs(null, LOGIN, { e: ghost, p: 'wrong password!' });
    expect(codeOf(await app.gqlAs(null, LOGIN, { e: ghost, p: 'wrong password!' }))).toBe('RATE_LIMITED');
    await logIn(app, other.email, other.password);
  });

  it('limits failures per address across accounts', async () => {
    const limited = await startTestApp({ AUTH_LOGIN_LIMIT_PER_ADDRESS: '3' });
    try {
      for (let i = 0; i < 3; i++) await limited.gqlAs(null, LOGIN, { e: email(), p: 'wrong password!' });
      expect(codeOf(await limited.gqlAs(null, LOGIN, { e: TEST_ADMIN.email, p: TEST_ADMIN.password }))).toBe('RATE_LIMITED');
      expect(codeOf(await limited.gqlAs(null, REFRESH, { t: 'rt_guess' }))).toBe('RATE_LIMITED');
    } finally {
      await limited.stop();
    }
  });
});

describe('graphql-ws authentication', () => {
  it('accepts the access token as connection param `authorization`', async () => {
    const driver = await aDriver(app);
    const sub = await subscribe<any>(app.url, `subscription { stationStatusChanged { stationIdentity } }`, {}, driver.accessToken);
    await sub.close();
    // A refused credential closes the connection during the handshake.
    await expect(subscribe(app.url, `subscription { stationStatusChanged { stationIdentity } }`, {}, 'garbage')).rejects.toBeTruthy();
  });

  it('an anonymous connection cannot subscribe', async () => {
    const sub = await subscribe<any>(app.url, `subscription { stationStatusChanged { stationIdentity } }`, {}, null);
    await expect(sub.next(() => true, 1000)).rejects.toThrow(/UNAUTHENTICATED/);
    await sub.close();
  });
});

describe('a graphql-ws connection does not outlive its credential', () => {
  it('is closed with 4403 once its login is ended, and an untouched one stays open', async () => {
    const short = await startTestApp({ AUTH_WS_RECHECK_INTERVAL: '1' });
    try {
      const open = async (token: string) => {
        const closed: number[] = [];
        const client = createClient({
          url: `${short.url.replace(/^http/, 'ws')}/graphql`,
          webSocketImpl: WebSocket,
          retryAttempts: 0,
          lazy: false,
          connectionParams: { authorization: `Bearer ${token}` },
        });
        client.on('closed', (e) => closed.push((e as { code: number }).code));
        await new Promise<void>((resolve) => client.on('connected', () => resolve()));
        client.subscribe({ query: `subscription { stationStatusChanged { stationIdentity } }` }, { next: () => {}, error: () => {}, complete: () => {} });
        return { client, closed };
      };
      const leaving = await aDriver(short);
      const staying = await aDriver(short);
      const a = await open(leaving.accessToken);
      const b = await open(staying.accessToken);
      dataOf(await short.gqlAs(leaving.accessToken, `mutation { logoutEverywhere }`));
      const deadline = Date.now() + 5000;
      while (a.closed.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(a.closed).toEqual([4403]);
      expect(b.closed).toEqual([]);
      await a.client.dispose();
      await b.client.dispose();
    } finally {
      await short.stop();
    }
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connectCharger, HandshakeRefusedError, type ChargerClientOptions } from '../helpers/charger-client.js';
import { aStation, dataOf, startTestApp, uniqueId, type GqlResponse, type TestApp } from '../helpers/test-app.js';

const setPassword = `mutation($s: String!, $p: String) {
  setStationPassword(stationIdentity: $s, password: $p) { generatedPassword station { identity securityProfile hasPassword } }
}`;
const stationQuery = `query($s: String!) { station(identity: $s) { identity securityProfile hasPassword online } }`;
const updateProfile = `mutation($s: String!, $p: Int) { updateStation(input: { identity: $s, securityProfile: $p }) { securityProfile } }`;

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** A registered station with a password given at registration. */
async function aSecuredStation(app: TestApp) {
  const password = `pw-${uniqueId('X')}-0123456789`;
  const { identity } = await aStation(app, { password });
  return { identity, password };
}

async function station(app: TestApp, identity: string) {
  return (dataOf(await app.gql(stationQuery, { s: identity })) as any).station;
}

/** Connects and closes again; resolves 'connected' or the refusal's status. */
async function attempt(app: TestApp, identity: string, options: ChargerClientOptions = {}): Promise<'connected' | number> {
  try {
    const charger = await connectCharger(app.ocppUrl, identity, options);
    await charger.call('Heartbeat', {});
    await charger.close();
    return 'connected';
  } catch (err) {
    if (err instanceof HandshakeRefusedError) return err.status;
    throw err;
  }
}

async function refusal(app: TestApp, identity: string, options: ChargerClientOptions = {}): Promise<HandshakeRefusedError> {
  const err = await connectCharger(app.ocppUrl, identity, options).then(
    async (c) => {
      await c.close();
      throw new Error(`${identity} was let in`);
    },
    (e) => e,
  );
  expect(err).toBeInstanceOf(HandshakeRefusedError);
  return err;
}

interface AuditRow {
  kind: string;
  subject: string;
  remote_address: string | null;
  details: Record<string, any>;
}

async function auditRows(app: TestApp, subject: string, kind?: string): Promise<AuditRow[]> {
  const { rows } = await app.database.pool.query<AuditRow>(
    `select kind, subject, remote_address, details from audit_event
      where subject = $1 and ($2::text is null or kind = $2) order by id`,
    [subject, kind ?? null],
  );
  return rows;
}

describe('a station with a password (security profile 1)', () => {
  let app: TestApp;
  let other: TestApp;
  beforeAll(async () => {
    // Two nodes on one database, as in production: a password changed on one counts on the other.
    [app, other] = await Promise.all([startTestApp(), startTestApp()]);
  });
  afterAll(() => Promise.all([app?.stop(), other?.stop()]));

  it.each([
    { name: 'no Authorization header', auth: () => undefined, expected: 401, reason: 'NO_CREDENTIALS' },
    { name: 'a wrong password', auth: (id: string) => ({ user: id, password: 'not-the-password-at-all' }), expected: 401, reason: 'WRONG_PASSWORD' },
    { name: 'a username that is not the identity', auth: (_id: string, pw: string) => ({ user: 'SOMEONE-ELSE', password: pw }), expected: 401, reason: 'WRONG_USERNAME' },
    { name: 'the identity and the right password', auth: (id: string, pw: string) => ({ user: id, password: pw }), expected: 'connected', reason: null },
  ])('with $name: $expected', async ({ auth, expected, reason }) => {
    const { identity, password } = await aSecuredStation(app);
    const credentials = auth(identity, password);
    expect(await attempt(app, identity, { auth: credentials })).toBe(expected);
    const refusals = await auditRows(app, identity, 'CHARGER_REFUSED');
    if (reason) {
      const err = await refusal(app, identity, { auth: credentials });
      expect(err.headers['www-authenticate']).toBe('Basic realm="OCPP"');
      expect(refusals).toEqual([
        expect.objectContaining({ remote_address: '127.0.0.1', details: expect.objectContaining({ reason, tls: false, requiredProfile: 1 }) }),
      ]);
    } else {
      expect(refusals).toEqual([]);
      expect(await station(app, identity)).toMatchObject({ securityProfile: 1, hasPassword: true });
    }
  });

  it.each([
    ['another scheme', 'Bearer abcdef'],
    ['base64 that is not base64', 'Basic !!!!'],
    ['credentials without a colon', `Basic ${Buffer.from('no-colon-here').toString('base64')}`],
    ['an empty Basic header', 'Basic '],
  ])('refuses a malformed Authorization header (%s) with 401', async (_name, authorization) => {
    const { identity } = await aSecuredStation(app);
    const err = await refusal(app, identity, { wsOptions: { headers: { authorization } } });
    expect(err.status).toBe(401);
    expect((await auditRows(app, identity, 'CHARGER_REFUSED'))[0]?.details.reason).toBe('MALFORMED_CREDENTIALS');
  });

  it('generates a password when none is given, shows it once, and it works', async () => {
    const { identity } = await aStation(app);
    const res = dataOf(await app.gql(setPassword, { s: identity })) as any;
    const generated: string = res.setStationPassword.generatedPassword;
    expect(generated).toMatch(/^[0-9a-f]{32}$/);
    expect(res.setStationPassword.station).toEqual({ identity, securityProfile: 1, hasPassword: true });
    expect(await attempt(app, identity)).toBe(401);
    expect(await attempt(app, identity, { auth: { user: identity, password: generated } })).toBe('connected');

    // Nowhere to read it (or its hash) back.
    const fields = (dataOf(await app.gql(`{ __type(name: "Station") { fields { name } } }`)) as any).__type.fields.map((f: any) => f.name);
    expect(fields.filter((f: string) => /password|hash/i.test(f))).toEqual(['hasPassword']);
    const { rows } = await app.database.pool.query('select password_hash from station where identity = $1', [identity]);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$/);
    expect(rows[0].password_hash).not.toContain(generated);

    // Generating again gives another one; the first stops working.
    const again = (dataOf(await app.gql(setPassword, { s: identity })) as any).setStationPassword.generatedPassword;
    expect(again).not.toBe(generated);
    expect(await attempt(app, identity, { auth: { user: identity, password: generated } })).toBe(401);
    expect(await attempt(app, identity, { auth: { user: identity, password: again } })).toBe('connected');

    const sets = await auditRows(app, identity, 'STATION_PASSWORD_SET');
    expect(sets.map((r) => r.details)).toEqual([
      { generated: true, rotated: false, securityProfile: 1 },
      { generated: true, rotated: true, securityProfile: 1 },
    ]);
    expect(JSON.stringify(sets)).not.toContain(generated);
  });

  it('a given password is not echoed back', async () => {
    const { identity } = await aStation(app);
    const res = dataOf(await app.gql(setPassword, { s: identity, p: 'operator-chosen-pass' })) as any;
    expect(res.setStationPassword).toEqual({ generatedPassword: null, station: { identity, securityProfile: 1, hasPassword: true } });
    expect(await attempt(app, identity, { auth: { user: identity, password: 'operator-chosen-pass' } })).toBe('connected');
    expect((await auditRows(app, identity, 'STATION_PASSWORD_SET')).map((r) => r.details)).toEqual([
      { generated: false, rotated: false, securityProfile: 1 },
    ]);
  });

  it('a station registered with a password has it from the start', async () => {
    const { identity, password } = await aSecuredStation(app);
    expect(await station(app, identity)).toMatchObject({ securityProfile: 1, hasPassword: true });
    expect((await auditRows(app, identity, 'STATION_PASSWORD_SET')).map((r) => r.details)).toEqual([
      { generated: false, rotated: false, securityProfile: 1 },
    ]);
    expect(await attempt(app, identity, { auth: { user: identity, password } })).toBe('connected');
  });

  it('rotation locks the old password out at once, even where it was just checked, on every node', async () => {
    const { identity, password: old } = await aSecuredStation(app);
    // Checked (and remembered) on both nodes.
    expect(await attempt(app, identity, { auth: { user: identity, password: old } })).toBe('connected');
    expect(await attempt(other, identity, { auth: { user: identity, password: old } })).toBe('connected');
    expect(await attempt(other, identity, { auth: { user: identity, password: old } })).toBe('connected');

    const fresh = 'the-new-password-0042';
    dataOf(await app.gql(setPassword, { s: identity, p: fresh }));
    for (const node of [app, other]) {
      expect(await attempt(node, identity, { auth: { user: identity, password: old } })).toBe(401);
      expect(await attempt(node, identity, { auth: { user: identity, password: fresh } })).toBe('connected');
    }
  });

  it.each([
    ['15 characters', 'a'.repeat(15)],
    ['41 characters', 'a'.repeat(41)],
    ['non-ASCII characters', 'pässwörd-pässwörd-1'],
    ['a line break', 'abcdefghij\nklmnopqrs'],
  ])('refuses a password of %s with BAD_USER_INPUT and changes nothing', async (_name, bad) => {
    const { identity, password } = await aSecuredStation(app);
    const res = await app.gql(setPassword, { s: identity, p: bad });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    expect(res.errors?.[0]?.message).not.toContain(bad);
    expect(await attempt(app, identity, { auth: { user: identity, password } })).toBe('connected');
    expect(await auditRows(app, identity, 'STATION_PASSWORD_SET')).toHaveLength(1);

    const unsecured = await aStation(app);
    expect((await app.gql(setPassword, { s: unsecured.identity, p: bad })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await station(app, unsecured.identity)).toMatchObject({ securityProfile: 0, hasPassword: false });

    const newIdentity = uniqueId('BADPW');
    const reg = await app.gql(`mutation($i: RegisterStationInput!) { registerStation(input: $i) { id } }`, {
      i: { identity: newIdentity, name: 'x', password: bad },
    });
    expect(reg.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    expect(await station(app, newIdentity)).toBeNull();
  });

  it('setting the password of a station that does not exist is NOT_FOUND', async () => {
    const res = await app.gql(setPassword, { s: uniqueId('NOPE') });
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('audits a charger retrying a wrong password once a minute, not once a try', async () => {
    const { identity } = await aSecuredStation(app);
    for (let i = 0; i < 5; i++) {
      expect(await attempt(app, identity, { auth: { user: identity, password: `wrong-password-${i}-xxxx` } })).toBe(401);
    }
    expect(await attempt(app, identity)).toBe(401);
    expect((await auditRows(app, identity, 'CHARGER_REFUSED')).map((r) => r.details.reason)).toEqual(['WRONG_PASSWORD', 'NO_CREDENTIALS']);
  });

  it('an operator can require TLS (profile 2), audited; a station without a password can require nothing', async () => {
    const { identity, password } = await aSecuredStation(app);
    expect(dataOf(await app.gql(updateProfile, { s: identity, p: 2 }))).toEqual({ updateStation: { securityProfile: 2 } });
    const err = await refusal(app, identity, { auth: { user: identity, password } });
    expect(err.status).toBe(401);
    expect((await auditRows(app, identity, 'CHARGER_REFUSED'))[0].details).toMatchObject({ reason: 'PROFILE_DOWNGRADE', requiredProfile: 2 });
    expect((await auditRows(app, identity, 'STATION_ACCESS_CHANGED')).map((r) => r.details)).toEqual([
      { securityProfile: { from: 1, to: 2 } },
    ]);
    // A deliberate step back lets plain ws in again.
    dataOf(await app.gql(updateProfile, { s: identity, p: 1 }));
    expect(await attempt(app, identity, { auth: { user: identity, password } })).toBe('connected');

    for (const p of [0, 3, -1]) {
      expect((await app.gql(updateProfile, { s: identity, p })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'securityProfile' });
    }
    const unsecured = await aStation(app);
    for (const p of [1, 2]) {
      expect((await app.gql(updateProfile, { s: unsecured.identity, p })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'securityProfile' });
    }
    expect(await station(app, unsecured.identity)).toMatchObject({ securityProfile: 0 });
  });
});

describe('stations without a password (profile 0) and unknown identities', () => {
  let open: TestApp;
  let strict: TestApp;
  beforeAll(async () => {
    [open, strict] = await Promise.all([
      startTestApp(),
      startTestApp({ OCPP_ALLOW_UNSECURED: 'false', OCPP_AUTO_REGISTER: 'true' }),
    ]);
  });
  afterAll(() => Promise.all([open?.stop(), strict?.stop()]));

  it('connect without Basic auth by default (OCPP_ALLOW_UNSECURED=true), credentials or not', async () => {
    const { identity } = await aStation(open);
    expect(await attempt(open, identity)).toBe('connected');
    expect(await attempt(open, identity, { auth: { user: identity, password: 'whatever-they-send' } })).toBe('connected');
    expect(await station(open, identity)).toMatchObject({ securityProfile: 0, hasPassword: false });
  });

  it('are refused with 401 when OCPP_ALLOW_UNSECURED=false, and audited', async () => {
    const { identity } = await aStation(strict);
    const err = await refusal(strict, identity);
    expect(err.status).toBe(401);
    expect(err.headers['www-authenticate']).toBe('Basic realm="OCPP"');
    expect((await auditRows(strict, identity, 'CHARGER_REFUSED'))[0].details).toMatchObject({ reason: 'UNSECURED_NOT_ALLOWED' });
    // Given a password, the same station is in.
    const generated = (dataOf(await strict.gql(setPassword, { s: identity })) as any).setStationPassword.generatedPassword;
    expect(await attempt(strict, identity, { auth: { user: identity, password: generated } })).toBe('connected');
  });

  it('auto-registration still registers, but an unsecured newcomer waits for a password where profile 0 is off', async () => {
    const identity = uniqueId('AUTO');
    expect(await attempt(strict, identity)).toBe(401);
    expect(await station(strict, identity)).toMatchObject({ identity, securityProfile: 0, hasPassword: false });
  });

  it('an unknown identity is refused with 404 and audited with the address it came from', async () => {
    const identity = uniqueId('GHOST');
    const err = await refusal(open, identity, { auth: { user: identity, password: 'guessing-a-password' } });
    expect(err.status).toBe(404);
    expect(await auditRows(open, identity)).toEqual([
      { kind: 'CHARGER_REFUSED', subject: identity, remote_address: '127.0.0.1', details: { reason: 'UNKNOWN_IDENTITY', tls: false, repeatedSincePrevious: 0 } },
    ]);
    expect(await station(open, identity)).toBeNull();
  });
});

describe('behind a TLS-terminating proxy (TRUST_PROXY)', () => {
  let proxied: TestApp;
  let direct: TestApp;
  beforeAll(async () => {
    [proxied, direct] = await Promise.all([startTestApp({ TRUST_PROXY: 'true' }), startTestApp()]);
  });
  afterAll(() => Promise.all([proxied?.stop(), direct?.stop()]));

  const viaTls = (extra: Record<string, string> = {}) => ({ wsOptions: { headers: { 'x-forwarded-proto': 'https', ...extra } } });

  it('counts X-Forwarded-Proto: https as TLS: profile 2, and no way back to plain ws', async () => {
    const { identity, password } = await aSecuredStation(proxied);
    const auth = { user: identity, password };
    expect(await attempt(proxied, identity, { auth, ...viaTls() })).toBe('connected');
    expect(await station(proxied, identity)).toMatchObject({ securityProfile: 2 });

    const err = await refusal(proxied, identity, { auth, wsOptions: { headers: { 'x-forwarded-proto': 'http', 'x-forwarded-for': '203.0.113.5' } } });
    expect(err.status).toBe(401);
    expect(await auditRows(proxied, identity, 'CHARGER_REFUSED')).toEqual([
      expect.objectContaining({ remote_address: '203.0.113.5', details: expect.objectContaining({ reason: 'PROFILE_DOWNGRADE', requiredProfile: 2, tls: false }) }),
    ]);
    expect(await attempt(proxied, identity, { auth, ...viaTls() })).toBe('connected');
    expect(await station(proxied, identity)).toMatchObject({ securityProfile: 2 });
  });

  it('ignores the headers when the proxy is not trusted', async () => {
    const { identity, password } = await aSecuredStation(direct);
    expect(await attempt(direct, identity, { auth: { user: identity, password }, ...viaTls() })).toBe('connected');
    expect(await station(direct, identity)).toMatchObject({ securityProfile: 1 });
  });
});

describe('TLS on the server itself (profile 2)', () => {
  let dir: string;
  let tls: TestApp;
  let plain: TestApp;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'csms-tls-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'),
    ], { stdio: 'ignore' });
    // startTestApp logs the admin in with fetch, which must accept this test's self-signed certificate.
    const rejectUnauthorized = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    try {
      [tls, plain] = await Promise.all([
        startTestApp({ TLS_CERT_FILE: join(dir, 'c.pem'), TLS_KEY_FILE: join(dir, 'k.pem') }),
        startTestApp(),
      ]);
    } finally {
      if (rejectUnauthorized === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = rejectUnauthorized;
    }
  });
  afterAll(async () => {
    await Promise.all([tls?.stop(), plain?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const insecureTls = { rejectUnauthorized: false };

  /** GraphQL over HTTPS on the same port the chargers use. */
  function httpsGql<T = any>(query: string, variables?: Record<string, unknown>): Promise<GqlResponse<T>> {
    return new Promise((resolve, reject) => {
      const req = request(
        `${tls.url}/graphql`,
        { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tls.adminToken}` }, ...insecureTls },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve(JSON.parse(body)));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ query, variables }));
    });
  }

  it('serves GraphQL over https and chargers over wss on one port; a station on wss with its password reaches profile 2', async () => {
    expect(tls.url).toMatch(/^https:\/\//);
    expect(tls.ocppUrl).toMatch(/^wss:\/\//);
    const identity = uniqueId('TLS');
    const password = 'tls-station-password-01';
    dataOf(await httpsGql(`mutation($i: RegisterStationInput!) { registerStation(input: $i) { id } }`, { i: { identity, name: 'TLS', password } }));

    expect(await attempt(tls, identity, { wsOptions: insecureTls })).toBe(401);
    const charger = await connectCharger(tls.ocppUrl, identity, { auth: { user: identity, password }, wsOptions: insecureTls });
    expect(await charger.call('Heartbeat', {})).toHaveProperty('currentTime');
    const seen = (dataOf(await httpsGql(stationQuery, { s: identity })) as any).station;
    expect(seen).toMatchObject({ securityProfile: 2, hasPassword: true, online: true });
    await charger.close();

    // The same station, its password right, on plain ws (another node without TLS): refused.
    const err = await refusal(plain, identity, { auth: { user: identity, password } });
    expect(err.status).toBe(401);
    expect((await auditRows(plain, identity, 'CHARGER_REFUSED')).map((r) => r.details)).toEqual([
      expect.objectContaining({ reason: 'NO_CREDENTIALS', tls: true, requiredProfile: 1 }),
      expect.objectContaining({ reason: 'PROFILE_DOWNGRADE', tls: false, requiredProfile: 2 }),
    ]);
  });

  it('serves graphql-ws subscriptions over wss on the same port', async () => {
    class SelfSignedWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, insecureTls);
      }
    }
    const client = createClient({ url: `${tls.ocppUrl.replace(/\/ocpp$/, '')}/graphql`, webSocketImpl: SelfSignedWebSocket, retryAttempts: 0 });
    try {
      const result = await new Promise<any>((resolve, reject) => {
        client.subscribe({ query: '{ __typename }' }, { next: resolve, error: reject, complete: () => {} });
      });
      expect(result).toEqual({ data: { __typename: 'Query' } });
    } finally {
      await client.dispose();
    }
  });

  it('TLS alone is not a profile: a station without a password is at profile 0 on wss', async () => {
    const { identity } = await aStation(plain);
    expect(await attempt(tls, identity, { wsOptions: insecureTls })).toBe('connected');
    expect(await station(plain, identity)).toMatchObject({ securityProfile: 0 });
  });

  it('speaks only TLS on its port', async () => {
    const { identity } = await aStation(plain);
    const err = await connectCharger(tls.ocppUrl.replace(/^wss:/, 'ws:'), identity).catch((e) => e);
    expect(err).not.toBeInstanceOf(HandshakeRefusedError);
    expect(err).toBeInstanceOf(Error);
  });

  it('refuses to start with a certificate it cannot read, naming the variable', async () => {
    await expect(
      startTestApp({ TLS_CERT_FILE: join(dir, 'missing.pem'), TLS_KEY_FILE: join(dir, 'k.pem') }),
    ).rejects.toThrow(/TLS_CERT_FILE/);
  });
});

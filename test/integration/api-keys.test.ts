import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aDriver, anOperator, aStation, dataOf, startTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.stop());

const CREATE = `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { key apiKey { id prefix scopes organisationId lastUsedAt revokedAt } } }`;
const STATIONS = `query { stations(first: 200) { edges { node { identity } } } }`;
const codeOf = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions?.code;

describe('API keys for partner apps', () => {
  it('are shown once, act for their organisation within their scopes, and record their last use', async () => {
    const operator = await anOperator(app);
    const created = dataOf(await app.gqlAs<any>(operator.accessToken, CREATE, { i: { name: 'Roaming hub', scopes: ['STATIONS_READ'] } })).createApiKey;
    expect(created.key).toMatch(/^vk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(`${created.apiKey.prefix}_`)).toBe(true);
    expect(created.apiKey).toMatchObject({ scopes: ['STATIONS_READ'], organisationId: operator.organisationId, lastUsedAt: null });

    // Listing shows the prefix, never the secret.
    const listed = dataOf(await app.gqlAs<any>(operator.accessToken, `query { apiKeys { id prefix } }`)).apiKeys;
    expect(listed).toContainEqual({ id: created.apiKey.id, prefix: created.apiKey.prefix });
    expect(JSON.stringify(listed)).not.toContain(created.key);

    // The operator's station is visible to the key; another organisation's is not.
    const own = await aStation(app, { organisationId: operator.organisationId });
    const foreign = await aStation(app);
    const seen = dataOf<any>(await app.gqlAs(created.key, STATIONS)).stations.edges.map((e: any) => e.node.identity);
    expect(seen).toContain(own.identity);
    expect(seen).not.toContain(foreign.identity);

    // Out of scope: FORBIDDEN.
    const register = await app.gqlAs(created.key, `mutation { registerStation(input: { identity: "KEY-MADE-1", name: "x" }) { id } }`);
    expect(codeOf(register)).toBe('FORBIDDEN');
    // Keys are not people: no key-made keys, no "me".
    expect(codeOf(await app.gqlAs(created.key, CREATE, { i: { name: 'child', scopes: ['STATIONS_READ'] } }))).toBe('FORBIDDEN');

    const after = dataOf(await app.gqlAs<any>(operator.accessToken, `query { apiKeys { id lastUsedAt } }`)).apiKeys;
    expect(after.find((k: any) => k.id === created.apiKey.id).lastUsedAt).not.toBeNull();
  });

  it('revoked, unknown and malformed keys are UNAUTHENTICATED, and the refusal is audited', async () => {
    const operator = await anOperator(app);
    const { key, apiKey } = dataOf(await app.gqlAs<any>(operator.accessToken, CREATE, { i: { name: 'Temp', scopes: ['SESSIONS_READ'] } })).createApiKey;
    expect(codeOf(await app.gqlAs(key, STATIONS))).toBe('FORBIDDEN');
    dataOf(await app.gqlAs(operator.accessToken, `mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, { id: apiKey.id }));
    expect(codeOf(await app.gqlAs(key, `query { chargingSessions(first: 1) { edges { node { id } } } }`))).toBe('UNAUTHENTICATED');
    // Right prefix, wrong secret.
    const tampered = key.slice(0, -4) + (key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(codeOf(await app.gqlAs(tampered, STATIONS))).toBe('UNAUTHENTICATED');
    expect(codeOf(await app.gqlAs('vk_nonsense', STATIONS))).toBe('UNAUTHENTICATED');
    const audit = dataOf(
      await app.gqlAs<any>(operator.accessToken, `query { auditEvents(first: 50) { edges { node { kind subject } } } }`),
    ).auditEvents.edges.map((e: any) => e.node);
    expect(audit).toContainEqual({ kind: 'API_KEY_CREATED', subject: apiKey.prefix });
    expect(audit).toContainEqual({ kind: 'API_KEY_REJECTED', subject: apiKey.prefix });
  });

  it('operators manage only their own organisation\'s keys; drivers none; admins name the organisation', async () => {
    const a = await anOperator(app);
    const b = await anOperator(app);
    const { apiKey } = dataOf(await app.gqlAs<any>(a.accessToken, CREATE, { i: { name: 'A key', scopes: ['STATIONS_READ'] } })).createApiKey;
    expect(codeOf(await app.gqlAs(b.accessToken, `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: apiKey.id }))).toBe('NOT_FOUND');
    expect(dataOf<any>(await app.gqlAs(b.accessToken, `query { apiKeys { id } }`)).apiKeys).not.toContainEqual({ id: apiKey.id });

    const driver = await aDriver(app);
    expect(codeOf(await app.gqlAs(driver.accessToken, CREATE, { i: { name: 'mine', scopes: ['STATIONS_READ'] } }))).toBe('FORBIDDEN');

    expect(codeOf(await app.gql(CREATE, { i: { name: 'no org', scopes: ['STATIONS_READ'] } }))).toBe('BAD_USER_INPUT');
    const byAdmin = dataOf(await app.gql<any>(CREATE, { i: { name: 'for B', scopes: ['STATIONS_READ'], organisationId: b.organisationId } }));
    expect(byAdmin.createApiKey.apiKey.organisationId).toBe(b.organisationId);
    expect(codeOf(await app.gql(CREATE, { i: { name: 'x', scopes: [] , organisationId: b.organisationId } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await app.gql(CREATE, { i: { name: 'x', scopes: ['USERS_MANAGE'], organisationId: b.organisationId } }))).toBe('BAD_USER_INPUT');
  });
});

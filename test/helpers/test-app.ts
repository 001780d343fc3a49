import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import { inject } from 'vitest';
import WebSocket from 'ws';
import { startApp, type App, type StartOptions } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';

export interface TestApp extends App {
  /** ws://host:port/ocpp */
  ocppUrl: string;
  /** A GraphQL request as the first admin (most tests are about something else than access). */
  gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<GqlResponse<T>>;
  /** A GraphQL request with this bearer credential (an access token or API key), or none. */
  gqlAs<T = any>(credential: string | null, query: string, variables?: Record<string, unknown>): Promise<GqlResponse<T>>;
  adminToken: string;
}

/** Every test app's first admin. */
export const TEST_ADMIN = { email: 'admin@csms.test', password: 'admin-password-for-tests' };

// The admin token of each running test app, by URL, so gql(url)/subscribe(url) act as admin.
const adminTokens = new Map<string, string>();

export interface GqlResponse<T> {
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown>; path?: (string | number)[] }[];
}

/**
 * A real server on port 0 against the run's test database, with its own event channel
 * prefix so parallel test files do not see each other's events.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  tweak: (config: Config) => void = () => {},
  options: StartOptions = {},
): Promise<TestApp> {
  const config = loadConfig({
    DATABASE_URL: inject('databaseUrl'),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    NODE_ID: `test-${randomBytes(4).toString('hex')}`,
    EVENTS_CHANNEL_PREFIX: `test-${randomBytes(6).toString('hex')}`,
    DATABASE_POOL_MAX: '4',
    // Each app its own job tables, so a job sent by one test file is run by that file's app.
    JOBS_SCHEMA: `jobs_${randomBytes(6).toString('hex')}`,
    JOBS_POLL_INTERVAL: '0.5',
    JWT_SECRET: randomBytes(32).toString('base64url'),
    ADMIN_EMAIL: TEST_ADMIN.email,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    // Uploaded diagnostics and firmware go to a directory of this app's own, removed on stop.
    // Tests fire many requests as one admin; the rate limit has its own test (api-limits).
    GRAPHQL_RATE_LIMIT_BURST: '100000',
    FILES_DIR: join(tmpdir(), `csms-test-files-${randomBytes(6).toString('hex')}`),
    ...env,
  });
  tweak(config);
  const app = await startApp(config, createLogger(config.logLevel), options);
  const login = await gql<{ login: { accessToken: string } }>(
    app.url,
    `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`,
    { e: TEST_ADMIN.email, p: TEST_ADMIN.password },
    null,
  );
  const adminToken = dataOf(login).login.accessToken;
  adminTokens.set(app.url, adminToken);
  return {
    ...app,
    adminToken,
    async stop() {
      adminTokens.delete(app.url);
      await app.stop();
      if (!env.FILES_DIR) await rm(config.files.dir, { recursive: true, force: true });
    },
    ocppUrl: app.url.replace(/^http/, 'ws') + '/ocpp',
    gql: (query, variables) => gql(app.url, query, variables),
    gqlAs: (credential, query, variables) => gql(app.url, query, variables, credential),
  };
}

/**
 * A GraphQL request over HTTP. `credential` undefined: as the app's admin; null: anonymous;
 * otherwise sent as `Authorization: Bearer <credential>`.
 */
export async function gql<T = any>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  credential?: string | null,
): Promise<GqlResponse<T>> {
  const token = credential === undefined ? adminTokens.get(url) : credential;
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GqlResponse<T>;
}

/** Unwraps data, failing the test with the server's errors if there were any. */
export function dataOf<T>(res: GqlResponse<T>): T {
  if (res.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
  return res.data as T;
}

export interface Subscription<T> {
  /** Resolves with the first event that matches, or rejects after `timeoutMs`. */
  next(match?: (event: T) => boolean, timeoutMs?: number): Promise<T>;
  received: T[];
  close(): Promise<void>;
}

/** A graphql-ws client subscription, as a dashboard would open it. */
export async function subscribe<T = any>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  credential?: string | null,
): Promise<Subscription<T>> {
  const token = credential === undefined ? adminTokens.get(url) : credential;
  const client: Client = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
  });
  const received: T[] = [];
  const waiters: { match: (e: T) => boolean; resolve: (e: T) => void }[] = [];
  let failure: unknown;
  await new Promise<void>((resolve, reject) => {
    const offConnected = client.on('connected', () => {
      offConnected();
      offClosed();
      resolve();
    });
    // Closed before the server acknowledged: a refused credential (4403) or a failed handshake.
    const offClosed = client.on('closed', (event) => reject(new Error(`closed: ${(event as { code?: number }).code}`)));
    client.on('error', reject);
  });
  const dispose = client.subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors) {
          failure = result.errors;
          return;
        }
        const event = result.data as T;
        received.push(event);
        for (const w of [...waiters]) {
          if (w.match(event)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(event);
          }
        }
      },
      error: (err) => (failure = err),
      complete: () => {},
    },
  );
  // The server registers the subscription asynchronously; a round trip makes sure it listens.
  await new Promise((r) => setTimeout(r, 50));
  return {
    received,
    next(match = () => true, timeoutMs = 5000) {
      if (failure) return Promise.reject(new Error(`subscription failed: ${JSON.stringify(failure)}`));
      const seen = received.find(match);
      if (seen) {
        received.splice(received.indexOf(seen), 1);
        return Promise.resolve(seen);
      }
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(received)} ${failure ? JSON.stringify(failure) : ''}`)),
          timeoutMs,
        );
        waiters.push({
          match,
          resolve: (e) => {
            clearTimeout(timer);
            received.splice(received.indexOf(e), 1);
            resolve(e);
          },
        });
      });
    },
    async close() {
      dispose();
      await client.dispose();
    },
  };
}

export const uniqueId = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`.toUpperCase();

export async function aStation(app: TestApp, overrides: Record<string, unknown> = {}): Promise<{ id: string; identity: string }> {
  const identity = (overrides.identity as string) ?? uniqueId('CP');
  const res = await app.gql<{ registerStation: { id: string; identity: string } }>(
    `mutation($input: RegisterStationInput!) { registerStation(input: $input) { id identity } }`,
    { input: { identity, name: `Station ${identity}`, ...overrides } },
  );
  return dataOf(res).registerStation;
}

export async function anIdToken(
  app: TestApp,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; value: string }> {
  const value = (overrides.value as string) ?? uniqueId('TAG').slice(0, 20);
  const res = await app.gql<{ issueIdToken: { id: string; value: string } }>(
    `mutation($input: IssueIdTokenInput!) { issueIdToken(input: $input) { id value } }`,
    { input: { value, type: 'RFID', ...overrides } },
  );
  return dataOf(res).issueIdToken;
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

/** A driver who signed up through the API, logged in. */
export async function aDriver(app: TestApp, name = 'Test Driver'): Promise<TestUser> {
  const email = `${uniqueId('driver').toLowerCase()}@example.test`;
  const password = 'driver-password-1';
  const res = await app.gqlAs<{ signUp: { accessToken: string; refreshToken: string; user: { id: string } } }>(
    null,
    `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken refreshToken user { id } } }`,
    { input: { email, password, name } },
  );
  const { accessToken, refreshToken, user } = dataOf(res).signUp;
  return { id: user.id, email, password, accessToken, refreshToken };
}

export async function anOrganisation(app: TestApp, name = uniqueId('Operator')): Promise<{ id: string; name: string }> {
  const res = await app.gql<{ createOrganisation: { id: string; name: string } }>(
    `mutation($name: String!) { createOrganisation(name: $name) { id name } }`,
    { name },
  );
  return dataOf(res).createOrganisation;
}

/** Operator staff of `organisationId` (a new organisation when not given), created by the admin and logged in. */
export async function anOperator(app: TestApp, organisationId?: string): Promise<TestUser & { organisationId: string }> {
  const orgId = organisationId ?? (await anOrganisation(app)).id;
  const email = `${uniqueId('operator').toLowerCase()}@example.test`;
  const password = 'operator-password-1';
  const created = await app.gql<{ createUser: { id: string } }>(
    `mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`,
    { input: { name: 'Operator Staff', email, password, role: 'OPERATOR', organisationId: orgId } },
  );
  const { id } = dataOf(created).createUser;
  const { accessToken, refreshToken } = await logIn(app, email, password);
  return { id, email, password, accessToken, refreshToken, organisationId: orgId };
}

export async function logIn(app: TestApp, email: string, password: string): Promise<{ accessToken: string; refreshToken: string }> {
  const res = await app.gqlAs<{ login: { accessToken: string; refreshToken: string } }>(
    null,
    `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken } }`,
    { e: email, p: password },
  );
  return dataOf(res).login;
}

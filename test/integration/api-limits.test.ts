import { getIntrospectionQuery } from 'graphql';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.js';
import { dataOf, startTestApp, subscribe, type TestApp } from '../helpers/test-app.js';

const post = (app: TestApp, body: string, token: string | null = app.adminToken) =>
  fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });

/**
 * POSTs `chunks` to /graphql with Transfer-Encoding: chunked (no Content-Length), one write
 * each, and stops writing once an answer has come. Settles with the status, the body, and how
 * many bytes were written before the answer came.
 */
async function postChunked(app: TestApp, chunks: Iterable<string>): Promise<{ status: number; body: any; written: number }> {
  const url = new URL('/graphql', app.url);
  const req = httpRequest(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${app.adminToken}`, 'transfer-encoding': 'chunked' },
  });
  let answered = false;
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', (res) => {
      answered = true;
      resolve(res);
    });
    // The server closes the connection after refusing; a write in flight then fails.
    req.on('error', (err) => (answered ? undefined : reject(err)));
  });
  let written = 0;
  for (const chunk of chunks) {
    if (answered || req.destroyed) break;
    written += Buffer.byteLength(chunk);
    if (!req.write(chunk)) await new Promise<void>((resolve) => { req.once('drain', resolve); void response.then(() => resolve(), () => resolve()); });
  }
  if (!answered && !req.destroyed) req.end();
  const res = await response;
  let text = '';
  for await (const part of res) text += part;
  return { status: res.statusCode!, body: JSON.parse(text), written };
}

const codesOf = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.map((e) => e.extensions?.code);

describe('API limits', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());

  it('answers normal queries and the standard introspection query', async () => {
    dataOf(await app.gql(`{ stations(first: 100) { edges { node { id identity name online } } } }`));
    const schema = dataOf(await app.gql<any>(getIntrospectionQuery()));
    expect(schema.__schema.queryType.name).toBe('Query');
  });

  it('refuses 2,000 aliases without executing them (TOO_MANY_ALIASES)', async () => {
    const query = `{ ${Array.from({ length: 2000 }, (_, i) => `a${i}: stations(first: 100) { edges { node { id } } }`).join(' ')} }`;
    const res = await app.gql(query);
    expect(res.data).toBeUndefined();
    expect(codesOf(res)).toEqual(['QUERY_TOO_LARGE']); // the token bound comes first, before parsing completes
    const fewer = `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: station(identity: "x") { id }`).join(' ')} }`;
    expect(codesOf(await app.gql(fewer))).toEqual(['TOO_MANY_ALIASES']);
  });

  it('refuses nesting past the depth limit (QUERY_TOO_DEEP)', async () => {
    let inner = 'id';
    for (let i = 0; i < 6; i++) inner = `station { sessions(first: 1) { edges { node { ${inner} } } } }`;
    const res = await app.gql(`{ sessions(first: 1) { edges { node { ${inner} } } } }`);
    expect(res.data).toBeUndefined();
    expect(codesOf(res)).toEqual(['QUERY_TOO_DEEP']);
  });

  it('refuses a query over the cost budget (QUERY_TOO_COMPLEX)', async () => {
    const fields = 'id identity name online model vendor';
    const query = `{ ${Array.from({ length: 30 }, (_, i) => `a${i}: stations(first: 100) { edges { node { ${fields} connectors { connectorId status } } } }`).join(' ')} }`;
    const res = await app.gql(query);
    expect(res.data).toBeUndefined();
    expect(codesOf(res)).toEqual(['QUERY_TOO_COMPLEX']);
  });

  it('refuses a body past the bound with 413 before reading it (REQUEST_TOO_LARGE)', async () => {
    const big = JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(10 * 1024 * 1024) } });
    const res = await post(app, big);
    expect(res.status).toBe(413);
    expect(codesOf(await res.json())).toEqual(['REQUEST_TOO_LARGE']);
    // and the server still answers afterwards
    expect(dataOf(await app.gql(`{ __typename }`))).toEqual({ __typename: 'Query' });
  });

  it('counts a chunked body (no Content-Length) as it streams in and refuses it with 413 past the bound', async () => {
    const bound = 2 * 1024 * 1024; // GRAPHQL_MAX_BODY_BYTES' default
    function* body() {
      yield '{"query":"{ __typename }","variables":{"pad":"';
      for (let i = 0; i < 1000; i++) yield 'x'.repeat(64 * 1024); // up to ~64 MB, if nothing stopped it
      yield '"}}';
    }
    const refused = await postChunked(app, body());
    expect(refused.status).toBe(413);
    expect(codesOf(refused.body)).toEqual(['REQUEST_TOO_LARGE']);
    expect(refused.body.errors[0].extensions.maxBytes).toBe(bound);
    // Refused while the upload was under way, not after all of it had been sent.
    expect(refused.written).toBeLessThan(16 * bound);

    // A chunked body within the bound is read whole and answered as usual.
    const fine = await postChunked(app, ['{"query":"{ __type', 'name }","variables":{"pad":"', 'x'.repeat(100_000), '"}}']);
    expect(fine.status).toBe(200);
    expect(fine.body).toEqual({ data: { __typename: 'Query' } });
    expect(dataOf(await app.gql(`{ __typename }`))).toEqual({ __typename: 'Query' });
  });

  it('applies the same limits to graphql-ws operations', async () => {
    const deep = `subscription { stationStatusChanged { station { sessions(first: 1) { edges { node { station { sessions(first: 1) { edges { node { station { sessions(first: 1) { edges { node { id } } } } } } } } } } } } } }`;
    const sub = await subscribe(app.url, deep);
    const err = await sub.next(() => true, 5000).then(
      () => null,
      (e) => e,
    );
    await sub.close();
    expect(JSON.stringify(err) + String(err)).toContain('QUERY_TOO_DEEP');
  });
});

describe('rate limit', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ GRAPHQL_RATE_LIMIT_BURST: '5', GRAPHQL_RATE_LIMIT_PER_SECOND: '2' });
  });
  afterAll(() => app?.stop());

  it('answers 429 with Retry-After past the burst, per caller, and lets the caller in again later', async () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 12; i++) {
      const res = await post(app, body);
      statuses.push(res.status);
      if (res.status === 429) refused ??= res;
      else await res.text();
    }
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(5);
    expect(refused).toBeDefined();
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(codesOf(await refused!.json())).toEqual(['RATE_LIMITED']);
    // An anonymous caller is counted by address, apart from the admin.
    expect((await post(app, body, null)).status).toBe(200);
    const again = await eventually('the bucket to refill', async () => {
      const res = await post(app, body);
      return res.status === 200 ? res : null;
    });
    expect(await again.json()).toEqual({ data: { __typename: 'Query' } });
  });
});

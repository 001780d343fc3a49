import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { connectCharger, type ChargerClient } from '../helpers/charger-client.js';
import { bootNotification } from '../helpers/ocpp16-messages.js';
import { aStation, dataOf, startTestApp, subscribe, TEST_ADMIN, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
const chargers: ChargerClient[] = [];

beforeAll(async () => {
  // A short call timeout for the charger that never answers; small uploads only.
  app = await startTestApp({ DIAGNOSTICS_MAX_BYTES: String(256 * 1024) }, (c) => {
    c.ocpp.callTimeoutMs = 800;
  });
});
afterAll(async () => {
  await Promise.all(chargers.map((c) => c.close().catch(() => {})));
  await app?.stop();
});

const REQUEST = `mutation($i: RequestDiagnosticsInput!) { requestDiagnostics(input: $i) { id status fileName failureReason } }`;
const QUERY = `query($id: ID!) { diagnosticsRequest(id: $id) { status stationStatus fileName uploadedFileName size sha256 downloadUrl failureReason uploadedAt } }`;

/**
 * A registered, connected and booted charger that answers GetDiagnostics with `answer` and
 * remembers what it was asked. Booted like the commands' and firmware's chargers: a call goes
 * out in the protocol the station's connection was recorded with.
 */
async function aDiagnosticsCharger(answer: (payload: any) => unknown = () => ({ fileName: 'diag-2026.tar.gz' })) {
  const { identity } = await aStation(app);
  const asked: any[] = [];
  const charger = await connectCharger(app.ocppUrl, identity, {
    onCall: (action, payload) => {
      if (action !== 'GetDiagnostics') throw { code: 'NotSupported' };
      asked.push(payload);
      return answer(payload);
    },
  });
  chargers.push(charger);
  await charger.call('BootNotification', bootNotification());
  return { charger, identity, asked };
}

async function requestDiagnostics(identity: string, extra: Record<string, unknown> = {}) {
  return dataOf(await app.gql(REQUEST, { i: { stationIdentity: identity, ...extra } })).requestDiagnostics as { id: string; status: string; fileName: string | null; failureReason: string | null };
}

/** The station's command history, newest first, as operators read it. */
async function commandHistory(identity: string) {
  const res = await app.gql(
    `query($s: String!) { station(identity: $s) { commands(first: 10) { edges { node { command action payload status answer response errorCode requestedBy } } } } }`,
    { s: identity },
  );
  return (dataOf(res) as any).station.commands.edges.map((e: any) => e.node);
}

const requestById = async (id: string) => dataOf(await app.gql(QUERY, { id })).diagnosticsRequest;

async function upload(location: string, mode: 'PUT raw' | 'POST raw' | 'POST multipart' | 'PUT to location/fileName', bytes: Buffer) {
  switch (mode) {
    case 'PUT raw':
      return fetch(location, { method: 'PUT', body: new Uint8Array(bytes), headers: { 'content-type': 'application/gzip' } });
    case 'POST raw':
      return fetch(location, { method: 'POST', body: new Uint8Array(bytes) });
    case 'PUT to location/fileName':
      // Chargers that treat the location as a directory append the file name.
      return fetch(`${location}/diag-2026.tar.gz`, { method: 'PUT', body: new Uint8Array(bytes) });
    case 'POST multipart': {
      const form = new FormData();
      form.append('comment', 'sent by the charger');
      form.append('file', new Blob([new Uint8Array(bytes)], { type: 'application/gzip' }), 'diag-2026.tar.gz');
      return fetch(location, { method: 'POST', body: form });
    }
  }
}

describe('diagnostics end to end', () => {
  it.each(['PUT raw', 'POST raw', 'POST multipart', 'PUT to location/fileName'] as const)(
    'the charger uploads with %s to the location it was given, and operators download the same bytes',
    async (mode) => {
      const { charger, identity, asked } = await aDiagnosticsCharger();
      const startTime = '2026-01-01T00:00:00.000Z';
      const stopTime = '2026-01-02T00:00:00.000Z';
      const request = await requestDiagnostics(identity, { startTime, stopTime, retries: 2, retryInterval: 30 });
      expect(request).toMatchObject({ status: 'ACCEPTED', fileName: 'diag-2026.tar.gz', failureReason: null });
      expect(asked).toHaveLength(1);
      expect(asked[0]).toMatchObject({ startTime, stopTime, retries: 2, retryInterval: 30 });
      const location: string = asked[0].location;
      expect(location.startsWith(`${app.url}/diagnostics/${request.id}/`)).toBe(true);

      await charger.call('DiagnosticsStatusNotification', { status: 'Uploading' });
      expect((await requestById(request.id)).status).toBe('UPLOADING');

      const bytes = randomBytes(100_000);
      const res = await upload(location, mode, bytes);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ id: request.id, status: 'UPLOADED', size: bytes.length });

      await charger.call('DiagnosticsStatusNotification', { status: 'Uploaded' });
      const done = await requestById(request.id);
      expect(done).toMatchObject({
        status: 'UPLOADED',
        stationStatus: 'UPLOADED',
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        downloadUrl: `${app.url}/diagnostics/${request.id}/file`,
        failureReason: null,
      });

      const download = await fetch(done.downloadUrl, { headers: { authorization: `Bearer ${app.adminToken}` } });
      expect(download.status).toBe(200);
      expect(download.headers.get('content-type')).toBe('application/octet-stream');
      expect(download.headers.get('content-disposition')).toContain(mode.includes('raw') ? 'diag-2026.tar.gz' : 'filename="diag-2026.tar.gz"');
      expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
    },
  );

  it('keeps only a hash of the upload token', async () => {
    const { identity, asked } = await aDiagnosticsCharger();
    const request = await requestDiagnostics(identity);
    const token = (asked[0].location as string).split('/').pop()!;
    const client = new pg.Client({ connectionString: inject('databaseUrl') });
    await client.connect();
    try {
      const row = (await client.query(`select upload_token_hash from diagnostics_request where id = $1`, [request.id])).rows[0];
      expect(row.upload_token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    } finally {
      await client.end();
    }
  });

  it.each([
    { name: 'a wrong token', location: (l: string) => l.replace(/\/[^/]+$/, `/${randomBytes(32).toString('base64url')}`), status: 403 },
    { name: 'no token', location: (l: string) => l.replace(/\/[^/]+$/, '/x'), status: 403 },
    { name: 'another request id', location: (l: string) => l.replace(/\/diagnostics\/[^/]+\//, `/diagnostics/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/`), status: 404 },
  ])('an upload with $name is refused with $status and stores nothing', async ({ location, status }) => {
    const { identity, asked } = await aDiagnosticsCharger();
    const request = await requestDiagnostics(identity);
    const res = await fetch(location(asked[0].location), { method: 'PUT', body: new Uint8Array(randomBytes(2048)) });
    expect(res.status).toBe(status);
    expect(await requestById(request.id)).toMatchObject({ status: 'ACCEPTED', size: null, downloadUrl: null });
    expect((await fetch(`${app.url}/diagnostics/${request.id}/file`, { headers: { authorization: `Bearer ${app.adminToken}` } })).status).toBe(404);
  });

  it('an upload over DIAGNOSTICS_MAX_BYTES is refused with 413 and stores nothing', async () => {
    const { identity, asked } = await aDiagnosticsCharger();
    const request = await requestDiagnostics(identity);
    const res = await fetch(asked[0].location, { method: 'PUT', body: new Uint8Array(randomBytes(256 * 1024 + 1)) });
    expect(res.status).toBe(413);
    expect(await requestById(request.id)).toMatchObject({ status: 'ACCEPTED', size: null });
  });
});

describe('a request never stays REQUESTED', () => {
  it.each([
    { name: 'the charger is offline', answer: null, status: 'SEND_FAILED', reason: 'is not connected' },
    { name: 'the charger answers with a CALLERROR', answer: () => { throw { code: 'NotSupported', description: 'no diagnostics here' }; }, status: 'REJECTED', reason: 'NotSupported' },
    { name: 'the charger does not answer in time', answer: () => new Promise(() => {}), status: 'SEND_FAILED', reason: 'did not answer' },
    { name: 'the charger has no diagnostics (no fileName)', answer: () => ({}), status: 'NO_DIAGNOSTICS', reason: null },
  ])('$name: $status', async ({ answer, status, reason }) => {
    let identity: string;
    if (answer === null) identity = (await aStation(app)).identity;
    else identity = (await aDiagnosticsCharger(answer)).identity;
    const request = await requestDiagnostics(identity);
    expect(request.status).toBe(status);
    if (reason) expect(request.failureReason).toContain(reason);
    else expect(request.failureReason).toBeNull();
    const listed = dataOf(await app.gql(`query($s: String!) { station(identity: $s) { diagnosticsRequests { id status } } }`, { s: identity })) as any;
    expect(listed.station.diagnosticsRequests).toEqual([{ id: request.id, status }]);
  });

  it('UploadFailed from the charger fails the request and raises DIAGNOSTICS_FAILED', async () => {
    const { charger, identity } = await aDiagnosticsCharger();
    const sub = await subscribe(app.url, `subscription($s: String) { stationAlerts(stationIdentity: $s) { kind severity diagnosticsRequest { id status } } }`, { s: identity });
    const request = await requestDiagnostics(identity);
    await charger.call('DiagnosticsStatusNotification', { status: 'Uploading' });
    await charger.call('DiagnosticsStatusNotification', { status: 'UploadFailed' });
    const alert = (await sub.next((e) => e.stationAlerts.kind === 'DIAGNOSTICS_FAILED')).stationAlerts;
    expect(alert).toEqual({ kind: 'DIAGNOSTICS_FAILED', severity: 'WARNING', diagnosticsRequest: { id: request.id, status: 'UPLOAD_FAILED' } });
    expect((await requestById(request.id)).failureReason).toBe('the station reported that the upload failed');
    await sub.close();
  });

  it('Uploaded from the charger without a file here fails the request', async () => {
    const { charger, identity } = await aDiagnosticsCharger();
    const request = await requestDiagnostics(identity);
    await charger.call('DiagnosticsStatusNotification', { status: 'Uploaded' });
    expect(await requestById(request.id)).toMatchObject({ status: 'UPLOAD_FAILED', failureReason: expect.stringContaining('no file reached') });
  });

  it('a new request replaces one still open, and notifications go to the new one', async () => {
    const { charger, identity } = await aDiagnosticsCharger();
    const first = await requestDiagnostics(identity);
    const second = await requestDiagnostics(identity);
    await charger.call('DiagnosticsStatusNotification', { status: 'Uploading' });
    expect((await requestById(first.id)).status).toBe('SUPERSEDED');
    expect((await requestById(second.id)).status).toBe('UPLOADING');
  });
});

describe('bad input gets a clear error and creates nothing', () => {
  it.each([
    { name: 'stopTime before startTime', extra: { startTime: '2026-01-02T00:00:00Z', stopTime: '2026-01-01T00:00:00Z' }, code: 'BAD_USER_INPUT', field: 'stopTime' },
    { name: 'negative retries', extra: { retries: -1 }, code: 'BAD_USER_INPUT', field: 'retries' },
    { name: 'a retry interval over a day', extra: { retryInterval: 86_401 }, code: 'BAD_USER_INPUT', field: 'retryInterval' },
  ])('$name', async ({ extra, code, field }) => {
    const { identity, asked } = await aDiagnosticsCharger();
    const res = await app.gql(REQUEST, { i: { stationIdentity: identity, ...extra } });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code, field });
    expect(asked).toEqual([]);
    const listed = dataOf(await app.gql(`query($s: String!) { station(identity: $s) { diagnosticsRequests { id } } }`, { s: identity })) as any;
    expect(listed.station.diagnosticsRequests).toEqual([]);
  });

  it('an unknown station is NOT_FOUND', async () => {
    const res = await app.gql(REQUEST, { i: { stationIdentity: 'NO-SUCH-STATION' } });
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('the GetDiagnostics call is in the station command history', () => {
  it('answered: recorded with who asked and what was sent, the upload location without its token', async () => {
    const { identity, asked } = await aDiagnosticsCharger();
    const request = await requestDiagnostics(identity, { retries: 1 });
    const token = (asked[0].location as string).split('/').pop()!;
    const history = await commandHistory(identity);
    expect(history).toEqual([
      {
        command: 'GET_DIAGNOSTICS',
        action: 'GetDiagnostics',
        payload: { location: `${app.url}/diagnostics/${request.id}/<token>`, retries: 1 },
        status: 'ACCEPTED',
        answer: 'ACCEPTED',
        response: { fileName: 'diag-2026.tar.gz' },
        errorCode: null,
        requestedBy: TEST_ADMIN.email,
      },
    ]);
    expect(JSON.stringify(history)).not.toContain(token);
  });

  it.each([
    { name: 'offline', answer: null, status: 'OFFLINE', errorCode: null },
    { name: 'refused with a CALLERROR', answer: () => { throw { code: 'NotSupported', description: 'no' }; }, status: 'CHARGER_ERROR', errorCode: 'NotSupported' },
  ])('$name: recorded $status', async ({ answer, status, errorCode }) => {
    const identity = answer === null ? (await aStation(app)).identity : (await aDiagnosticsCharger(answer)).identity;
    await requestDiagnostics(identity);
    expect(await commandHistory(identity)).toMatchObject([{ command: 'GET_DIAGNOSTICS', status, errorCode, requestedBy: TEST_ADMIN.email }]);
  });
});

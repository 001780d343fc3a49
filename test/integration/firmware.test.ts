import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCharger, type ChargerClient } from '../helpers/charger-client.js';
import { bootNotification } from '../helpers/ocpp16-messages.js';
import { aStation, dataOf, startTestApp, subscribe, TEST_ADMIN, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
const chargers: ChargerClient[] = [];

beforeAll(async () => {
  app = await startTestApp({ FIRMWARE_MAX_BYTES: String(512 * 1024) });
});
afterAll(async () => {
  await Promise.all(chargers.map((c) => c.close().catch(() => {})));
  await app?.stop();
});

const UPDATE = `mutation($i: UpdateFirmwareInput!) { updateFirmware(input: $i) {
  id externalLocation firmwareFile { id fileName }
  counts { total pending inProgress installed failed superseded }
  jobs { id stationIdentity status failureReason sentAt }
} }`;
const ROLLOUT = `query($id: ID!) { firmwareRollout(id: $id) {
  counts { total pending inProgress installed failed superseded byStatus { status count } }
  jobs { stationIdentity status stationStatus failureReason finishedAt }
} }`;

// The operator file endpoints take the same credentials as the API (access rules: access-rules.test.ts).
const asAdmin = () => ({ authorization: `Bearer ${app.adminToken}` });

async function uploadFirmware(bytes: Buffer, fileName = 'vl-22-2.0.0.bin') {
  const res = await fetch(`${app.url}/firmware?fileName=${encodeURIComponent(fileName)}`, {
    method: 'POST',
    body: new Uint8Array(bytes),
    headers: asAdmin(),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; fileName: string; size: number; sha256: string; downloadUrl: string };
}

/** A connected charger that answers UpdateFirmware with `answer` and remembers what it was asked. */
async function aFirmwareCharger(answer: (payload: any) => unknown = () => ({})) {
  const { identity } = await aStation(app);
  const asked: any[] = [];
  const charger = await connectCharger(app.ocppUrl, identity, {
    onCall: (action, payload) => {
      if (action !== 'UpdateFirmware') throw { code: 'NotSupported' };
      asked.push(payload);
      return answer(payload);
    },
  });
  chargers.push(charger);
  await charger.call('BootNotification', bootNotification({ firmwareVersion: '1.0.0' }));
  return { charger, identity, asked };
}

/** The station's command history, newest first, as operators read it. */
async function commandHistory(identity: string) {
  const res = await app.gql(
    `query($s: String!) { station(identity: $s) { commands(first: 10) { edges { node { command action payload status answer errorCode requestedBy } } } } }`,
    { s: identity },
  );
  return (dataOf(res) as any).station.commands.edges.map((e: any) => e.node);
}

const update = async (input: Record<string, unknown>) => dataOf(await app.gql(UPDATE, { i: input })).updateFirmware;

describe('firmware rollout', () => {
  it('rolls out to two stations: one installs step by step, the offline one is SEND_FAILED; subscriptions see it all', async () => {
    const image = randomBytes(200_000);
    const file = await uploadFirmware(image);
    expect(file).toMatchObject({ fileName: 'vl-22-2.0.0.bin', size: image.length, sha256: createHash('sha256').update(image).digest('hex') });

    const online = await aFirmwareCharger();
    const { identity: offline } = await aStation(app);
    const everything = await subscribe(app.url, `subscription { firmwareJobUpdated { rolloutId stationIdentity status } }`);
    const retrieveAt = new Date(Date.now() + 60_000).toISOString();

    const rollout = await update({ stationIdentities: [online.identity, offline], firmwareFileId: file.id, retrieveAt, retries: 3, retryInterval: 60 });
    expect(rollout.firmwareFile).toEqual({ id: file.id, fileName: 'vl-22-2.0.0.bin' });
    expect(rollout.jobs.map((j: any) => [j.stationIdentity, j.status])).toEqual(
      [[online.identity, 'SENT'], [offline, 'SEND_FAILED']].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    );
    expect(rollout.jobs.find((j: any) => j.stationIdentity === offline).failureReason).toContain('not connected');
    expect(rollout.counts).toEqual({ total: 2, pending: 1, inProgress: 0, installed: 0, failed: 1, superseded: 0 });

    // What the charger was told: a URL of ours, ending in the file name, and the schedule.
    expect(online.asked).toHaveLength(1);
    expect(online.asked[0]).toMatchObject({ retrieveDate: retrieveAt, retries: 3, retryInterval: 60 });
    const location: string = online.asked[0].location;
    expect(location.startsWith(`${app.url}/firmware/jobs/`)).toBe(true);
    expect(location.endsWith('/vl-22-2.0.0.bin')).toBe(true);

    // The sending is seen live: every job was SCHEDULED, then SENT or SEND_FAILED.
    for (const [station, status] of [[online.identity, 'SCHEDULED'], [offline, 'SCHEDULED'], [online.identity, 'SENT'], [offline, 'SEND_FAILED']]) {
      await everything.next((e) => e.firmwareJobUpdated.stationIdentity === station && e.firmwareJobUpdated.status === status);
    }
    await everything.close();

    const progress = await subscribe(app.url, `subscription($r: ID) { firmwareJobUpdated(rolloutId: $r) { stationIdentity status stationStatus } }`, { r: rollout.id });
    const alerts = await subscribe(app.url, `subscription($s: String) { stationAlerts(stationIdentity: $s) { kind details { key value } firmwareJob { status } } }`, { s: online.identity });

    const head = await fetch(location, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(image.length));
    await online.charger.call('FirmwareStatusNotification', { status: 'Downloading' });
    const download = await fetch(location);
    expect(Buffer.from(await download.arrayBuffer()).equals(image)).toBe(true);
    await online.charger.call('FirmwareStatusNotification', { status: 'Downloaded' });
    await online.charger.call('FirmwareStatusNotification', { status: 'Installing' });
    // Installing ends in a reboot; the boot that follows is expected.
    await online.charger.call('BootNotification', bootNotification({ firmwareVersion: '2.0.0' }));
    await online.charger.call('FirmwareStatusNotification', { status: 'Installed' });

    for (const status of ['DOWNLOADING', 'DOWNLOADED', 'INSTALLING', 'INSTALLED']) {
      const event = await progress.next((e) => e.firmwareJobUpdated.status === status);
      expect(event.firmwareJobUpdated).toEqual({ stationIdentity: online.identity, status, stationStatus: status });
    }
    const booted = (await alerts.next((e) => e.stationAlerts.kind === 'STATION_BOOTED')).stationAlerts;
    expect(booted.details).toContainEqual({ key: 'note', value: 'AFTER_FIRMWARE_UPDATE' });
    expect(booted.details).toContainEqual({ key: 'previousFirmwareVersion', value: '1.0.0' });
    expect((await alerts.next((e) => e.stationAlerts.kind === 'FIRMWARE_INSTALLED')).stationAlerts.firmwareJob).toEqual({ status: 'INSTALLED' });

    const after = dataOf(await app.gql(ROLLOUT, { id: rollout.id })).firmwareRollout;
    expect(after.counts).toEqual({
      total: 2,
      pending: 0,
      inProgress: 0,
      installed: 1,
      failed: 1,
      superseded: 0,
      byStatus: [
        { status: 'INSTALLED', count: 1 },
        { status: 'SEND_FAILED', count: 1 },
      ],
    });
    expect(after.jobs.every((j: any) => j.finishedAt !== null)).toBe(true);
    await progress.close();
    await alerts.close();
  });

  it('passes an external location as is, and a station that refuses gets SEND_FAILED with its reason', async () => {
    const accepting = await aFirmwareCharger();
    const refusing = await aFirmwareCharger(() => {
      throw { code: 'NotSupported', description: 'updates are disabled' };
    });
    const location = 'https://firmware.example.com/vl-22/2.0.0.bin';
    const rollout = await update({ stationIdentities: [accepting.identity, refusing.identity], location });
    expect(rollout.externalLocation).toBe(location);
    expect(accepting.asked[0].location).toBe(location);
    const refused = rollout.jobs.find((j: any) => j.stationIdentity === refusing.identity);
    expect(refused).toMatchObject({ status: 'SEND_FAILED', sentAt: null });
    expect(refused.failureReason).toContain('NotSupported');
  });

  it.each([
    { failure: 'DownloadFailed', status: 'DOWNLOAD_FAILED', severity: 'WARNING' },
    { failure: 'InstallationFailed', status: 'INSTALLATION_FAILED', severity: 'CRITICAL' },
  ])('$failure ends the job $status and raises FIRMWARE_FAILED ($severity)', async ({ failure, status, severity }) => {
    const { charger, identity } = await aFirmwareCharger();
    const rollout = await update({ stationIdentities: [identity], location: 'https://firmware.example.com/x.bin' });
    const alerts = await subscribe(app.url, `subscription($s: String) { stationAlerts(stationIdentity: $s, kinds: [FIRMWARE_FAILED]) { kind severity firmwareJob { status failureReason } } }`, { s: identity });
    await charger.call('FirmwareStatusNotification', { status: 'Downloading' });
    if (failure === 'InstallationFailed') await charger.call('FirmwareStatusNotification', { status: 'Installing' });
    await charger.call('FirmwareStatusNotification', { status: failure });
    const alert = (await alerts.next()).stationAlerts;
    expect(alert).toMatchObject({ kind: 'FIRMWARE_FAILED', severity, firmwareJob: { status } });
    expect(alert.firmwareJob.failureReason).toBeTruthy();
    expect(dataOf(await app.gql(ROLLOUT, { id: rollout.id })).firmwareRollout.counts.failed).toBe(1);
    await alerts.close();
  });

  it('a new rollout supersedes an unfinished job, and notifications go to the new job', async () => {
    const { charger, identity } = await aFirmwareCharger();
    const first = await update({ stationIdentities: [identity], location: 'https://firmware.example.com/1.bin' });
    const second = await update({ stationIdentities: [identity], location: 'https://firmware.example.com/2.bin' });
    await charger.call('FirmwareStatusNotification', { status: 'Downloading' });
    expect(dataOf(await app.gql(ROLLOUT, { id: first.id })).firmwareRollout.jobs[0].status).toBe('SUPERSEDED');
    expect(dataOf(await app.gql(ROLLOUT, { id: second.id })).firmwareRollout.jobs[0].status).toBe('DOWNLOADING');
    const jobs = dataOf(await app.gql(`query($s: String!) { station(identity: $s) { firmwareJobs { status } } }`, { s: identity })) as any;
    expect(jobs.station.firmwareJobs).toEqual([{ status: 'DOWNLOADING' }, { status: 'SUPERSEDED' }]);
  });
});

describe('firmware files over HTTP', () => {
  it('takes a multipart upload too, and operators download it back', async () => {
    const image = randomBytes(50_000);
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(image)]), 'vl-22-3.0.0.bin');
    const res = await fetch(`${app.url}/firmware`, { method: 'POST', body: form, headers: asAdmin() });
    expect(res.status).toBe(201);
    const file = await res.json();
    expect(file).toMatchObject({ fileName: 'vl-22-3.0.0.bin', size: image.length });
    const listed = dataOf(await app.gql(`query($id: ID!) { firmwareFile(id: $id) { fileName size downloadUrl } }`, { id: file.id })) as any;
    expect(listed.firmwareFile).toEqual({ fileName: 'vl-22-3.0.0.bin', size: image.length, downloadUrl: `${app.url}/firmware/${file.id}/file` });
    const back = await fetch(listed.firmwareFile.downloadUrl, { headers: asAdmin() });
    expect(Buffer.from(await back.arrayBuffer()).equals(image)).toBe(true);
  });

  it.each([
    { name: 'no file name', url: '/firmware', body: randomBytes(10), status: 400 },
    { name: 'a file over FIRMWARE_MAX_BYTES', url: '/firmware?fileName=big.bin', body: randomBytes(512 * 1024 + 1), status: 413 },
  ])('refuses an upload with $name ($status) and keeps nothing', async ({ url, body, status }) => {
    const before = dataOf(await app.gql(`{ firmwareFiles(first: 200) { edges { node { id } } } }`)) as any;
    const res = await fetch(`${app.url}${url}`, { method: 'POST', body: new Uint8Array(body), headers: asAdmin() });
    expect(res.status).toBe(status);
    expect((await res.json()).message).toBeTruthy();
    const after = dataOf(await app.gql(`{ firmwareFiles(first: 200) { edges { node { id } } } }`)) as any;
    expect(after.firmwareFiles.edges).toHaveLength(before.firmwareFiles.edges.length);
  });

  it('a station download with a wrong token is refused', async () => {
    const file = await uploadFirmware(randomBytes(1000));
    const { identity, asked } = await aFirmwareCharger();
    await update({ stationIdentities: [identity], firmwareFileId: file.id });
    const wrong = (asked[0].location as string).replace(/\/jobs\/([^/]+)\/[^/]+\//, `/jobs/$1/${randomBytes(32).toString('base64url')}/`);
    expect((await fetch(wrong)).status).toBe(403);
    expect((await fetch(asked[0].location)).status).toBe(200);
  });
});

describe('bad input gets a clear error and creates no job', () => {
  const uuid = '00000000-0000-4000-8000-000000000000';
  it.each([
    { name: 'no stations', input: (s: string) => ({ stationIdentities: [], location: 'https://x.example/f.bin', _s: s }), code: 'BAD_USER_INPUT', field: 'stationIdentities' },
    { name: 'a station listed twice', input: (s: string) => ({ stationIdentities: [s, s], location: 'https://x.example/f.bin' }), code: 'BAD_USER_INPUT', field: 'stationIdentities' },
    { name: 'neither file nor location', input: (s: string) => ({ stationIdentities: [s] }), code: 'BAD_USER_INPUT', field: 'location' },
    { name: 'both file and location', input: (s: string) => ({ stationIdentities: [s], firmwareFileId: uuid, location: 'https://x.example/f.bin' }), code: 'BAD_USER_INPUT', field: 'location' },
    { name: 'a location that is not a URL', input: (s: string) => ({ stationIdentities: [s], location: 'firmware.bin' }), code: 'BAD_USER_INPUT', field: 'location' },
    { name: 'a file: location', input: (s: string) => ({ stationIdentities: [s], location: 'file:///etc/passwd' }), code: 'BAD_USER_INPUT', field: 'location' },
    { name: 'a firmwareFileId that is not an id', input: (s: string) => ({ stationIdentities: [s], firmwareFileId: 'abc' }), code: 'BAD_USER_INPUT', field: 'firmwareFileId' },
    { name: 'negative retries', input: (s: string) => ({ stationIdentities: [s], location: 'https://x.example/f.bin', retries: -1 }), code: 'BAD_USER_INPUT', field: 'retries' },
    { name: 'an unknown firmware file', input: (s: string) => ({ stationIdentities: [s], firmwareFileId: uuid }), code: 'NOT_FOUND', field: undefined },
    { name: 'an unknown station among known ones', input: (s: string) => ({ stationIdentities: [s, 'NO-SUCH-STATION'], location: 'https://x.example/f.bin' }), code: 'NOT_FOUND', field: 'stationIdentities' },
  ])('$name: $code', async ({ input, code, field }) => {
    const { identity, asked } = await aFirmwareCharger();
    const { _s, ...payload } = input(identity) as Record<string, unknown>;
    const res = await app.gql(UPDATE, { i: payload });
    expect(res.errors?.[0]?.extensions?.code).toBe(code);
    if (field) expect(res.errors?.[0]?.extensions?.field).toBe(field);
    expect(res.errors?.[0]?.message).toBeTruthy();
    expect(asked).toEqual([]);
    const jobs = dataOf(await app.gql(`query($s: String!) { station(identity: $s) { firmwareJobs { id } } }`, { s: identity })) as any;
    expect(jobs.station.firmwareJobs).toEqual([]);
  });
});

describe('each UpdateFirmware call is in its station command history', () => {
  it('a hosted file: recorded with who asked, the download URL without its token; an offline station recorded OFFLINE', async () => {
    const file = await uploadFirmware(randomBytes(1000), 'vl-22-4.0.0.bin');
    const online = await aFirmwareCharger();
    const { identity: offline } = await aStation(app);
    const retrieveAt = new Date(Date.now() + 60_000).toISOString();
    const rollout = await update({ stationIdentities: [online.identity, offline], firmwareFileId: file.id, retrieveAt, retries: 2 });
    const job = rollout.jobs.find((j: any) => j.stationIdentity === online.identity);
    const token = (online.asked[0].location as string).split('/').at(-2)!;

    const history = await commandHistory(online.identity);
    expect(history).toEqual([
      {
        command: 'UPDATE_FIRMWARE',
        action: 'UpdateFirmware',
        payload: { location: `${app.url}/firmware/jobs/${job.id}/<token>/vl-22-4.0.0.bin`, retrieveDate: retrieveAt, retries: 2 },
        status: 'ACCEPTED',
        answer: 'ACCEPTED',
        errorCode: null,
        requestedBy: TEST_ADMIN.email,
      },
    ]);
    expect(JSON.stringify(history)).not.toContain(token);
    expect(await commandHistory(offline)).toMatchObject([{ command: 'UPDATE_FIRMWARE', status: 'OFFLINE', requestedBy: TEST_ADMIN.email }]);
  });

  it('an external location is recorded as sent; a refusal as CHARGER_ERROR', async () => {
    const refusing = await aFirmwareCharger(() => {
      throw { code: 'NotSupported', description: 'updates are disabled' };
    });
    const location = 'https://firmware.example.com/vl-22/4.0.0.bin';
    await update({ stationIdentities: [refusing.identity], location });
    expect(await commandHistory(refusing.identity)).toMatchObject([
      { command: 'UPDATE_FIRMWARE', payload: { location }, status: 'CHARGER_ERROR', errorCode: 'NotSupported' },
    ]);
  });
});

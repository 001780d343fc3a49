// One charger's values that no column can hold are refused for that charger alone; the
// others, metering at the same time into the same shared batch, are answered and stored.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { connectCharger, type ChargerClient } from '../helpers/charger-client.js';
import { bootNotification, energySample, isoNow, meterValues, startTransaction, statusNotification } from '../helpers/ocpp16-messages.js';
import { aStation, anIdToken, startTestApp, type TestApp } from '../helpers/test-app.js';
import { MeterSampleWriter } from '../../src/domain/sessions/meter-sample-writer.js';
import { createLogger } from '../../src/logger.js';
import { OCPP16_WIRE_ERROR_CODES } from '../../src/ocpp/ocpp-error.js';

let app: TestApp;
let db: pg.Client;
const chargers: ChargerClient[] = [];

beforeAll(async () => {
  // A wide batch window, so the bad and the good charger's samples would share a batch.
  app = await startTestApp({ METER_BATCH_MAX_WAIT_MS: '50' });
  db = new pg.Client({ connectionString: inject('databaseUrl') });
  await db.connect();
});
afterAll(async () => {
  await Promise.all(chargers.map((c) => c.close().catch(() => {})));
  await db?.end();
  await app?.stop();
});

async function aCharger() {
  const station = await aStation(app);
  const charger = await connectCharger(app.ocppUrl, station.identity);
  chargers.push(charger);
  await charger.call('BootNotification', bootNotification());
  return { charger, ...station };
}

let seq = 0;
// One message listener per charger, answers routed by message id.
const waiters = new WeakMap<ChargerClient, Map<string, (frame: any[]) => void>>();
/** Send a raw CALL (the text may hold what JSON.stringify cannot, like 1e999); resolve with the parsed answer. */
function rawCall(charger: ChargerClient, action: string, payloadText: string): Promise<any[]> {
  let byId = waiters.get(charger);
  if (!byId) {
    const map = new Map<string, (frame: any[]) => void>();
    charger.ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString());
      map.get(frame[1])?.(frame);
      map.delete(frame[1]);
    });
    waiters.set(charger, (byId = map));
  }
  const id = `raw-${++seq}`;
  const answer = new Promise<any[]>((resolve) => byId.set(id, resolve));
  charger.sendRaw(`[2,"${id}","${action}",${payloadText}]`);
  return answer;
}

const storedSamples = async (stationId: string) =>
  (await db.query(`select count(*)::int as n from meter_sample where station_id = $1`, [stationId])).rows[0].n as number;

const now = JSON.stringify(isoNow());
const sv = (value: string) => `{"value":${value},"measurand":"Energy.Active.Import.Register","unit":"Wh"}`;
const mv = (connectorId: string, value = '"100"', extra = '') =>
  `{"connectorId":${connectorId}${extra},"meterValue":[{"timestamp":${now},"sampledValue":[${sv(value)}]}]}`;

const BAD: { name: string; action: string; payload: string; code: string }[] = [
  { name: 'connectorId 2^31', action: 'MeterValues', payload: mv('2147483648'), code: 'PropertyConstraintViolation' },
  { name: 'connectorId 1e999', action: 'MeterValues', payload: mv('1e999'), code: 'PropertyConstraintViolation' },
  { name: 'transactionId 2^31', action: 'MeterValues', payload: mv('1', '"100"', ',"transactionId":2147483648'), code: 'PropertyConstraintViolation' },
  { name: 'transactionId -1e999', action: 'MeterValues', payload: mv('1', '"100"', ',"transactionId":-1e999'), code: 'PropertyConstraintViolation' },
  { name: 'value "1e999"', action: 'MeterValues', payload: mv('1', '"1e999"'), code: 'PropertyConstraintViolation' },
  { name: 'value "-1e999"', action: 'MeterValues', payload: mv('1', '"-1e999"'), code: 'PropertyConstraintViolation' },
  { name: 'value "Infinity"', action: 'MeterValues', payload: mv('1', '"Infinity"'), code: 'PropertyConstraintViolation' },
  { name: 'value beyond numeric(20,6)', action: 'MeterValues', payload: mv('1', '"99999999999999999999"'), code: 'PropertyConstraintViolation' },
  { name: 'a NUL in the value', action: 'MeterValues', payload: mv('1', '"12\\u00003"'), code: 'FormationViolation' },
  {
    name: 'StartTransaction meterStart 1e999',
    action: 'StartTransaction',
    payload: `{"connectorId":1,"idTag":"T1","meterStart":1e999,"timestamp":${now}}`,
    code: 'PropertyConstraintViolation',
  },
  {
    name: 'StartTransaction connectorId 2^31',
    action: 'StartTransaction',
    payload: `{"connectorId":2147483648,"idTag":"T1","meterStart":0,"timestamp":${now}}`,
    code: 'PropertyConstraintViolation',
  },
  {
    name: 'StartTransaction a NUL in idTag',
    action: 'StartTransaction',
    payload: `{"connectorId":1,"idTag":"T\\u00001","meterStart":0,"timestamp":${now}}`,
    code: 'FormationViolation',
  },
  {
    name: 'StopTransaction transactionId 2^31',
    action: 'StopTransaction',
    payload: `{"transactionId":2147483648,"meterStop":10,"timestamp":${now}}`,
    code: 'PropertyConstraintViolation',
  },
  {
    name: 'StopTransaction meterStop 1e999',
    action: 'StopTransaction',
    payload: `{"transactionId":1,"meterStop":1e999,"timestamp":${now}}`,
    code: 'PropertyConstraintViolation',
  },
  {
    name: 'StatusNotification connectorId 2^31',
    action: 'StatusNotification',
    payload: `{"connectorId":2147483648,"status":"Available","errorCode":"NoError"}`,
    code: 'PropertyConstraintViolation',
  },
  {
    name: 'StatusNotification a NUL in info',
    action: 'StatusNotification',
    payload: `{"connectorId":1,"status":"Available","errorCode":"NoError","info":"a\\u0000b"}`,
    code: 'FormationViolation',
  },
  {
    name: 'BootNotification a NUL in the vendor',
    action: 'BootNotification',
    payload: `{"chargePointVendor":"V\\u0000","chargePointModel":"M"}`,
    code: 'FormationViolation',
  },
];

describe('a charger sending values no column can hold', () => {
  it.each(BAD)('$name: $code for that charger, CALLRESULT and stored for the other', async ({ action, payload, code }) => {
    const bad = await aCharger();
    const good = await aCharger();
    const before = await storedSamples(good.id);
    const [badAnswer, ...goodAnswers] = await Promise.all([
      rawCall(bad.charger, action, payload),
      ...Array.from({ length: 5 }, (_, i) => good.charger.call('MeterValues', meterValues(undefined, [energySample(1000 + i)]))),
    ]);
    expect(badAnswer[0]).toBe(4);
    expect(badAnswer[2]).toBe(code);
    expect(goodAnswers).toEqual([{}, {}, {}, {}, {}]);
    expect(await storedSamples(good.id)).toBe(before + 5);
    expect(await storedSamples(bad.id)).toBe(0);
  });

  it('still acknowledges ordinary values at the edges of the ranges', async () => {
    const { charger, id } = await aCharger();
    expect(await rawCall(charger, 'MeterValues', mv('2147483647', '"99999999999999"'))).toEqual([3, `raw-${seq}`, {}]);
    expect(await storedSamples(id)).toBe(1);
  });
});

describe('the meter writer, when the database still refuses one item of a batch', () => {
  it('fails only that item and stores the others', async () => {
    const a = await aStation(app);
    const b = await aStation(app);
    const pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 2 });
    const writer = new MeterSampleWriter(pool, { maxRows: 1000, maxWaitMs: 50 }, createLogger('silent'));
    const sample = (value: string) => ({
      sampledAt: new Date(),
      measurand: 'Power.Active.Import',
      phase: null,
      unit: 'W',
      context: 'Sample.Periodic',
      location: 'Outlet',
      format: 'Raw',
      value,
    });
    const item = (stationId: string, connectorId: number, value: string) => ({
      stationId,
      connectorId,
      transactionId: null,
      samples: [sample(value)],
      reading: null,
      receivedAt: new Date(),
    });
    try {
      const results = await Promise.allSettled([
        writer.write(item(b.id, 1, '1')),
        writer.write(item(a.id, 2147483648, '5')), // bypasses the edge: int4 out of range
        writer.write(item(a.id, 1, 'x\u0000')), // bypasses the edge: NUL
        writer.write(item(b.id, 1, '2')),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
      expect(await storedSamples(b.id)).toBe(2);
      expect(await storedSamples(a.id)).toBe(0);
    } finally {
      await writer.close();
      await pool.end();
    }
  });
});

// A seeded PRNG (mulberry32), so a failing run can be replayed.
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('fuzzed frames from one charger', () => {
  it('are each answered with a well-formed CALLRESULT or CALLERROR, and another charger is unaffected', async () => {
    const rand = prng(20261203);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const tag = await anIdToken(app);
    const fuzzer = await aCharger();
    const other = await aCharger();
    const bases: [string, () => any][] = [
      ['MeterValues', () => meterValues(undefined, [energySample(123), energySample(5, { measurand: 'Power.Active.Import', unit: 'W' })])],
      ['StatusNotification', () => statusNotification(1, 'Available', { info: 'ok', vendorId: 'V' })],
      ['BootNotification', () => bootNotification()],
      ['Heartbeat', () => ({})],
      ['Authorize', () => ({ idTag: tag.value })],
      ['StartTransaction', () => startTransaction(tag.value)],
      ['StopTransaction', () => ({ transactionId: 1, meterStop: 10, timestamp: isoNow() })],
      ['DataTransfer', () => ({ vendorId: 'V', messageId: 'm', data: 'd' })],
    ];
    const INF = '__INF__';
    const replacements: unknown[] = [
      2147483648, -2147483649, 9007199254740993, INF, `-${INF}`, 1.5, -1, 0, null, true, '', 'x\u0000y', '\u0000',
      'Ä'.repeat(600), '1e999', '99999999999999999999', [], {}, { nested: ['\u0000'] },
    ];
    const mutate = (node: any): any => {
      if (Array.isArray(node)) return node.map(mutate);
      if (node && typeof node === 'object') {
        const out: any = {};
        for (const [k, v] of Object.entries(node)) out[k] = rand() < 0.25 ? pick(replacements) : mutate(v);
        if (rand() < 0.05) out[pick(['extra', 'connectorId', 'value'])] = pick(replacements);
        return out;
      }
      return node;
    };
    const answers: any[][] = [];
    const otherAnswers: unknown[] = [];
    for (let round = 0; round < 20; round++) {
      const frames = Array.from({ length: 100 }, () => {
        const [action, base] = pick(bases);
        const text = JSON.stringify(mutate(base())).replaceAll(`"-${INF}"`, '-1e999').replaceAll(`"${INF}"`, '1e999');
        return rawCall(fuzzer.charger, action, text);
      });
      const others = Array.from({ length: 3 }, (_, i) => other.charger.call('MeterValues', meterValues(undefined, [energySample(round * 10 + i)])));
      answers.push(...(await Promise.all(frames)));
      otherAnswers.push(...(await Promise.all(others)));
    }
    expect(answers).toHaveLength(2000);
    for (const a of answers) {
      if (a[0] === 3) {
        expect(a).toHaveLength(3);
        expect(typeof a[2]).toBe('object');
      } else {
        expect(a[0]).toBe(4);
        expect(OCPP16_WIRE_ERROR_CODES).toContain(a[2]);
        expect(a[2]).not.toBe('InternalError');
        expect(typeof a[3]).toBe('string');
      }
    }
    expect(otherAnswers.every((x) => JSON.stringify(x) === '{}')).toBe(true);
    expect(await storedSamples(other.id)).toBe(60);
  }, 120_000);
});

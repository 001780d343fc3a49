// Scenario `idle`: N chargers connected and booted, heartbeating at the Boot answer's interval
// (or --heartbeat), held for --duration; reports the server's RSS before connecting and after,
// and its memory per connection. 20,000 sockets need `ulimit -n` above 20,000 in both this
// process and the server's (the server inherits this one's limit), see the README.
import { parseFlags } from '../load/args.js';
import { ensureStations } from '../load/graphql.js';
import { distribution } from '../load/stats.js';
import { workerHandle, type Handle } from '../load/threads.js';
import type { StormFleet, StormOptions } from '../load/storm-fleet.js';
import { finish, log, openTarget, round, sleep, type Goal } from './common.js';
import { readProc, sampleProc, serverConnections } from './server.js';

export async function idle(argv: string[]): Promise<number> {
  const flags = parseFlags(
    argv,
    {
      chargers: { default: 20000, integer: true, min: 1, help: 'connected chargers' },
      duration: { default: 60, min: 1, help: 'seconds to hold them connected' },
      heartbeat: { default: 0, min: 0, help: 'heartbeat interval in seconds (0: the Boot answer\'s interval)' },
      rate: { default: 500, min: 1, help: 'connects per second while the fleet comes up' },
      workers: { default: 1, integer: true, min: 1, help: 'worker threads for the chargers' },
      'source-addresses': { default: 1, integer: true, min: 1, help: 'spread client sockets over 127.0.0.1..N (when the ephemeral port range is small)' },
      prefix: { default: 'IDLE', help: 'station identity prefix' },
      url: { default: '', help: 'target an already running CSMS (http://host:port) instead of spawning one (no RSS then)' },
      token: { default: '', help: 'bearer token for the GraphQL setup (or CSMS_API_TOKEN; default: log in as ADMIN_EMAIL)' },
      out: { default: '', help: 'JSON result file (default bench-results/idle-<timestamp>.json)' },
    },
    'Usage: npm run bench -- idle [options]',
  );
  const n = flags.chargers;
  const width = Math.max(5, String(n).length);
  const chargers = Array.from({ length: n }, (_, index) => ({ identity: `${flags.prefix}-${String(index + 1).padStart(width, '0')}`, index }));
  const startedAt = new Date();
  const { target } = await openTarget(flags, {});
  const handles: Handle<StormFleet>[] = [];
  // RSS of the server as started, before the GraphQL setup grows its heap: what the setup leaves
  // behind can be given back during the run, so "before" alone may even exceed "after".
  const fresh = target.pid !== null ? readProc(target.pid) : null;
  try {
    const st = await ensureStations(target.url, chargers.map((c) => ({ identity: c.identity, name: `Idle charger ${c.index + 1}` })), { concurrency: 4 });
    log(`setup: ${st.created} stations registered (${st.existing} existed)`);
    for (let w = 0; w < flags.workers; w++) {
      const options: StormOptions = {
        ocppUrl: target.ocppUrl,
        chargers: chargers.filter((c) => c.index % flags.workers === w),
        rate: flags.rate,
        handshakeTimeoutMs: 10_000,
        callTimeoutMs: 30_000,
        retryEarly: false,
        giveUpMs: 300_000,
        heartbeatSeconds: flags.heartbeat,
        sourceAddresses: flags['source-addresses'],
      };
      handles.push(await workerHandle<StormFleet>({ role: 'storm', args: [options] }));
    }
    await sleep(2000); // let the setup's garbage settle before the baseline
    const before = target.pid !== null ? readProc(target.pid) : null;
    log(`idle: connecting ${n} chargers at ${flags.rate}/s${before ? ` (server RSS before: ${before.rssMB} MB)` : ''}`);
    const startAt = Date.now() + 200;
    await Promise.all(handles.map((h) => h.call('connect', startAt)));
    const upSeconds = round((Date.now() - startAt) / 1000);
    log(`${await serverConnections(target.url)} connected after ${upSeconds} s; holding for ${flags.duration} s`);
    const proc = sampleProc(target.pid, 1000);
    const ticker = setInterval(() => void serverConnections(target.url).then((c) => log(`  ... ${c} chargers connected`)), 15_000);
    await sleep(flags.duration * 1000);
    clearInterval(ticker);
    const held = proc();
    const connectionsAtEnd = await serverConnections(target.url);
    const results = await Promise.all(handles.map((h) => h.call('results')));
    const inCount = results.reduce((a, r) => a + r.inAt.length, 0);
    const open = results.reduce((a, r) => a + r.openAtEnd, 0);
    const errors: Record<string, number> = {};
    for (const r of results) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
    const errorsTotal = Object.values(errors).reduce((a, b) => a + b, 0);
    const after = held?.rssMB.end ?? null;
    const perConnectionKB = before && after !== null && inCount > 0 ? round(((after - before.rssMB) * 1024) / inCount) : null;
    // An upper bound: it charges the setup's leftovers to the connections too.
    const perConnectionKBSinceStart = fresh && after !== null && inCount > 0 ? round(((after - fresh.rssMB) * 1024) / inCount) : null;
    const heartbeat = distribution(results.map((r) => r.heartbeat));
    const report = {
      config: { chargers: n, durationSeconds: flags.duration, heartbeatSeconds: flags.heartbeat || 'from BootNotification', rate: flags.rate, workers: flags.workers },
      in: inCount,
      upSeconds,
      connectionsAtEnd: { client: open, server: connectionsAtEnd },
      heartbeatMs: heartbeat,
      errors: { total: errorsTotal, byKind: errors },
      server: { pid: target.pid, rssMBAtStart: fresh?.rssMB ?? null, rssMBBefore: before?.rssMB ?? null, rssMBAfter: after, perConnectionKB, perConnectionKBSinceStart, held },
    };
    const goals: Goal[] = [
      { name: `${n} chargers connected on one node`, pass: connectionsAtEnd === n, measured: `${connectionsAtEnd} held by the server at the end` },
    ];
    await finish('idle', startedAt, flags.out, report, goals, [
      `Idle fleet               ${inCount} of ${n} in after ${upSeconds} s; at the end: ${open} open (client), ${connectionsAtEnd} (server)`,
      `Server RSS               ${before ? `at start ${fresh?.rssMB} MB, before connecting ${before.rssMB} MB, after ${after} MB (max ${held?.rssMB.max}); per connection ${perConnectionKB} KB since before connecting, ${perConnectionKBSinceStart} KB since start (upper bound)` : 'not sampled (--url)'}`,
      ...(held ? [`Server cores (held)      mean ${held.cores.mean} / max ${held.cores.max}`] : []),
      `Heartbeats               ${heartbeat.count ? `p50 ${heartbeat.p50} / p99 ${heartbeat.p99} ms (n=${heartbeat.count})` : 'none in the window'}`,
      `Errors                   ${errorsTotal}${errorsTotal ? `: ${JSON.stringify(errors)}` : ''}`,
    ]);
    return inCount === n && errorsTotal === 0 ? 0 : 1;
  } finally {
    await Promise.allSettled(handles.map((h) => h.call('close')));
    await Promise.allSettled(handles.map((h) => h.close()));
    await target.stop();
  }
}

// Load test of the CSMS, driven from this process (the chargers run in worker threads here)
// against the server in its own process, as real chargers are separate: spawned by the bench
// (`node --import tsx src/main.ts` on a free port, DATABASE_URL/REDIS_URL passed through,
// else the embedded PostgreSQL) or, with --url, one that already runs.
//
//   npm run bench -- storm  [--known | --new] [--chargers 5000] [--rate 500] [--retry-early] ...
//   npm run bench -- steady [--chargers 5000] [--duration 60] [--interval 1] [--samples 4] ...
//   npm run bench -- idle   [--chargers 20000] [--duration 60] [--heartbeat 0] ...
//   npm run bench -- <scenario> --help
//
// Each prints its figures with the goals (PASS/FAIL) and writes them as JSON to
// bench-results/<scenario>-<timestamp>.json. Exits 1 on errors, chargers left out, or stored
// samples differing from the acknowledged ones; a missed performance goal alone exits 0.
import { onInterrupt } from './bench/common.js';
import { idle } from './bench/idle.js';
import { steady } from './bench/steady.js';
import { storm } from './bench/storm.js';

const scenarios: Record<string, (argv: string[]) => Promise<number>> = { storm, steady, idle };
const argv = process.argv.slice(2).filter((a) => a !== '--');
const name = argv[0];
const run = name ? scenarios[name] : undefined;
if (!run) {
  process.stderr.write(`Usage: npm run bench -- <${Object.keys(scenarios).join(' | ')}> [options]   (--help after a scenario for its options)\n`);
  process.exit(2);
}
// Ctrl-C: stop the spawned server, then exit; a second Ctrl-C exits at once.
process.removeAllListeners('SIGINT');
process.once('SIGINT', () => {
  process.stdout.write('interrupted: stopping the server\n');
  process.once('SIGINT', () => process.exit(130));
  void Promise.allSettled(onInterrupt.map((f) => f())).finally(() => process.exit(130));
});
let code = 1;
try {
  code = await run(argv.slice(1));
} catch (error) {
  const cause = error instanceof Error && error.cause ? `\ncaused by: ${String(error.cause)}` : '';
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}${cause}\n`);
}
process.exit(code);

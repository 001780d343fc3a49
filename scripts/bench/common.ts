// What every scenario shares: the target server (spawned or --url), the admin token for setup
// through the GraphQL API, the result file, and the goals printed with PASS/FAIL.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { loginToken, setBearerToken } from '../load/graphql.js';
import { existingServer, spawnServer, type Target } from './server.js';

export const log = (line: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const round = (n: number) => Math.round(n * 100) / 100;

export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/** Run on Ctrl-C before exiting: stops a spawned server (it records its chargers offline). */
export const onInterrupt: (() => Promise<void>)[] = [];

export interface TargetFlags {
  url: string;
  token: string;
}

/** The server under test and a logged-in GraphQL caller (ADMIN_EMAIL/ADMIN_PASSWORD, or --token/CSMS_API_TOKEN). */
export async function openTarget(flags: TargetFlags, serverEnv: Record<string, string>): Promise<{ target: Target; token: string | undefined }> {
  let target: Target;
  if (flags.url) {
    target = await existingServer(flags.url);
    log(`targeting the running CSMS at ${target.url} (server settings ${JSON.stringify(serverEnv)} are up to it)`);
  } else {
    log(
      `spawning the CSMS (database: ${process.env.DATABASE_URL ? redact(process.env.DATABASE_URL) : 'embedded PostgreSQL'}, ` +
        `events: ${process.env.REDIS_URL ? `redis ${redact(process.env.REDIS_URL)}` : 'in-process'}; ${Object.entries(serverEnv).map(([k, v]) => `${k}=${v}`).join(' ')})`,
    );
    target = await spawnServer(serverEnv, log);
    onInterrupt.push(target.stop);
  }
  const email = process.env.ADMIN_EMAIL;
  const password = process.env.ADMIN_PASSWORD;
  const token = flags.token || process.env.CSMS_API_TOKEN || (email && password ? await loginToken(target.url, email, password) : undefined);
  setBearerToken(token);
  return { target, token };
}

export interface Goal {
  name: string;
  pass: boolean;
  measured: string;
}

export function machine(): Record<string, unknown> {
  return { node: process.version, cpus: cpus().length, database: process.env.DATABASE_URL ? redact(process.env.DATABASE_URL) : 'embedded', events: process.env.REDIS_URL ? 'redis' : 'in-process' };
}

/** Writes the JSON report (bench-results/<scenario>-<timestamp>.json unless --out) and prints the goals. */
export async function finish(scenario: string, startedAt: Date, out: string, report: Record<string, unknown>, goals: Goal[], lines: string[]): Promise<string> {
  const file = resolve(out || `bench-results/${scenario}-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify({ scenario, startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), machine: machine(), ...report, goals }, null, 2)}\n`);
  const text = [
    '',
    ...lines,
    'Goals (the issue\'s; a miss does not fail the run):',
    ...goals.map((g) => `  ${g.pass ? 'PASS' : 'FAIL'}  ${g.name}: ${g.measured}`),
    `Written to ${file}`,
    '',
  ];
  process.stdout.write(text.join('\n'));
  return file;
}

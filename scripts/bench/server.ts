// The CSMS under test, in its own process: spawned here (`node --import tsx src/main.ts` on a
// free port, LOG_LEVEL=warn, DATABASE_URL/REDIS_URL passed through) or, with --url, one that
// already runs. Also samples that process's RSS and CPU from /proc while a scenario runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export interface Target {
  /** http://host:port of the CSMS. */
  url: string;
  ocppUrl: string;
  graphqlWsUrl: string;
  /** The server's pid when spawned here (RSS/CPU sampling); null for --url. */
  pid: number | null;
  stop(): Promise<void>;
}

const root = fileURLToPath(new URL('../..', import.meta.url));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitHealthy(url: string, child: ChildProcess | null, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`the CSMS exited with code ${child.exitCode} before it was up`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the CSMS at ${url} did not answer /health within ${timeoutMs / 1000} s`);
}

function urls(url: string): Pick<Target, 'url' | 'ocppUrl' | 'graphqlWsUrl'> {
  const ws = url.replace(/^http/, 'ws');
  return { url, ocppUrl: `${ws}/ocpp`, graphqlWsUrl: `${ws}/graphql` };
}

/**
 * Starts the CSMS as a child process with `env` added to this process's environment.
 * Its stderr (warnings and errors at LOG_LEVEL=warn) goes to this process's stderr.
 */
export async function spawnServer(env: Record<string, string>, log: (line: string) => void): Promise<Target> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { LOG_LEVEL: 'warn', ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url, child, 120_000);
  log(`CSMS started as pid ${child.pid} on ${url}`);
  return {
    ...urls(url),
    pid: child.pid ?? null,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

export async function existingServer(url: string): Promise<Target> {
  const base = url.replace(/\/+$/, '');
  await waitHealthy(base, null, 10_000);
  return { ...urls(base), pid: null, stop: async () => {} };
}

/** Stations the server holds open, from /health; -1 when it does not answer. */
export async function serverConnections(url: string): Promise<number> {
  try {
    const res = await fetch(`${url}/health`);
    return ((await res.json()) as { stationsConnected: number }).stationsConnected;
  } catch {
    return -1;
  }
}

// ---- /proc sampling ------------------------------------------------------------------

export interface ProcSample {
  /** Resident set size, MB. */
  rssMB: number;
  /** utime+stime so far, seconds. */
  cpuSeconds: number;
}

export function readProc(pid: number): ProcSample | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ
    return { rssMB: Math.round((rssKB / 1024) * 10) / 10, cpuSeconds };
  } catch {
    return null;
  }
}

export interface ProcReport {
  samples: number;
  rssMB: { start: number; max: number; end: number };
  /** Cores used by the server process: mean over the window and the busiest sample interval. */
  cores: { mean: number; max: number };
}

/** Samples the process every intervalMs until the returned stop() is called. */
export function sampleProc(pid: number | null, intervalMs = 500): () => ProcReport | null {
  if (pid === null) return () => null;
  const first = readProc(pid);
  if (!first) return () => null;
  const t0 = Date.now();
  let prev = { at: t0, cpu: first.cpuSeconds };
  let maxRss = first.rssMB;
  let maxCores = 0;
  let last = first;
  let n = 1;
  const timer = setInterval(() => {
    const s = readProc(pid);
    if (!s) return;
    const at = Date.now();
    n++;
    maxRss = Math.max(maxRss, s.rssMB);
    maxCores = Math.max(maxCores, (s.cpuSeconds - prev.cpu) / Math.max(0.001, (at - prev.at) / 1000));
    prev = { at, cpu: s.cpuSeconds };
    last = s;
  }, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    const end = readProc(pid) ?? last;
    const seconds = Math.max(0.001, (Date.now() - t0) / 1000);
    const r2 = (x: number) => Math.round(x * 100) / 100;
    return {
      samples: n,
      rssMB: { start: first.rssMB, max: Math.max(maxRss, end.rssMB), end: end.rssMB },
      cores: { mean: r2((end.cpuSeconds - first.cpuSeconds) / seconds), max: r2(maxCores) },
    };
  };
}

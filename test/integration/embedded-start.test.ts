import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer, type ServerProcess } from '../helpers/server-process.js';
import { gql } from '../helpers/test-app.js';

const ADMIN = { email: 'first-admin@csms.test', password: 'first-admin-password-1' };

async function adminToken(url: string): Promise<string> {
  const res = await gql(url, `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`, { e: ADMIN.email, p: ADMIN.password }, null);
  return res.data.login.accessToken;
}

/** `npm start` as a user runs it, with nothing configured but where the embedded data lives. */
function startServer(dataDir: string, pgPort: number): Promise<ServerProcess> {
  return spawnServer({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: '0',
    HOST: '127.0.0.1',
    EMBEDDED_PG_DIR: dataDir,
    EMBEDDED_PG_PORT: String(pgPort),
    LOG_LEVEL: 'info',
    // The one thing to configure for using the API at all: its first admin.
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
  });
}

describe('npm start with nothing configured', () => {
  const pgPort = 30000 + Math.floor(Math.random() * 20000);
  let dataDir = '';
  afterAll(async () => {
    // Whatever happened above, leave no PostgreSQL running.
    const pidFile = join(dataDir, 'data', 'postmaster.pid');
    if (dataDir && existsSync(pidFile)) {
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8').split('\n')[0]), 'SIGTERM');
      } catch {}
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('runs on the embedded PostgreSQL, survives kill -9, and stops it on SIGTERM', { timeout: 120_000 }, async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'csms-embedded-'));
    const first = await startServer(dataDir, pgPort);
    const registered = await gql(
      first.url,
      `mutation { registerStation(input: { identity: "CRASH-1", name: "Before the crash" }) { identity } }`,
      {},
      await adminToken(first.url),
    );
    expect(registered.data).toEqual({ registerStation: { identity: 'CRASH-1' } });

    // A crash leaves the PostgreSQL it spawned running, holding the port and the data directory.
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await startServer(dataDir, pgPort);
    const read = await gql(second.url, `{ station(identity: "CRASH-1") { name } }`, {}, await adminToken(second.url));
    expect(read.data).toEqual({ station: { name: 'Before the crash' } });

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(existsSync(join(dataDir, 'data', 'postmaster.pid'))).toBe(false);
  });
});

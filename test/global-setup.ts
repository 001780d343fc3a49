import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { migrate, openOrm } from '../src/db/orm.js';
import { createLogger } from '../src/logger.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string | null;
  }
}

const log = createLogger('warn');

/**
 * One database for the whole run: the local PostgreSQL when one answers (TEST_DATABASE_URL
 * or 127.0.0.1:5432), else the embedded one. Redis the same way; under CI a missing Redis
 * fails the run instead of skipping its tests.
 */
export default async function setup(project: TestProject) {
  const cleanups: (() => Promise<void>)[] = [];
  const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  let databaseUrl: string;
  if (await canConnect(adminUrl)) {
    const name = `csms_test_${Date.now()}_${process.pid}`;
    await adminQuery(adminUrl, `create database ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    cleanups.push(() => adminQuery(adminUrl, `drop database if exists ${name} with (force)`));
  } else {
    const dir = await mkdtemp(join(tmpdir(), 'csms-test-pg-'));
    const db = await startEmbeddedPostgres(dir, 20000 + Math.floor(Math.random() * 20000), log);
    databaseUrl = db.url;
    cleanups.push(async () => {
      await db.stop();
      await rm(dir, { recursive: true, force: true });
    });
  }
  const orm = await openOrm(databaseUrl);
  await migrate(orm);
  await orm.close(true);

  const redisCandidate = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redisUrl = (await redisAnswers(redisCandidate)) ? redisCandidate : null;
  if (!redisUrl && process.env.CI) {
    throw new Error(`CI is set but no Redis answers at ${redisCandidate}: Redis tests must run in CI`);
  }

  project.provide('databaseUrl', databaseUrl);
  project.provide('redisUrl', redisUrl);

  return async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function redisAnswers(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

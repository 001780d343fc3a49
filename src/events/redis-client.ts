import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/** A connected ioredis client that survives Redis going away, and says whether it is connected. */
export interface WatchedRedis {
  client: Redis;
  isUp(): boolean;
}

/**
 * ioredis reconnects (and resubscribes) on its own, but emits 'error' on every failed retry:
 * without a listener that is an "Unhandled error event" line per attempt. Here an outage is
 * logged once when it starts and once when the connection is ready again.
 */
export async function connectRedis(url: string, role: string, log: Logger): Promise<WatchedRedis> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
  let up = false;
  let outage = false;
  client.on('error', (err) => {
    if (outage) return;
    outage = true;
    log.error('Redis connection lost; retrying', { role, err });
  });
  client.on('close', () => {
    up = false;
  });
  client.on('ready', () => {
    up = true;
    if (!outage) return;
    outage = false;
    log.info('Redis connection restored', { role });
  });
  await client.connect();
  up = true;
  return { client, isUp: () => up && client.status === 'ready' };
}

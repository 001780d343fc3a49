import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Every kind of scheduled or retried work, by name, with the data its job carries. Like events,
 * job data is small JSON (ids, numbers, ISO timestamps), never an entity. An area adds its job
 * here and its handler under src/jobs/.
 */
export interface Jobs {
  /** Prove the queue runs work (used by its own test). */
  'system.ping': { note: string };
  /** Release card holds never attached to a session in time (scheduled). */
  'payments.expire-holds': Record<string, never>;
  /** Start the station for a guest whose hold the provider authorised. */
  'payments.guest-start': { holdId: string };
  /** Each fleet's invoices for the previous month (scheduled monthly). */
  'billing.account-period': Record<string, never>;
}

export type JobName = keyof Jobs;

export interface SendOptions {
  /** Not before this instant. */
  startAfter?: Date;
  /** Attempts after the first; defaults to the queue's (3, backing off from 30 s). */
  retryLimit?: number;
  retryDelaySeconds?: number;
  /**
   * Enqueue inside this unit of work's transaction: the job exists if and only if the
   * transaction commits (call inside em.transactional()).
   */
  within?: EntityManager;
}

/**
 * The domain's port to the PostgreSQL-backed job queue: work sent here survives a restart and
 * runs once across nodes, at least once in all (handlers are idempotent).
 */
export interface JobQueue {
  send<K extends JobName>(name: K, data: Jobs[K], options?: SendOptions): Promise<string | null>;
}

import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Every kind of scheduled or retried work, by name, with the data its job carries. Like events,
 * job data is small JSON (ids, numbers, ISO timestamps), never an entity. An area adds its job
 * here and its handler under src/jobs/.
 */
export interface Jobs {
  /** Prove the queue runs work (used by its own test). */
  'system.ping': { note: string };
  /** Make the CDR of a stopped session (a backstop: the stop makes it at once when it can). */
  'cdrs.price-session': { sessionId: string };
  /** Bill a new CDR: the plan's allowance, the card capture, the receipt invoice. */
  'billing.settle-cdr': { cdrId: string };
  /** Close the periods that have ended: cancel, or open the next one and bill it (recurring). */
  'plans.roll-periods': Record<string, never>;
  /** Issue and charge one subscription period's fee; retried while the charge fails. */
  'plans.bill-period': { periodId: string };
  /** Release card holds never attached to a session in time (scheduled). */
  'payments.expire-holds': Record<string, never>;
  /** Start the station for a guest whose hold the provider authorised. */
  'payments.guest-start': { holdId: string };
  /** Each fleet's invoices for the previous month (scheduled monthly). */
  'billing.account-period': Record<string, never>;
  /** Create meter_sample's coming day partitions, drop those past METER_RETENTION_DAYS (scheduled hourly). */
  'sessions.meter-partitions': Record<string, never>;
  /** Mark the stations of nodes whose lease expired offline (scheduled every minute). */
  'nodes.sweep-leases': Record<string, never>;
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

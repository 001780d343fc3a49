import type { EntityManager } from '@mikro-orm/postgresql';
import PgBoss from 'pg-boss';
import type { JobName, JobQueue, Jobs, SendOptions } from '../domain/jobs.js';
import type { Logger } from '../logger.js';

export interface JobHandler<K extends JobName> {
  name: K;
  /** Throwing fails the attempt; pg-boss retries it with backoff until retryLimit. */
  run(data: Jobs[K]): Promise<void>;
}

/** A recurring job: cron in the given time zone (UTC by default). */
export interface JobSchedule<K extends JobName> {
  name: K;
  cron: string;
  data: Jobs[K];
  tz?: string;
}

export interface JobQueueOptions {
  connectionString: string;
  /** The schema pg-boss keeps its tables in; tests give each app its own. */
  schema: string;
  pollingIntervalSeconds: number;
}

/**
 * pg-boss behind the domain's JobQueue port. Jobs are rows in PostgreSQL: a restart loses
 * none, and SKIP LOCKED fetching means each runs on one node at a time.
 */
export class PgBossJobQueue implements JobQueue {
  private readonly boss: PgBoss;
  private readonly handlers = new Map<string, JobHandler<JobName>>();
  private started = false;

  constructor(private readonly options: JobQueueOptions, private readonly log: Logger) {
    this.boss = new PgBoss({
      connectionString: options.connectionString,
      schema: options.schema,
      max: 3,
      retryLimit: 3,
      retryDelay: 30,
      retryBackoff: true,
    });
    this.boss.on('error', (err) => this.log.error('job queue error', { err }));
  }

  handle<K extends JobName>(handler: JobHandler<K>): void {
    if (this.started) throw new Error(`handler for ${handler.name} registered after start`);
    this.handlers.set(handler.name, handler as unknown as JobHandler<JobName>);
  }

  /** Creates the queues, starts a worker for each handler and (re)declares the schedules. */
  async start(schedules: readonly JobSchedule<JobName>[] = []): Promise<void> {
    await this.boss.start();
    this.started = true;
    for (const [name, handler] of this.handlers) {
      await this.boss.createQueue(name);
      await this.boss.work<Jobs[JobName]>(
        name,
        { pollingIntervalSeconds: this.options.pollingIntervalSeconds, batchSize: 1 },
        async ([job]) => {
          try {
            await handler.run(job.data);
          } catch (err) {
            this.log.warn('job attempt failed', { job: name, jobId: job.id, err });
            throw err;
          }
        },
      );
    }
    for (const s of schedules) {
      await this.boss.createQueue(s.name);
      await this.boss.schedule(s.name, s.cron, s.data as object, { tz: s.tz ?? 'UTC' });
    }
  }

  async send<K extends JobName>(name: K, data: Jobs[K], options: SendOptions = {}): Promise<string | null> {
    const sendOptions: PgBoss.SendOptions = {};
    if (options.startAfter) sendOptions.startAfter = options.startAfter;
    if (options.retryLimit !== undefined) sendOptions.retryLimit = options.retryLimit;
    if (options.retryDelaySeconds !== undefined) sendOptions.retryDelay = options.retryDelaySeconds;
    if (options.within) sendOptions.db = transactionDb(options.within);
    return this.boss.send(name, data as object, sendOptions);
  }

  /** Lets running jobs finish (up to the timeout), then stops polling. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }
}

// pg-boss writes the job through the caller's transaction, so job and change commit together.
// Its SQL numbers parameters ($1, reused); the ORM's raw queries take them positionally (?).
function transactionDb(em: EntityManager): PgBoss.Db {
  return {
    async executeSql(text, values = []) {
      const ordered: unknown[] = [];
      const sql = text.replace(/\$(\d+)/g, (_, n: string) => {
        ordered.push(values[Number(n) - 1]);
        return '?';
      });
      const rows = await em.getConnection().execute(sql, ordered, 'all', em.getTransactionContext());
      return { rows: rows as unknown[] as any[] };
    },
  };
}

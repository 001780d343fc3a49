import type { Logger } from '../logger.js';
import { isDataError, isRetryableConflict } from './pg-errors.js';

/** One item's result in a batch: its value, or the error that belongs to it alone. */
export type Outcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

export interface BatchQueueOptions {
  /** Named in logs. */
  name: string;
  /** Most items in one batch. */
  maxBatch: number;
  /** Batches in flight at once (each holds a database connection). */
  concurrency: number;
}

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (err: unknown) => void;
}

const MAX_CONFLICT_RETRIES = 3;

/**
 * Group commit for the connection path, the way the meter writer does it for samples: an item
 * submitted while the queue is idle is written at once, alone; items submitted while
 * `concurrency` batches are in flight wait and form the next batch. Under a storm a thousand
 * handshakes cost a few dozen transactions instead of a thousand, and a quiet server adds no
 * latency (there is no timer). Each caller is answered when the batch holding its item has
 * committed, or failed.
 *
 * `run` gets the items in submission order and answers an Outcome per item; an error thrown
 * fails the whole batch. When it is a data error (SQLSTATE 22/23: one item's values), the items
 * are retried one by one so only the bad one fails; a deadlock is retried whole.
 */
export class BatchQueue<I, O> {
  private waiting: Waiting<I, O>[] = [];
  private inFlight = 0;
  readonly stats = { batches: 0, items: 0, largest: 0 };

  constructor(
    private readonly run: (items: readonly I[]) => Promise<Outcome<O>[]>,
    private readonly options: BatchQueueOptions,
    private readonly log: Logger,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.concurrency && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.options.maxBatch);
      this.inFlight += 1;
      void this.execute(batch).finally(() => {
        this.inFlight -= 1;
        if (this.waiting.length > 0) this.pump();
      });
    }
  }

  private async execute(batch: Waiting<I, O>[]): Promise<void> {
    this.stats.batches += 1;
    this.stats.items += batch.length;
    this.stats.largest = Math.max(this.stats.largest, batch.length);
    for (let attempt = 1; ; attempt++) {
      try {
        const outcomes = await this.run(batch.map((w) => w.item));
        batch.forEach((w, i) => {
          const outcome = outcomes[i];
          if (!outcome) w.reject(new Error(`${this.options.name}: no outcome for item ${i}`));
          else if (outcome.ok) w.resolve(outcome.value);
          else w.reject(outcome.error);
        });
        return;
      } catch (err) {
        if (isRetryableConflict(err) && attempt < MAX_CONFLICT_RETRIES) continue;
        if (batch.length > 1 && isDataError(err)) {
          this.log.warn(`${this.options.name}: a batch was refused; writing its items one by one`, { err, items: batch.length });
          for (const w of batch) await this.execute([w]);
          return;
        }
        for (const w of batch) w.reject(err);
        return;
      }
    }
  }
}

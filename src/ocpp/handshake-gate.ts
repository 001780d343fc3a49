/**
 * Admission control for WebSocket handshakes. During a reconnect storm every charger of a
 * fleet knocks at once; admitting them all at once makes each handshake wait behind all the
 * others until the chargers' own timeouts fire, they retry, and the server keeps doing work
 * for sockets that already gave up (congestion collapse). The gate lets `concurrency`
 * handshakes run, queues up to `maxQueued` for at most `maxWaitMs`, and refuses the rest at
 * once so the charger retries later (HTTP 503 with Retry-After) instead of hanging.
 *
 * No I/O and no timers of its own beyond the wait bound: table-tested in test/unit/ocpp.
 */
export interface HandshakeGateOptions {
  concurrency: number;
  maxQueued: number;
  maxWaitMs: number;
}

export type Admission = { admitted: true; release: () => void } | { admitted: false; reason: 'QUEUE_FULL' | 'WAITED_TOO_LONG' | 'GAVE_UP' };

interface Waiter {
  grant: () => void;
  timer: NodeJS.Timeout;
}

export class HandshakeGate {
  private running = 0;
  private readonly queue: Waiter[] = [];
  readonly stats = { admitted: 0, refused: 0 };

  constructor(private readonly options: HandshakeGateOptions) {}

  /**
   * Waits for a slot. `stillWanted` is asked when the slot comes: a charger that hung up
   * while queued costs nothing more.
   */
  async enter(stillWanted: () => boolean = () => true): Promise<Admission> {
    if (this.running < this.options.concurrency && this.queue.length === 0) return this.grant();
    if (this.queue.length >= this.options.maxQueued) return this.refuse('QUEUE_FULL');
    const granted = await new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(waiter.timer);
          resolve(true);
        },
        timer: setTimeout(() => {
          const at = this.queue.indexOf(waiter);
          if (at >= 0) this.queue.splice(at, 1);
          resolve(false);
        }, this.options.maxWaitMs),
      };
      this.queue.push(waiter);
    });
    if (!granted) return this.refuse('WAITED_TOO_LONG');
    // The slot was handed over by release(): it is ours until we release it.
    if (!stillWanted()) {
      this.release();
      return this.refuse('GAVE_UP');
    }
    this.stats.admitted += 1;
    return { admitted: true, release: this.once() };
  }

  get pending(): number {
    return this.running + this.queue.length;
  }

  private grant(): Admission {
    this.running += 1;
    this.stats.admitted += 1;
    return { admitted: true, release: this.once() };
  }

  private refuse(reason: 'QUEUE_FULL' | 'WAITED_TOO_LONG' | 'GAVE_UP'): Admission {
    this.stats.refused += 1;
    return { admitted: false, reason };
  }

  private once(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.release();
    };
  }

  // Hands the slot straight to the oldest waiter (running stays the same), or frees it.
  private release(): void {
    const next = this.queue.shift();
    if (next) next.grant();
    else this.running -= 1;
  }
}

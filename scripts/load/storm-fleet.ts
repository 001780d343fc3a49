// Chargers of the storm and idle scenarios: connect at a fixed rate, then BootNotification and
// one StatusNotification; "in" once that is answered. Like real chargers they retry a refused
// handshake (HTTP 503) after its Retry-After, a timed-out one after a backoff with jitter (or
// after ~1 s with retryEarly), and then hold the socket, heartbeating at the Boot's interval.
import { performance } from 'node:perf_hooks';
import { connectCharger, HandshakeRefusedError, type ChargerClient } from '../../test/helpers/charger-client.js';
import { bootNotification, errorKind, statusNotification } from './ocpp16.js';
import { Series } from './stats.js';

export interface StormOptions {
  ocppUrl: string;
  /** Identities of this thread's chargers with their position in the whole fleet. */
  chargers: { identity: string; index: number }[];
  /** Connects per second over the whole fleet. */
  rate: number;
  handshakeTimeoutMs: number;
  callTimeoutMs: number;
  retryEarly: boolean;
  /** Give up on a charger after this long since its first attempt. */
  giveUpMs: number;
  /** Heartbeat interval override in seconds; 0: the Boot answer's interval. */
  heartbeatSeconds: number;
  /** Spread client source addresses over 127.0.0.1..N (loopback accepts any 127.x). */
  sourceAddresses: number;
}

export interface StormResults {
  /** Successful handshakes, ms from that attempt's start to open. */
  handshake: Float64Array;
  boot: Float64Array;
  status: Float64Array;
  heartbeat: Float64Array;
  /** Per charger that got in: epoch ms of the StatusNotification answer. */
  inAt: Float64Array;
  firstAttemptAt: number;
  attempts: number;
  refusals: Record<string, number>;
  timeouts: number;
  retries: number;
  bootNotAccepted: number;
  errors: Record<string, number>;
  gaveUp: number;
  openAtEnd: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class StormFleet {
  private readonly clients: ChargerClient[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly handshake = new Series(8192);
  private readonly boot = new Series(8192);
  private readonly status = new Series(8192);
  private readonly heartbeat = new Series(8192);
  private readonly inAt = new Series(8192);
  private readonly refusals: Record<string, number> = {};
  private readonly errors: Record<string, number> = {};
  private firstAttemptAt = 0;
  private attempts = 0;
  private timeouts = 0;
  private retries = 0;
  private bootNotAccepted = 0;
  private gaveUp = 0;
  private closing = false;

  constructor(private readonly o: StormOptions) {}

  private count(into: Record<string, number>, kind: string): void {
    into[kind] = (into[kind] ?? 0) + 1;
  }

  /** Connects charger i at startAt + i / rate seconds; resolves when every charger is in or gave up. */
  async connect(startAt: number): Promise<void> {
    this.firstAttemptAt = startAt;
    const runs = this.o.chargers.map(async (c) => {
      await sleep(Math.max(0, startAt + (c.index / this.o.rate) * 1000 - Date.now()));
      await this.bringUp(c);
    });
    await Promise.all(runs);
  }

  private backoffMs(attempt: number, retryAfterS: number | null): number {
    if (this.o.retryEarly) return 800 + Math.random() * 400;
    if (retryAfterS !== null) return retryAfterS * 1000 * (1 + Math.random() * 0.5);
    return Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random());
  }

  private async bringUp(c: { identity: string; index: number }): Promise<void> {
    const firstAt = Date.now();
    const localAddress = this.o.sourceAddresses > 1 ? `127.0.0.${1 + (c.index % this.o.sourceAddresses)}` : undefined;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) this.retries++;
      if (Date.now() - firstAt > this.o.giveUpMs) {
        this.gaveUp++;
        return;
      }
      this.attempts++;
      const t = performance.now();
      let client: ChargerClient;
      try {
        client = await connectCharger(this.o.ocppUrl, c.identity, {
          protocol: 'ocpp1.6',
          callTimeoutMs: this.o.callTimeoutMs,
          wsOptions: { handshakeTimeout: this.o.handshakeTimeoutMs, ...(localAddress ? { localAddress } : {}) },
          onCall: () => ({ status: 'Accepted' }),
        });
      } catch (error) {
        let retryAfter: number | null = null;
        if (error instanceof HandshakeRefusedError) {
          this.count(this.refusals, `HTTP ${error.status}`);
          const h = Number(error.headers['retry-after']);
          if (Number.isFinite(h) && h >= 0) retryAfter = h;
        } else if (/timed? ?out/i.test(String((error as Error)?.message))) {
          this.timeouts++;
        } else {
          this.count(this.errors, `connect: ${errorKind(error)}`);
        }
        await sleep(this.backoffMs(attempt, retryAfter));
        continue;
      }
      this.handshake.push(performance.now() - t);
      this.clients.push(client);
      client.ws.on('error', (e: Error & { code?: string }) => this.count(this.errors, `socket error ${e.code ?? e.message}`));
      void client.closed.then(({ code }) => {
        if (!this.closing) this.count(this.errors, `socket closed unexpectedly (${code})`);
      });
      try {
        const b0 = performance.now();
        const boot = await client.call('BootNotification', bootNotification({ vendor: 'Voltline Bench', model: 'VL-STORM', serial: c.identity, firmware: '1.0.0-bench' }));
        this.boot.push(performance.now() - b0);
        if (boot.status !== 'Accepted') this.bootNotAccepted++;
        const s0 = performance.now();
        await client.call('StatusNotification', statusNotification(1, 'Available'));
        this.status.push(performance.now() - s0);
        this.inAt.push(Date.now());
        this.startHeartbeat(client, this.o.heartbeatSeconds || Number(boot.interval) || 300);
      } catch (error) {
        const kind = errorKind(error);
        if (kind === 'timeout') this.timeouts++;
        this.count(this.errors, `boot/status: ${kind}`);
      }
      return;
    }
  }

  private startHeartbeat(client: ChargerClient, seconds: number): void {
    const beat = () => {
      const t = performance.now();
      client.call('Heartbeat', {}).then(
        () => this.heartbeat.push(performance.now() - t),
        (error) => this.count(this.errors, `Heartbeat: ${errorKind(error)}`),
      );
    };
    const timer = setInterval(beat, seconds * 1000);
    timer.unref();
    this.timers.push(timer);
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const t of this.timers) clearInterval(t);
    await Promise.all(this.clients.map((c) => c.close(1000).catch(() => {})));
  }

  results(): StormResults {
    return {
      handshake: this.handshake.toArray(),
      boot: this.boot.toArray(),
      status: this.status.toArray(),
      heartbeat: this.heartbeat.toArray(),
      inAt: this.inAt.toArray(),
      firstAttemptAt: this.firstAttemptAt,
      attempts: this.attempts,
      refusals: { ...this.refusals },
      timeouts: this.timeouts,
      retries: this.retries,
      bootNotAccepted: this.bootNotAccepted,
      errors: { ...this.errors },
      gaveUp: this.gaveUp,
      openAtEnd: this.clients.filter((c) => c.ws.readyState === 1).length,
    };
  }
}

// The bench's chargers: many OCPP 1.6J clients in one thread, kept cheap. One shared
// scheduler (a chain of timeouts over the chargers sorted by their due time) drives every
// MeterValues; payloads are templates mutated in place; no validation on this side.
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { connectCharger, type ChargerClient } from '../../test/helpers/charger-client.js';
import { bootNotification, errorKind, isoNow, MeterTemplate, statusNotification } from './ocpp16.js';
import { Series } from './stats.js';

export interface FleetCharger {
  identity: string;
  idTag: string;
  /** Position in the whole bench (0..total-1): decides when it connects during the ramp. */
  index: number;
}

export interface FleetOptions {
  ocppUrl: string;
  chargers: FleetCharger[];
  total: number;
  samples: number;
  callTimeoutMs: number;
  /** Extra connect attempts after a failed one. */
  connectRetries: number;
}

export interface RampReport {
  connected: number;
  transactionsStarted: number;
  failed: number;
  notAccepted: number;
  durationMs: number;
}

export interface MeterReport {
  /** MeterValues sent inside the window. */
  sent: number;
  acked: number;
  samplesAcked: number;
  /** Ticks that found the previous MeterValues still unanswered (the send waited for it). */
  deferred: number;
  maxDeferMs: number;
  /** Sockets still open when the window closed. */
  openAtEnd: number;
  /** This thread's event loop utilisation during the window (0..1). */
  eventLoopUtilization: number;
}

export interface FleetResults {
  /** Latencies (ms) of every CALL by action; MeterValues ones are the steady-state series. */
  latencies: Record<string, Float64Array>;
  callsByAction: Record<string, number>;
  errors: Record<string, number>;
  /** When each kind of error was first and last seen (epoch ms). */
  errorWhen: Record<string, [number, number]>;
  transactionIds: number[];
}

interface Charger extends FleetCharger {
  client: ChargerClient | null;
  transactionId: number | null;
  template: MeterTemplate | null;
  busy: boolean;
  deferredAt: number;
  lastSendMs: number;
  offsetMs: number;
}

export class Fleet {
  private readonly chargers: Charger[];
  private readonly latencies = new Map<string, Series>();
  private readonly callsByAction: Record<string, number> = {};
  private readonly errors: Record<string, number> = {};
  private readonly errorWhen: Record<string, [number, number]> = {};
  private closingAll = false;
  private inFlight = 0;
  private drained: (() => void) | null = null;
  private window = { t0: 0, t1: 0, intervalMs: 1000 };
  private meter = { sent: 0, acked: 0, samplesAcked: 0, deferred: 0, maxDeferMs: 0 };
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: FleetOptions) {
    this.chargers = options.chargers.map((c) => ({
      ...c,
      client: null,
      transactionId: null,
      template: null,
      busy: false,
      deferredAt: 0,
      lastSendMs: 0,
      offsetMs: 0,
    }));
  }

  private count(kind: string): void {
    this.errors[kind] = (this.errors[kind] ?? 0) + 1;
    const now = Date.now();
    const seen = this.errorWhen[kind];
    if (seen) seen[1] = now;
    else this.errorWhen[kind] = [now, now];
  }

  private series(action: string): Series {
    let s = this.latencies.get(action);
    if (!s) this.latencies.set(action, (s = new Series(action === 'MeterValues' ? 65536 : 1024)));
    return s;
  }

  /** CALL with its CALL->CALLRESULT latency recorded; failures are counted by action and kind. */
  private async timedCall(c: Charger, action: string, payload: unknown): Promise<any> {
    if (!c.client) throw new Error('Socket is not open');
    this.callsByAction[action] = (this.callsByAction[action] ?? 0) + 1;
    const started = performance.now();
    try {
      const result = await c.client.call(action, payload);
      this.series(action).push(performance.now() - started);
      return result;
    } catch (error) {
      this.count(`${action}: ${errorKind(error)}`);
      throw error;
    }
  }

  /**
   * Connects charger i at rampStartAt + i/total * rampMs, then BootNotification,
   * StatusNotification x2, Authorize, StartTransaction, StatusNotification Charging.
   */
  async ramp(rampStartAt: number, rampMs: number): Promise<RampReport> {
    const begun = Date.now();
    const report: RampReport = { connected: 0, transactionsStarted: 0, failed: 0, notAccepted: 0, durationMs: 0 };
    const pending: Promise<void>[] = [];
    const dueOf = (c: Charger) => rampStartAt + (c.index / this.options.total) * rampMs;
    const list = [...this.chargers].sort((a, b) => a.index - b.index);
    await new Promise<void>((resolve) => {
      let i = 0;
      const tick = () => {
        const now = Date.now();
        while (i < list.length && dueOf(list[i]!) <= now) pending.push(this.bringUp(list[i++]!, report));
        if (i < list.length) setTimeout(tick, Math.max(1, dueOf(list[i]!) - Date.now()));
        else resolve();
      };
      tick();
    });
    await Promise.all(pending);
    report.durationMs = Date.now() - begun;
    return report;
  }

  private async bringUp(c: Charger, report: RampReport): Promise<void> {
    // Like a real charger, retry a failed connect after a random 1-5 s back-off; every
    // failure still counts as an error.
    for (let attempt = 1; !c.client; attempt++) {
      try {
        c.client = await connectCharger(this.options.ocppUrl, c.identity, {
          protocol: 'ocpp1.6',
          callTimeoutMs: this.options.callTimeoutMs,
          wsOptions: { handshakeTimeout: this.options.callTimeoutMs },
        });
      } catch (error) {
        this.count(`connect: ${errorKind(error)}`);
        if (attempt > this.options.connectRetries) {
          report.failed++;
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 1000 + Math.random() * 4000));
      }
    }
    report.connected++;
    const client = c.client;
    client.ws.on('error', (error: Error & { code?: string }) => this.count(`socket error ${error.code ?? error.message}`));
    void client.closed.then(({ code }) => {
      if (c.client === client) c.client = null;
      if (!this.closingAll) this.count(`socket closed unexpectedly (${code})`);
    });
    try {
      const boot = await this.timedCall(c, 'BootNotification', bootNotification({
        vendor: 'Voltline Bench',
        model: 'VL-BENCH',
        serial: c.identity,
        firmware: '1.0.0-bench',
      }));
      if (boot.status !== 'Accepted') report.notAccepted++;
      await this.timedCall(c, 'StatusNotification', statusNotification(0, 'Available'));
      await this.timedCall(c, 'StatusNotification', statusNotification(1, 'Preparing'));
      const auth = await this.timedCall(c, 'Authorize', { idTag: c.idTag });
      if (auth.idTagInfo?.status !== 'Accepted') report.notAccepted++;
      const registerWh = 1_000_000 + c.index * 1000;
      const start = await this.timedCall(c, 'StartTransaction', {
        connectorId: 1,
        idTag: c.idTag,
        meterStart: registerWh,
        timestamp: isoNow(),
      });
      if (start.idTagInfo?.status !== 'Accepted') report.notAccepted++;
      c.transactionId = start.transactionId;
      c.template = new MeterTemplate(1, start.transactionId, this.options.samples, registerWh);
      report.transactionsStarted++;
      await this.timedCall(c, 'StatusNotification', statusNotification(1, 'Charging'));
    } catch {
      if (c.transactionId === null) report.failed++;
    }
  }

  /**
   * Every charger with a transaction sends MeterValues every intervalMs inside [t0, t1),
   * first at a random offset in [0, intervalMs). Resolves when the window is over and every
   * answer is in (or timed out).
   */
  async run(t0: number, t1: number, intervalMs: number): Promise<MeterReport> {
    this.window = { t0, t1, intervalMs };
    const list = this.chargers.filter((c) => c.template !== null);
    for (const c of list) c.offsetMs = Math.random() * intervalMs;
    list.sort((a, b) => a.offsetMs - b.offsetMs);
    const elu0 = performance.eventLoopUtilization();

    await new Promise<void>((resolve) => {
      if (list.length === 0) return resolve();
      let cycle = 0;
      let j = 0;
      const due = () => t0 + cycle * intervalMs + list[j]!.offsetMs;
      const tick = () => {
        const now = Date.now();
        for (let d = due(); d <= now; d = due()) {
          if (d >= t1) return resolve();
          this.fire(list[j]!, now);
          if (++j === list.length) {
            j = 0;
            cycle++;
          }
        }
        const next = due();
        if (next >= t1) {
          this.timer = setTimeout(resolve, Math.max(0, t1 - now));
          return;
        }
        this.timer = setTimeout(tick, Math.max(1, next - now));
      };
      this.timer = setTimeout(tick, Math.max(0, t0 - Date.now()));
    });
    const elu = performance.eventLoopUtilization(elu0);
    const openAtEnd = this.chargers.filter((c) => c.client?.ws.readyState === WebSocket.OPEN).length;
    if (this.inFlight > 0) {
      await new Promise<void>((resolve) => {
        this.drained = resolve;
      });
    }
    return { ...this.meter, openAtEnd, eventLoopUtilization: elu.utilization };
  }

  private fire(c: Charger, now: number): void {
    if (c.busy) {
      // OCPP-J allows one outstanding CALL: the next reading waits for the answer.
      if (!c.deferredAt) c.deferredAt = now;
      this.meter.deferred++;
      return;
    }
    this.send(c, now);
  }

  private send(c: Charger, now: number): void {
    if (!c.client) {
      this.count('MeterValues: socket not open');
      return;
    }
    const seconds = c.lastSendMs ? (now - c.lastSendMs) / 1000 : this.window.intervalMs / 1000;
    c.lastSendMs = now;
    const payload = c.template!.next(seconds);
    c.busy = true;
    this.inFlight++;
    this.meter.sent++;
    this.timedCall(c, 'MeterValues', payload)
      .then(
        () => {
          this.meter.acked++;
          this.meter.samplesAcked += this.options.samples;
        },
        () => {},
      )
      .finally(() => {
        c.busy = false;
        this.inFlight--;
        const t = Date.now();
        if (c.deferredAt) {
          this.meter.maxDeferMs = Math.max(this.meter.maxDeferMs, t - c.deferredAt);
          c.deferredAt = 0;
          if (t < this.window.t1) this.send(c, t);
        }
        if (this.inFlight === 0 && this.drained && t >= this.window.t1) {
          const done = this.drained;
          this.drained = null;
          done();
        }
      });
  }

  /** StopTransaction for every running transaction (bounded concurrency), then close every socket. */
  async stop(concurrency = 200): Promise<{ stopped: number; closed: number }> {
    clearTimeout(this.timer);
    let stopped = 0;
    const withTx = this.chargers.filter((c) => c.transactionId !== null && c.client);
    let next = 0;
    const worker = async () => {
      while (next < withTx.length) {
        const c = withTx[next++]!;
        try {
          await this.timedCall(c, 'StopTransaction', {
            transactionId: c.transactionId,
            idTag: c.idTag,
            meterStop: Math.round(c.template!.registerWh),
            timestamp: isoNow(),
            reason: 'Local',
          });
          stopped++;
        } catch {
          // counted in timedCall
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, withTx.length) }, worker));
    this.closingAll = true;
    const open = this.chargers.filter((c) => c.client);
    await Promise.all(open.map((c) => c.client!.close(1000).catch(() => {})));
    return { stopped, closed: open.length };
  }

  results(): FleetResults {
    const latencies: Record<string, Float64Array> = {};
    for (const [action, s] of this.latencies) latencies[action] = s.toArray();
    return {
      latencies,
      callsByAction: { ...this.callsByAction },
      errors: { ...this.errors },
      errorWhen: { ...this.errorWhen },
      transactionIds: this.chargers.flatMap((c) => (c.transactionId === null ? [] : [c.transactionId])),
    };
  }
}

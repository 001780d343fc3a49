import type { Logger } from '../../logger.js';
import type { NodeLeaseRepository } from './node-lease.repository.js';

export interface NodeLeaseOptions {
  nodeId: string;
  /** A lease not renewed for this long belongs to a dead node. */
  ttlSeconds: number;
  /** How often the running node renews it; well below the TTL. */
  renewSeconds: number;
}

/**
 * This node's lease: written at start (before chargers can connect, so no other node takes its
 * fresh stations for a dead node's), renewed while the process lives, deleted on a clean stop.
 * The renewal is a timer, not a job: it reports this very process's liveness, which a job that
 * any node may run cannot.
 */
export class NodeLeaseService {
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;
  private stopped = false;
  private readonly lostListeners: (() => void)[] = [];

  constructor(
    private readonly repository: NodeLeaseRepository,
    private readonly options: NodeLeaseOptions,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.repository.upsert(this.options.nodeId, this.options.ttlSeconds, true);
    this.timer = setInterval(() => void this.renew(), this.options.renewSeconds * 1000);
    this.timer.unref();
  }

  /**
   * Called when a renewal finds the lease gone: another node took this one for dead and marked
   * its stations offline, though their sockets are still open here.
   */
  onLost(listener: () => void): void {
    this.lostListeners.push(listener);
  }

  /** One renewal at a time; a failed one is logged and the next tick tries again. */
  renew(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.renewing ??= (async () => {
      try {
        const { created } = await this.repository.upsert(this.options.nodeId, this.options.ttlSeconds, false);
        if (created) {
          // We went unrenewed past the TTL (a database outage, a stalled process) and another node
          // released our stations. The lease is ours again; the listeners get the chargers back.
          this.log.error('this node lost its lease: another node marked its stations offline', { nodeId: this.options.nodeId });
          for (const listener of this.lostListeners) listener();
        }
      } catch (err) {
        this.log.warn('node lease renewal failed', { nodeId: this.options.nodeId, err });
      } finally {
        this.renewing = undefined;
      }
    })();
    return this.renewing;
  }

  /** After this node's stations went offline: stop renewing and give the lease up. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    await this.renewing;
    await this.repository.delete(this.options.nodeId);
  }
}

import { BatchQueue, type Outcome } from '../../db/batch-queue.js';
import type { Logger } from '../../logger.js';
import type { EventPublisher } from '../events.js';
import { NO_STATION_OBSERVER, type StationKey, type StationObserver } from './station-observer.js';
import type { KeyRow, StationHotRows } from './station-hot-rows.js';
import { stationNotFound } from './station.errors.js';
import type { StationRepository } from './station.repository.js';
import { statusEventOf } from './station.views.js';

export interface StationPresenceOptions {
  nodeId: string;
  /** How often buffered lastSeenAt values are written. */
  seenFlushMs?: number;
}

interface Disconnect {
  identity: string;
  reason: string | null;
  /** When this node's socket connected: only that socket's disconnect takes the station offline. */
  connectedAt: Date | null;
  lastSeenAt: Date | null;
  at: Date;
}

const offline = (r: KeyRow): StationKey => ({ id: r.id, identity: r.identity, organisationId: r.organisationId, online: false });

interface Connect {
  identity: string;
  protocol: string;
  at: Date;
}

/**
 * Whether a station is connected, to which node, and when it was last heard from. The socket
 * lives on one node; the database says which, so commands can be routed to it.
 */
export class StationPresence {
  // lastSeenAt moves with every frame; it is kept here and written in one statement per interval.
  private readonly seen = new Map<string, Date>();
  private readonly connectedAt = new Map<string, Date>();
  private readonly flushTimer: NodeJS.Timeout;
  private readonly connects: BatchQueue<Connect, void>;
  private readonly disconnects: BatchQueue<Disconnect, void>;

  constructor(
    private readonly repository: StationRepository,
    private readonly hot: StationHotRows,
    private readonly events: EventPublisher,
    private readonly options: StationPresenceOptions,
    log: Logger,
    private readonly observer: StationObserver = NO_STATION_OBSERVER,
  ) {
    this.flushTimer = setInterval(() => void this.flushSeen().catch(() => {}), options.seenFlushMs ?? 10_000);
    this.flushTimer.unref();
    this.connects = new BatchQueue((batch) => this.writeConnects(batch), { name: 'station connects', maxBatch: 200, concurrency: 2 }, log);
    this.disconnects = new BatchQueue((batch) => this.writeDisconnects(batch), { name: 'station disconnects', maxBatch: 200, concurrency: 2 }, log);
  }

  /** Resolves when the station's row says it is connected here, with its connection event committed. */
  markConnected(identity: string, protocol: string): Promise<void> {
    return this.connects.submit({ identity, protocol, at: new Date() });
  }

  // A fleet reconnecting at once: the connects that queued meanwhile are one transaction of
  // three statements. A charger that connected twice in one batch counts once (the last).
  private async writeConnects(batch: readonly Connect[]): Promise<Outcome<void>[]> {
    const last = new Map(batch.map((c) => [c.identity, c]));
    const { rows, after } = await this.hot.transaction(async (sql) => {
      const rows = await this.hot.markConnected(sql, [...last.values()], this.options.nodeId);
      const after = await this.observer.connectionsOpened(
        sql,
        rows.map((r) => ({
          station: { id: r.id, identity: r.identity, organisationId: r.organisationId, online: true },
          wasOnline: r.wasOnline,
          offlineSince: r.offlineSince,
          nodeId: this.options.nodeId,
          at: last.get(r.identity)!.at,
        })),
      );
      return { rows, after };
    });
    const connected = new Map(rows.map((r) => [r.identity, r]));
    for (const row of rows) this.connectedAt.set(row.identity, last.get(row.identity)!.at);
    after();
    for (const r of rows) this.publishConnection({ id: r.id, identity: r.identity, organisationId: r.organisationId, online: true }, last.get(r.identity)!.at);
    return batch.map((c) => (connected.has(c.identity) ? { ok: true, value: undefined } : { ok: false, error: stationNotFound(c.identity) }));
  }

  /** Resolves when the station's row says it is offline, unless its socket is already another one. */
  markDisconnected(identity: string, reason: string | null = null): Promise<void> {
    const connectedAt = this.connectedAt.get(identity) ?? null;
    this.connectedAt.delete(identity);
    const lastSeenAt = this.seen.get(identity) ?? null;
    this.seen.delete(identity);
    return this.disconnects.submit({ identity, reason, connectedAt, lastSeenAt, at: new Date() });
  }

  // A fleet that drops at once (a network blip) is written a batch per transaction too.
  private async writeDisconnects(batch: readonly Disconnect[]): Promise<Outcome<void>[]> {
    const last = new Map(batch.map((d) => [d.identity, d]));
    const { rows, after } = await this.hot.transaction(async (sql) => {
      const rows = await this.hot.markDisconnected(sql, [...last.values()], this.options.nodeId);
      const after = await this.observer.connectionsClosed(
        sql,
        rows.map((r) => ({ station: offline(r), reason: last.get(r.identity)!.reason, nodeId: this.options.nodeId, at: last.get(r.identity)!.at })),
      );
      return { rows, after };
    });
    after();
    for (const r of rows) this.publishConnection(offline(r), last.get(r.identity)!.at);
    // A socket that is no longer the station's (replaced, or back elsewhere) changes nothing: not an error.
    return batch.map(() => ({ ok: true, value: undefined }));
  }

  /** A node that starts holds no sockets yet: whatever it held before a crash is offline. */
  releaseStationsOfThisNode(): Promise<number> {
    return this.releaseStationsOfNode(this.options.nodeId, 'node restarted');
  }

  /**
   * Every station `nodeId` holds goes offline, with a connection event and a status event each,
   * as a disconnect would: for this node at start, or for a dead node whose lease expired.
   */
  async releaseStationsOfNode(nodeId: string, reason: string): Promise<number> {
    const at = new Date();
    const { rows, after } = await this.hot.transaction(async (sql) => {
      const rows = await this.hot.releaseNode(sql, nodeId, at);
      const after = await this.observer.connectionsClosed(sql, rows.map((r) => ({ station: offline(r), reason, nodeId, at })));
      return { rows, after };
    });
    after();
    for (const r of rows) this.publishConnection(offline(r), at);
    return rows.length;
  }

  /** The node holding the station's socket, or null when it is offline. */
  connectedNodeOf(identity: string): Promise<string | null> {
    return this.repository.connectedNodeOf(identity);
  }

  touch(identity: string, at = new Date()): void {
    this.seen.set(identity, at);
  }

  async recordHeartbeat(identity: string): Promise<void> {
    const now = new Date();
    this.touch(identity, now);
    await this.repository.setHeartbeat(identity, now);
  }

  async flushSeen(): Promise<void> {
    if (this.seen.size === 0) return;
    const entries = [...this.seen.entries()];
    this.seen.clear();
    await this.repository.flushLastSeen(entries);
  }

  close(): Promise<void> {
    clearInterval(this.flushTimer);
    return this.flushSeen();
  }

  private publishConnection(station: StationKey, at: Date) {
    this.events.publish('station.status', statusEventOf(station, at, { kind: 'CONNECTION', online: station.online }));
  }
}

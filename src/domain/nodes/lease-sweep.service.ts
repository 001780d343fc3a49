import type { Logger } from '../../logger.js';
import type { NodeLeaseRepository } from './node-lease.repository.js';

/** What the sweep needs of the stations area. */
export interface NodeStations {
  /** Nodes holding stations none of which connected within the last `seconds`. */
  nodesConnectedOnlyBefore(seconds: number): Promise<string[]>;
  /** Every station the node holds goes offline, with its connection and status events. */
  releaseStationsOfNode(nodeId: string, reason: string): Promise<number>;
}

export const LEASE_EXPIRED_REASON = 'node lease expired';

/**
 * Takes the stations of dead nodes offline: nodes whose lease expired, and nodes that hold
 * stations without any lease (from before leases, or whose row was lost) once none of their
 * stations connected for a whole TTL. Safe to run on several nodes at once.
 */
export class LeaseSweepService {
  constructor(
    private readonly leases: NodeLeaseRepository,
    private readonly stations: NodeStations,
    private readonly options: { ttlSeconds: number },
    private readonly log: Logger,
  ) {}

  async sweep(): Promise<{ nodes: { nodeId: string; stations: number }[] }> {
    // A node with no lease gets an expired one, so it is released (once) by the same locked path.
    const quiet = await this.stations.nodesConnectedOnlyBefore(this.options.ttlSeconds);
    const unleased = await this.leases.expireUnleased(quiet);
    if (unleased.length) this.log.warn('nodes hold stations without a lease; releasing them', { nodes: unleased });

    const nodes: { nodeId: string; stations: number }[] = [];
    const { failed } = await this.leases.sweepExpired(async (nodeId) => {
      const stations = await this.stations.releaseStationsOfNode(nodeId, LEASE_EXPIRED_REASON);
      nodes.push({ nodeId, stations });
      this.log.warn('marked the stations of a node whose lease expired offline', { nodeId, stations });
    });
    if (failed.length) {
      // The leases stay; the job's retry (or the next minute's run) releases them.
      for (const f of failed) this.log.error('could not release the stations of an expired node', { nodeId: f.nodeId, err: f.err });
      throw new Error(`stations of ${failed.length} expired node(s) not released`);
    }
    return { nodes };
  }
}

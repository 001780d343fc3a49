import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

// A server node's claim to be alive: renewed while it runs, deleted when it stops cleanly.
// A lease past expires_at belongs to a node that died; another node releases its stations.
export const NodeLeaseSchema = defineEntity({
  name: 'NodeLease',
  tableName: 'node_lease',
  properties: {
    // The same value as station.connected_node_id (NODE_ID, default hostname:port).
    nodeId: p.string().length(200).primary(),
    startedAt: p.datetime(),
    renewedAt: p.datetime(),
    expiresAt: p.datetime().index(),
  },
});

export type NodeLease = InferEntity<typeof NodeLeaseSchema>;

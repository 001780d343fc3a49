import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';

// The only queries of node_lease. Every time is the database's now(), never a node's clock:
// the node that writes a lease and the node that judges it expired may disagree on the time.
export class NodeLeaseRepository {
  constructor(private readonly orm: MikroORM) {}

  /**
   * Writes the node's lease to expire `ttlSeconds` from now. `restart` also resets started_at
   * (the node's start); a renewal keeps it. Returns whether the row had to be created: on a
   * renewal that means another node had already taken the lease away as expired.
   */
  async upsert(nodeId: string, ttlSeconds: number, restart: boolean): Promise<{ created: boolean }> {
    const rows: { created: boolean }[] = await this.orm.em.fork().execute(
      `insert into node_lease (node_id, started_at, renewed_at, expires_at)
       values (?, now(), now(), now() + make_interval(secs => ?))
       on conflict (node_id) do update
         set renewed_at = excluded.renewed_at, expires_at = excluded.expires_at
             ${restart ? ', started_at = excluded.started_at' : ''}
       returning (xmax = 0) as created`,
      [nodeId, ttlSeconds],
    );
    return { created: rows[0]!.created };
  }

  async delete(nodeId: string): Promise<void> {
    await this.orm.em.fork().execute(`delete from node_lease where node_id = ?`, [nodeId]);
  }

  /**
   * Gives nodes that hold stations but have no lease at all (a node from before leases, or one
   * whose row was lost) an already expired one, so the sweep releases them like any dead node.
   * A node that has a lease keeps it untouched. Returns the nodes that got one.
   */
  async expireUnleased(nodeIds: readonly string[]): Promise<string[]> {
    if (nodeIds.length === 0) return [];
    const rows: { node_id: string }[] = await this.orm.em.fork().execute(
      `insert into node_lease (node_id, started_at, renewed_at, expires_at)
       select n, now(), now(), now() - interval '1 millisecond' from jsonb_array_elements_text(?::jsonb) as n
       on conflict (node_id) do nothing
       returning node_id`,
      // As one JSON parameter: the driver would spread an array into a list of values.
      [JSON.stringify(nodeIds)],
    );
    return rows.map((r) => r.node_id);
  }

  /**
   * Locks every expired lease no one else is sweeping (SKIP LOCKED), gives each to `release`,
   * and deletes those it released, in one transaction. A second sweeper at the same time skips
   * the locked rows; the dead node's own renewal, should it come back, waits for the commit and
   * then finds its lease gone. A lease whose release threw stays for the next sweep.
   */
  async sweepExpired(release: (nodeId: string) => Promise<void>): Promise<{ released: string[]; failed: { nodeId: string; err: unknown }[] }> {
    return this.orm.em.fork().transactional(async (tx: EntityManager) => {
      const expired: { node_id: string }[] = await tx.execute(
        `select node_id from node_lease where expires_at < now() order by expires_at for update skip locked`,
      );
      const released: string[] = [];
      const failed: { nodeId: string; err: unknown }[] = [];
      for (const { node_id: nodeId } of expired) {
        try {
          await release(nodeId);
        } catch (err) {
          failed.push({ nodeId, err });
          continue;
        }
        await tx.execute(`delete from node_lease where node_id = ?`, [nodeId]);
        released.push(nodeId);
      }
      return { released, failed };
    });
  }
}

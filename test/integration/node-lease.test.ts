import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { NodeLeaseRepository } from '../../src/domain/nodes/node-lease.repository.js';
import { connectCharger } from '../helpers/charger-client.js';
import { eventually } from '../helpers/eventually.js';
import { bootNotification } from '../helpers/ocpp16-messages.js';
import { spawnServer } from '../helpers/server-process.js';
import { aStation, dataOf, startTestApp, type TestApp } from '../helpers/test-app.js';

// Short leases so a dead node is noticed within seconds: renewed every second, dead after 3.
const SHORT_LEASE = { NODE_LEASE_TTL_SECONDS: '3', NODE_LEASE_RENEW_SECONDS: '1' };
const hex = () => randomBytes(4).toString('hex');

describe('a node that dies and is not restarted', () => {
  let sweeper: TestApp;
  const sweeperJobs = `jobs_${randomBytes(6).toString('hex')}`;
  // Sends the sweep to the sweeper's own job queue (as its every-minute schedule does) and
  // waits until its worker has run it.
  let boss: PgBoss;
  let db: pg.Pool;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    db = new pg.Pool({ connectionString: inject('databaseUrl'), max: 2 });
    sweeper = await startTestApp({ ...SHORT_LEASE, JOBS_SCHEMA: sweeperJobs });
    boss = new PgBoss({ connectionString: inject('databaseUrl'), schema: sweeperJobs, max: 2, schedule: false, supervise: false });
    await boss.start();
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await boss?.stop({ graceful: false });
    await sweeper?.stop();
    await db?.end();
  });

  async function sweep(): Promise<void> {
    const id = await boss.send('nodes.sweep-leases', {});
    await eventually('the sweep job to complete', async () => {
      const job = await boss.getJobById('nodes.sweep-leases', id!);
      if (job?.state === 'failed') throw new Error(`sweep failed: ${JSON.stringify(job.output)}`);
      return job?.state === 'completed';
    });
  }
  const stationRow = async (identity: string) =>
    (await db.query<{ online: boolean; connected_node_id: string | null }>(`select online, connected_node_id from station where identity = $1`, [identity])).rows[0]!;
  const leaseOf = async (nodeId: string) =>
    (await db.query<{ renewed_at: Date; expired: boolean }>(`select renewed_at, expires_at < now() as expired from node_lease where node_id = $1`, [nodeId])).rows[0];
  const presence = async (identity: string) =>
    dataOf(
      await sweeper.gql<{ station: { online: boolean; connectionHistory: { online: boolean; reason: string | null }[] } }>(
        `query($s: String!) { station(identity: $s) { online connectionHistory { online reason } } }`,
        { s: identity },
      ),
    ).station;

  it('sweeps every minute, on the job queue', async () => {
    const { rows } = await db.query(`select cron from ${sweeperJobs}.schedule where name = 'nodes.sweep-leases'`);
    expect(rows).toEqual([{ cron: '* * * * *' }]);
  });

  it('kill -9: once its lease expires another node marks its stations offline, with the reason', { timeout: 90_000 }, async () => {
    const nodeA = `lease-a-${hex()}`;
    const a = await spawnServer({
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: inject('databaseUrl'),
      JWT_SECRET: randomBytes(32).toString('base64url'),
      PORT: '0',
      HOST: '127.0.0.1',
      NODE_ID: nodeA,
      EVENTS_CHANNEL_PREFIX: `lease-${hex()}`,
      JOBS_SCHEMA: `jobs_${randomBytes(6).toString('hex')}`,
      DATABASE_POOL_MAX: '4',
      LOG_LEVEL: 'info',
      ...SHORT_LEASE,
    });
    children.push(a.child);
    const { identity } = await aStation(sweeper);
    const charger = await connectCharger(`${a.url.replace(/^http/, 'ws')}/ocpp`, identity);
    expect((await charger.call('BootNotification', bootNotification())).status).toBe('Accepted');
    expect(await stationRow(identity)).toEqual({ online: true, connected_node_id: nodeA });
    expect((await leaseOf(nodeA))?.expired).toBe(false);

    a.child.kill('SIGKILL');
    await a.exited;
    await charger.closed;
    // Nobody told the database: the station still reads online on node A.
    expect(await stationRow(identity)).toEqual({ online: true, connected_node_id: nodeA });

    await eventually('node A lease to expire', async () => (await leaseOf(nodeA))?.expired, 10_000);
    await sweep();

    expect(await stationRow(identity)).toEqual({ online: false, connected_node_id: null });
    const station = await presence(identity);
    expect(station.online).toBe(false);
    expect(station.connectionHistory[0]).toEqual({ online: false, reason: 'node lease expired' });
    expect(await leaseOf(nodeA)).toBeUndefined();
  });

  it('leaves a live node alone: its renewed lease outlives the TTL and is not swept', { timeout: 30_000 }, async () => {
    const nodeC = `lease-c-${hex()}`;
    const c = await startTestApp({ ...SHORT_LEASE, NODE_ID: nodeC });
    try {
      const { identity } = await aStation(c);
      const charger = await connectCharger(c.ocppUrl, identity);
      await charger.call('BootNotification', bootNotification());
      const first = (await leaseOf(nodeC))!;
      // Longer than the TTL: without renewals the lease would have run out by now.
      await new Promise((r) => setTimeout(r, 4_000));
      await sweep();

      const lease = (await leaseOf(nodeC))!;
      expect(lease.expired).toBe(false);
      expect(lease.renewed_at.getTime()).toBeGreaterThan(first.renewed_at.getTime());
      expect(await stationRow(identity)).toEqual({ online: true, connected_node_id: nodeC });
      expect((await presence(identity)).connectionHistory.filter((e) => !e.online)).toEqual([]);
      await charger.close();
    } finally {
      await c.stop();
    }
    // A clean stop releases the node's stations itself and gives its lease up.
    expect(await leaseOf(nodeC)).toBeUndefined();
  });

  it('a live node that lost its lease (swept while cut off) tells its chargers to reconnect, which brings them back online', { timeout: 30_000 }, async () => {
    const nodeD = `lease-d-${hex()}`;
    const d = await startTestApp({ ...SHORT_LEASE, NODE_ID: nodeD });
    try {
      const { identity } = await aStation(d);
      const charger = await connectCharger(d.ocppUrl, identity);
      await charger.call('BootNotification', bootNotification());
      // What a sweep leaves when the node's renewals did not reach the database for a TTL.
      await db.query(`delete from node_lease where node_id = $1`, [nodeD]);
      await db.query(`update station set online = false, connected_node_id = null where identity = $1`, [identity]);

      expect(await charger.closed).toEqual({ code: 1012, reason: 'Node lease lost, please reconnect' });
      expect((await leaseOf(nodeD))?.expired).toBe(false);
      const again = await connectCharger(d.ocppUrl, identity);
      await again.call('BootNotification', bootNotification());
      expect(await stationRow(identity)).toEqual({ online: true, connected_node_id: nodeD });
      await again.close();
    } finally {
      await d.stop();
    }
  });

  it('releases stations of a node with no lease at all once none connected for a TTL, not those just connected', { timeout: 30_000 }, async () => {
    const old = await aStation(sweeper);
    const fresh = await aStation(sweeper);
    const [oldNode, freshNode] = [`pre-lease-${hex()}`, `starting-${hex()}`];
    await db.query(`update station set online = true, connected_node_id = $2, connected_at = now() - interval '10 seconds' where id = $1`, [old.id, oldNode]);
    await db.query(`update station set online = true, connected_node_id = $2, connected_at = now() where id = $1`, [fresh.id, freshNode]);
    await sweep();

    expect(await stationRow(old.identity)).toEqual({ online: false, connected_node_id: null });
    expect((await presence(old.identity)).connectionHistory[0]).toEqual({ online: false, reason: 'node lease expired' });
    expect(await stationRow(fresh.identity)).toEqual({ online: true, connected_node_id: freshNode });
    expect(await leaseOf(oldNode)).toBeUndefined();
    expect(await leaseOf(freshNode)).toBeUndefined();
    await db.query(`update station set online = false, connected_node_id = null where id = $1`, [fresh.id]);
  });

  it('two sweeps at once: the second skips the lease the first holds; the dead node renewing meanwhile finds it gone', { timeout: 30_000 }, async () => {
    const leases = new NodeLeaseRepository(sweeper.database.orm);
    const dead = `dead-${hex()}`;
    await db.query(`insert into node_lease values ($1, now() - interval '1 minute', now() - interval '1 minute', now() - interval '1 second')`, [dead]);
    let unblock!: () => void;
    const blocked = new Promise<void>((r) => (unblock = r));
    const firstSeen: string[] = [];
    const first = leases.sweepExpired(async (nodeId) => {
      firstSeen.push(nodeId);
      if (nodeId === dead) await blocked;
    });
    await eventually('the first sweep to hold the lease', () => firstSeen.includes(dead), 5_000);

    const secondSeen: string[] = [];
    await leases.sweepExpired(async (nodeId) => void secondSeen.push(nodeId));
    expect(secondSeen).not.toContain(dead);
    const renewal = leases.upsert(dead, 3, false);

    unblock();
    expect((await first).released).toContain(dead);
    // The renewal waited for the sweep's commit, then had to write the lease anew: it knows.
    expect(await renewal).toEqual({ created: true });
    await leases.delete(dead);
  });
});

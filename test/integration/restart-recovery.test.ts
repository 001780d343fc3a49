import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { aStation, dataOf, startTestApp, uniqueId } from '../helpers/test-app.js';

// What a node left behind when it was killed (kill -9, power loss): written straight to the
// database, since a killed node writes nothing more. The next start of that node cleans it up.
describe('a node that restarts after a crash', () => {
  it('marks the stations it held offline with history and an alert, and fails the firmware jobs it never sent', async () => {
    const nodeId = uniqueId('node');
    const first = await startTestApp({ NODE_ID: nodeId });
    const { id: stationId, identity } = await aStation(first);
    await first.stop();

    const db = new pg.Client({ connectionString: inject('databaseUrl') });
    await db.connect();
    try {
      await db.query(`update station set online = true, connected_node_id = $2, connected_at = now() where id = $1`, [stationId, nodeId]);
      const rollout = await db.query(
        `insert into firmware_rollout (id, external_location, retrieve_at, node_id, created_at)
         values (gen_random_uuid(), 'https://firmware.example.com/x.bin', now(), $1, now()) returning id`,
        [nodeId],
      );
      await db.query(
        `insert into firmware_job (id, rollout_id, station_id, status, created_at, updated_at)
         values (gen_random_uuid(), $1, $2, 'SCHEDULED', now(), now())`,
        [rollout.rows[0].id, stationId],
      );

      const second = await startTestApp({ NODE_ID: nodeId });
      try {
        const res = dataOf(
          await second.gql(
            `query($s: String!) { station(identity: $s) {
              online connectionHistory { online reason }
              alerts(kinds: [STATION_OFFLINE]) { edges { node { details { key value } } } }
              firmwareJobs { status failureReason }
            } }`,
            { s: identity },
          ),
        ) as any;
        expect(res.station.online).toBe(false);
        expect(res.station.connectionHistory[0]).toEqual({ online: false, reason: 'node restarted' });
        expect(res.station.alerts.edges[0].node.details).toEqual([{ key: 'reason', value: 'node restarted' }]);
        expect(res.station.firmwareJobs).toEqual([{ status: 'SEND_FAILED', failureReason: 'the server stopped before sending the request' }]);
      } finally {
        await second.stop();
      }
    } finally {
      await db.end();
    }
  });
});

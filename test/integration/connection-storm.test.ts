import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCharger, type ChargerClient } from '../helpers/charger-client.js';
import { bootNotification, statusNotification } from '../helpers/ocpp16-messages.js';
import { aStation, dataOf, startTestApp, uniqueId, type TestApp } from '../helpers/test-app.js';

// A fleet that connects, boots, reports and drops all at once: the connection path writes these
// in batches (BatchQueue + raw SQL). Every charger must still get exactly its own rows and answers.
const FLEET = 60;

describe('a fleet connecting and dropping at once', () => {
  let app: TestApp;
  let stations: { id: string; identity: string }[];
  let ghost: string;
  beforeAll(async () => {
    app = await startTestApp({ OCPP_AUTO_REGISTER: 'true' });
    stations = [];
    for (let i = 0; i < FLEET; i++) stations.push(await aStation(app, { identity: uniqueId(`FLEET${i}`) }));
    ghost = uniqueId('NEWCOMER');
  });
  afterAll(() => app?.stop());

  const count = async (sql: string, ids: string[]) => Number((await app.database.pool.query(sql, [ids])).rows[0].n);

  it('writes one connection, boot and status per charger, with alerts and faults, and takes them all offline', async () => {
    const ids = stations.map((s) => s.id);
    // All sockets at once, plus one unknown identity auto-registered in the same flood.
    const chargers: ChargerClient[] = await Promise.all([...stations.map((s) => connectCharger(app.ocppUrl, s.identity)), connectCharger(app.ocppUrl, ghost)]);
    const boots = await Promise.all(chargers.map((c, i) => c.call('BootNotification', bootNotification({ chargePointModel: `M-${i}`, firmwareVersion: `fw-${i}` }))));
    expect(boots.every((b) => b.status === 'Accepted')).toBe(true);
    // Every third charger reports a fault on connector 1, the others Available.
    await Promise.all(
      chargers.map((c, i) => c.call('StatusNotification', i % 3 === 0 ? statusNotification(1, 'Faulted', { errorCode: 'GroundFailure' }) : statusNotification(1, 'Available'))),
    );

    const listed = dataOf(
      await app.gql<{ stations: { edges: { node: { identity: string; online: boolean; model: string | null; firmwareVersion: string | null } }[] } }>(
        `query { stations(first: 100, filter: { search: "FLEET" }) { edges { node { identity online model firmwareVersion } } } }`,
      ),
    ).stations.edges.map((e) => e.node);
    const byIdentity = new Map(listed.map((s) => [s.identity, s]));
    stations.forEach((s, i) => expect(byIdentity.get(s.identity)).toEqual({ identity: s.identity, online: true, model: `M-${i}`, firmwareVersion: `fw-${i}` }));
    const newcomer = dataOf(await app.gql<{ station: { online: boolean; model: string } }>(`query($s: String!) { station(identity: $s) { online model } }`, { s: ghost }));
    expect(newcomer.station).toEqual({ online: true, model: `M-${FLEET}` });

    expect(await count('select count(*) n from station_connection_event where station_id = any($1) and online', ids)).toBe(FLEET);
    expect(await count(`select count(*) n from alert where station_id = any($1) and kind = 'STATION_ONLINE'`, ids)).toBe(FLEET);
    expect(await count(`select count(*) n from alert where station_id = any($1) and kind = 'STATION_BOOTED'`, ids)).toBe(FLEET);
    expect(await count('select count(*) n from connector_status_event where station_id = any($1) and applied', ids)).toBe(FLEET);
    const faulted = stations.filter((_, i) => i % 3 === 0).map((s) => s.id);
    expect(await count('select count(*) n from fault where station_id = any($1) and open', ids)).toBe(faulted.length);
    expect(await count('select count(*) n from fault where station_id = any($1) and open', faulted)).toBe(faulted.length);
    const statuses = await app.database.pool.query<{ station_id: string; status: string }>(
      'select station_id, status from connector where station_id = any($1) and connector_id = 1',
      [ids],
    );
    expect(statuses.rows).toHaveLength(FLEET);
    for (const row of statuses.rows) expect(row.status).toBe(faulted.includes(row.station_id) ? 'FAULTED' : 'AVAILABLE');

    // The whole fleet drops at once.
    await Promise.all(chargers.map((c) => c.close()));
    await expect.poll(() => count('select count(*) n from station where id = any($1) and online', ids), { timeout: 5000 }).toBe(0);
    expect(await count('select count(*) n from station_connection_event where station_id = any($1) and not online', ids)).toBe(FLEET);
    expect(await count(`select count(*) n from alert where station_id = any($1) and kind = 'STATION_OFFLINE'`, ids)).toBe(FLEET);
    expect(await count('select count(*) n from station where id = any($1) and connected_node_id is not null', ids)).toBe(0);
  });

  it('a reconnecting fleet is told it came back, and a socket replaced within the flood raises nothing', async () => {
    const ids = stations.map((s) => s.id);
    const before = await count(`select count(*) n from alert where station_id = any($1) and kind = 'STATION_ONLINE'`, ids);
    const chargers = await Promise.all(stations.map((s) => connectCharger(app.ocppUrl, s.identity)));
    // The first one reconnects again while the rest are still coming in: replaced, not offline.
    const again = await connectCharger(app.ocppUrl, stations[0]!.identity);
    expect((await chargers[0]!.closed).code).toBe(4000);
    await again.call('Heartbeat', {});
    await Promise.all(chargers.slice(1).map((c) => c.call('Heartbeat', {})));
    const backOnline = await app.database.pool.query<{ message: string }>(
      `select message from alert where station_id = any($1) and kind = 'STATION_ONLINE' order by at desc limit $2`,
      [ids, FLEET],
    );
    expect(await count(`select count(*) n from alert where station_id = any($1) and kind = 'STATION_ONLINE'`, ids)).toBe(before + FLEET);
    expect(backOnline.rows.every((r) => /is back online after \d+ s offline/.test(r.message))).toBe(true);
    expect(await count('select count(*) n from station where id = any($1) and online', ids)).toBe(FLEET);
    await Promise.all([again, ...chargers.slice(1)].map((c) => c.close()));
  });
});

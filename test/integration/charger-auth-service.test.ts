import pg from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { openOrm } from '../../src/db/orm.js';
import { AuditService } from '../../src/domain/audit/audit.service.js';
import { ChargerAuthService, type ChargerHandshake } from '../../src/domain/stations/charger-auth.service.js';
import { SYSTEM_CALLER } from '../../src/domain/caller.js';
import { StationRegistry } from '../../src/domain/stations/station-registry.service.js';
import { StationHotRows } from '../../src/domain/stations/station-hot-rows.js';
import { StationRepository } from '../../src/domain/stations/station.repository.js';
import { createLogger } from '../../src/logger.js';
import { uniqueId } from '../helpers/test-app.js';

// The service against the real database, without sockets: what the cache and the limiter save.
let orm: MikroORM;
let pool: pg.Pool;
let stations: StationRegistry;
let audit: AuditService;
const log = createLogger('silent');

beforeAll(async () => {
  orm = await openOrm(inject('databaseUrl'), 4);
  pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 2 });
  audit = new AuditService(orm, log);
  stations = new StationRegistry(new StationRepository(orm, pool), new StationHotRows(pool), audit, { autoRegister: false }, log);
});
afterAll(async () => {
  await orm?.close(true);
  await pool?.end();
});

const handshake = (identity: string, password?: string, secure = false): ChargerHandshake => ({
  identity,
  credentials: password === undefined ? { kind: 'none' } : { kind: 'basic', userPass: `${identity}:${password}` },
  secure,
  remoteAddress: '192.0.2.1',
});

async function aStationWithPassword(): Promise<{ identity: string; password: string }> {
  const identity = uniqueId('SVC');
  const password = `svc-password-${identity}`.slice(0, 40);
  await stations.register(SYSTEM_CALLER, identity, { name: identity, password });
  return { identity, password };
}

describe('ChargerAuthService', () => {
  it('runs argon2 once for a charger that reconnects again and again, right or wrong', async () => {
    const auth = new ChargerAuthService(stations, audit, { allowUnsecured: true }, log);
    const { identity, password } = await aStationWithPassword();
    for (let i = 0; i < 20; i++) {
      expect(await auth.authenticate(handshake(identity, password))).toMatchObject({ admitted: true, securityProfile: 1 });
    }
    for (let i = 0; i < 20; i++) {
      expect(await auth.authenticate(handshake(identity, 'wrong-but-persistent'))).toMatchObject({ admitted: false, reason: 'WRONG_PASSWORD' });
    }
    expect(auth.stats).toEqual({ passwordChecks: 2, cachedChecks: 38 });
  });

  it('checks again once the password changed', async () => {
    const auth = new ChargerAuthService(stations, audit, { allowUnsecured: true }, log);
    const { identity, password } = await aStationWithPassword();
    expect(await auth.authenticate(handshake(identity, password))).toMatchObject({ admitted: true });
    await stations.setPassword(SYSTEM_CALLER, identity, 'a-completely-new-password');
    expect(await auth.authenticate(handshake(identity, password))).toMatchObject({ admitted: false, reason: 'WRONG_PASSWORD' });
    expect(await auth.authenticate(handshake(identity, 'a-completely-new-password'))).toMatchObject({ admitted: true });
    expect(auth.stats.passwordChecks).toBe(3);
  });

  it('refuses a downgrade without running argon2', async () => {
    const auth = new ChargerAuthService(stations, audit, { allowUnsecured: true }, log);
    const { identity, password } = await aStationWithPassword();
    expect(await auth.authenticate(handshake(identity, password, true))).toMatchObject({ admitted: true, securityProfile: 2 });
    expect(await auth.authenticate(handshake(identity, 'anything-at-all-here', false))).toMatchObject({ admitted: false, reason: 'PROFILE_DOWNGRADE' });
    expect(auth.stats.passwordChecks).toBe(1);
    expect((await stations.get(SYSTEM_CALLER, identity))?.securityProfile).toBe(2);
  });

  it('sheds password checks past its queue with BUSY instead of piling up', async () => {
    const auth = new ChargerAuthService(stations, audit, { allowUnsecured: true, maxConcurrentChecks: 1, maxQueuedChecks: 2 }, log);
    const { identity, password } = await aStationWithPassword();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => auth.authenticate(handshake(identity, i === 0 ? password : `wrong-password-number-${i}`))),
    );
    const reasons = results.map((r) => (r.admitted ? 'OK' : r.reason));
    expect(reasons.filter((r) => r === 'BUSY').length).toBeGreaterThan(0);
    expect(auth.stats.passwordChecks).toBe(reasons.filter((r) => r !== 'BUSY').length);
  });
});

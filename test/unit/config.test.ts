import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('runs on the embedded database and in-process events when nothing is set', () => {
    const c = loadConfig({});
    expect(c.port).toBe(4000);
    expect('embedded' in c.database).toBe(true);
    expect(c.redisUrl).toBeUndefined();
    expect(c.ocpp).toEqual({ autoRegister: false, allowUnsecured: true, heartbeatIntervalSeconds: 300, pingIntervalMs: 30_000, callTimeoutMs: 30_000,
      handshakes: { concurrency: 256, maxQueued: 2000, maxWaitMs: 5000 },
    });
    expect(c.tls).toBeNull();
    expect(c.trustProxy).toBe(false);
  });

  it('takes a TLS certificate and key together, as absolute paths', () => {
    const c = loadConfig({ TLS_CERT_FILE: 'certs/c.pem', TLS_KEY_FILE: '/etc/csms/k.pem', OCPP_ALLOW_UNSECURED: 'false', TRUST_PROXY: 'true' });
    expect(c.tls).toEqual({ certFile: expect.stringMatching(/^\/.*certs\/c\.pem$/), keyFile: '/etc/csms/k.pem' });
    expect(c.ocpp.allowUnsecured).toBe(false);
    expect(c.trustProxy).toBe(true);
  });

  it.each([
    [{ TLS_CERT_FILE: 'c.pem' }, 'TLS_KEY_FILE'],
    [{ TLS_KEY_FILE: 'k.pem' }, 'TLS_CERT_FILE'],
  ])('refuses half a TLS configuration (%o) naming %s', (env, missing) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(missing);
  });

  it('uses DATABASE_URL and REDIS_URL when set, and treats empty values as unset', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://u@db:5432/csms',
      JWT_SECRET: 'x'.repeat(32),
      REDIS_URL: 'redis://cache:6379',
      OCPP_AUTO_REGISTER: 'true',
      PORT: '',
    });
    expect(c.database).toEqual({ url: 'postgres://u@db:5432/csms', poolMax: 10 });
    expect(c.redisUrl).toBe('redis://cache:6379');
    expect(c.ocpp.autoRegister).toBe(true);
    expect(c.port).toBe(4000);
  });

  it('keeps files under FILES_DIR and trims a trailing slash from PUBLIC_URL', () => {
    const c = loadConfig({ FILES_DIR: '/var/lib/csms/files', PUBLIC_URL: 'https://csms.example.com/' });
    expect(c.files).toEqual({ dir: '/var/lib/csms/files', diagnosticsMaxBytes: 64 * 1024 * 1024, firmwareMaxBytes: 512 * 1024 * 1024 });
    expect(c.publicUrl).toBe('https://csms.example.com');
    expect(loadConfig({}).publicUrl).toBeUndefined();
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'not a url'],
    ['OCPP_AUTO_REGISTER', 'maybe'],
    ['OCPP_PING_INTERVAL', '0'],
    ['OCPP_ALLOW_UNSECURED', 'sometimes'],
    ['TRUST_PROXY', 'maybe'],
    ['LOG_LEVEL', 'loud'],
    ['PUBLIC_URL', 'csms.example.com'],
    ['PUBLIC_URL', 'ftp://csms.example.com'],
    ['DIAGNOSTICS_MAX_BYTES', '-1'],
    ['FIRMWARE_MAX_BYTES', 'lots'],
    ['JWT_SECRET', 'too short'],
    ['ADMIN_EMAIL', 'not an email'],
    ['AUTH_ACCESS_TOKEN_TTL', '0'],
  ])('refuses %s=%s with a message naming it', (key, value) => {
    expect(() => loadConfig({ [key]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [key]: value })).toThrow(key);
  });

  it('needs JWT_SECRET with DATABASE_URL (a made-up secret would differ per node and per restart)', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u@db:5432/csms' })).toThrow(/JWT_SECRET/);
    // The embedded default generates one into a file beside its data.
    const c = loadConfig({ EMBEDDED_PG_DIR: '/srv/csms/.data/postgres' });
    expect(c.auth.jwtSecret).toEqual({ generatedFile: '/srv/csms/.data/jwt-secret' });
  });

  it('renews the node lease well within its TTL, and refuses a renewal interval that is not shorter', () => {
    expect(loadConfig({}).nodeLease).toEqual({ ttlSeconds: 60, renewSeconds: 15 });
    expect(loadConfig({ NODE_LEASE_TTL_SECONDS: '3', NODE_LEASE_RENEW_SECONDS: '1' }).nodeLease).toEqual({ ttlSeconds: 3, renewSeconds: 1 });
    expect(() => loadConfig({ NODE_LEASE_TTL_SECONDS: '30', NODE_LEASE_RENEW_SECONDS: '30' })).toThrow(/NODE_LEASE_RENEW_SECONDS: must be less than NODE_LEASE_TTL_SECONDS \(30\)/);
    expect(() => loadConfig({ NODE_LEASE_RENEW_SECONDS: '90' })).toThrow('NODE_LEASE_RENEW_SECONDS');
    expect(() => loadConfig({ NODE_LEASE_TTL_SECONDS: '1' })).toThrow('NODE_LEASE_TTL_SECONDS');
  });

  it('takes the first admin from ADMIN_EMAIL and ADMIN_PASSWORD, both or neither', () => {
    expect(() => loadConfig({ ADMIN_EMAIL: 'a@example.com' })).toThrow(/ADMIN_PASSWORD/);
    expect(() => loadConfig({ ADMIN_PASSWORD: 'long enough' })).toThrow(/ADMIN_EMAIL/);
    expect(loadConfig({ ADMIN_EMAIL: 'a@example.com', ADMIN_PASSWORD: 'long enough' }).auth.admin).toEqual({
      email: 'a@example.com',
      password: 'long enough',
    });
  });
});

describe('OCPI party', () => {
  it('defaults, upper-cases and checks OCPI_COUNTRY_CODE and OCPI_PARTY_ID', () => {
    expect(loadConfig({}).ocpi).toEqual({ countryCode: 'NL', partyId: 'CSM' });
    expect(loadConfig({ OCPI_COUNTRY_CODE: 'de', OCPI_PARTY_ID: 'ab1' }).ocpi).toEqual({ countryCode: 'DE', partyId: 'AB1' });
    expect(() => loadConfig({ OCPI_COUNTRY_CODE: 'DEU' })).toThrow('OCPI_COUNTRY_CODE');
    expect(() => loadConfig({ OCPI_PARTY_ID: 'AB' })).toThrow('OCPI_PARTY_ID');
    expect(() => loadConfig({ OCPI_PARTY_ID: 'A-B' })).toThrow('OCPI_PARTY_ID');
  });
});

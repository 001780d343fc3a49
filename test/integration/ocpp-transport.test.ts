import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OcppCallError, OcppError, OcppTimeoutError, StationOfflineError } from '../../src/ocpp/ocpp-error.js';
import { CLOSE_CODE_REPLACED, createOcppServer, type OcppServer } from '../../src/ocpp/ocpp-server.js';
import type { HandshakeVerdict, OcppGateway, OcppProtocol, StationContext } from '../../src/ocpp/types.js';
import { connectCharger, HandshakeRefusedError, type ChargerClient, type ChargerClientOptions } from '../helpers/charger-client.js';

type Handler = (station: StationContext, payload: any) => unknown;

const PING_INTERVAL_MS = 100;
const SECRET = { user: 'cp-secure', password: 's3cret' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('Condition not met in time');
    await sleep(10);
  }
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A small in-test gateway: records lifecycle events, delegates CALLs to per-test handlers. */
function createStubGateway() {
  const events: string[] = [];
  const handshakes: Array<{ identity: string; protocol: OcppProtocol }> = [];
  const handlers = new Map<string, Handler>();
  // A test may hold every handshake here (a slow database, say).
  const hold: { until: Promise<void> | null } = { until: null };
  const gateway: OcppGateway = {
    async verifyHandshake(identity, protocol, request: IncomingMessage): Promise<HandshakeVerdict> {
      handshakes.push({ identity, protocol });
      if (hold.until) await hold.until;
      if (identity.startsWith('unknown')) return { accept: false, status: 404, reason: 'Unknown station' };
      if (identity === 'challenged') {
        return {
          accept: false,
          status: 401,
          reason: 'Authenticate',
          headers: { 'WWW-Authenticate': 'Basic realm="OCPP"', 'X-Injected': 'a\r\nSet-Cookie: evil=1', 'Bad Name': 'x' },
        };
      }
      if (identity === SECRET.user) {
        const expected = `Basic ${Buffer.from(`${SECRET.user}:${SECRET.password}`).toString('base64')}`;
        if (request.headers.authorization !== expected) return { accept: false, status: 401, reason: 'Bad credentials' };
      }
      return { accept: true };
    },
    async handleCall(station, action, payload) {
      const handler = handlers.get(action);
      if (!handler) throw new OcppError('NotSupported', `Stub has no ${action} handler`);
      return handler(station, payload);
    },
    onConnected(station) {
      events.push(`connected:${station.identity}`);
    },
    onDisconnected(station, reason) {
      events.push(`disconnected:${station.identity}:${reason}`);
    },
  };
  return { gateway, events, handshakes, handlers, hold };
}

function createCollectingLogger() {
  const lines: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => lines.push({ level, msg, fields });
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error') } };
}

async function startServer(
  options: {
    protocols?: OcppProtocol[];
    pingIntervalMs?: number;
    remoteAddress?: (req: IncomingMessage) => string;
    handshakes?: { concurrency: number; maxQueued: number; maxWaitMs: number };
  } = {},
) {
  const stub = createStubGateway();
  const logs = createCollectingLogger();
  const ocpp = createOcppServer({
    gateway: stub.gateway,
    pingIntervalMs: options.pingIntervalMs ?? PING_INTERVAL_MS,
    callTimeoutMs: 2000,
    logger: logs.logger,
    protocols: options.protocols,
    remoteAddress: options.remoteAddress,
    handshakes: options.handshakes,
  });
  const http: Server = createServer((_req, res) => res.writeHead(404).end());
  // The app owns 'upgrade' and routes only OCPP paths to the transport.
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!ocpp.handleUpgrade(req, socket, head)) {
      socket.end('HTTP/1.1 418 I\'m a teapot\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    }
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    ...stub,
    logs,
    ocpp,
    http,
    base: `ws://127.0.0.1:${port}`,
    url: `ws://127.0.0.1:${port}/ocpp`,
    async stop() {
      await ocpp.close();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

describe('OCPP transport over real WebSockets', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  const clients: ChargerClient[] = [];
  let seq = 0;

  // Fresh identity per test so tests cannot replace each other's sockets.
  async function connect(name: string, options?: ChargerClientOptions): Promise<ChargerClient> {
    const client = await connectCharger(server.url, `${name}-${++seq}`, options);
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server.stop();
  });
  beforeEach(() => {
    server.handlers.clear();
    server.handlers.set('Heartbeat', () => ({ currentTime: new Date().toISOString() }));
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  describe('handshake', () => {
    it('negotiates ocpp1.6 and reports the station as connected', async () => {
      const client = await connect('cp-ok', { protocol: ['ocpp2.0.1', 'ocpp1.6'] });
      expect(client.ws.protocol).toBe('ocpp1.6');
      await waitFor(() => server.events.includes(`connected:${client.identity}`));
      expect(server.ocpp.isConnected(client.identity)).toBe(true);
      await expect(client.call('Heartbeat', {})).resolves.toHaveProperty('currentTime');
    });

    it.each([
      ['only a protocol we do not accept yet', 'ocpp2.0.1'],
      ['an unrelated protocol', 'mqtt'],
      ['no protocol at all', []],
    ])('refuses a client offering %s with HTTP 400 before the upgrade', async (_name, protocol) => {
      const before = server.handshakes.length;
      const attempt = connectCharger(server.url, 'cp-proto', { protocol });
      await expect(attempt).rejects.toBeInstanceOf(HandshakeRefusedError);
      await expect(attempt).rejects.toMatchObject({ status: 400 });
      expect(server.handshakes.length).toBe(before); // the gateway was never asked
    });

    it.each([
      ['empty', (server_url) => [server_url, '']],
      ['longer than 48 characters', (server_url) => [server_url, 'x'.repeat(49)]],
      ['containing an encoded slash', (server_url) => [server_url, 'a/b']],
      ['spread over two path segments', (server_url) => [`${server_url}/a`, 'b']],
    ] as Array<[string, (url: string) => [string, string]]>)('refuses an identity %s with HTTP 400', async (_name, target) => {
      const [url, identity] = target(server.url);
      await expect(connectCharger(url, identity)).rejects.toMatchObject({ status: 400 });
    });

    it('decodes a URL-encoded identity', async () => {
      const client = await connectCharger(server.url, 'CP 01 ÄÖ', {});
      clients.push(client);
      await waitFor(() => server.ocpp.isConnected('CP 01 ÄÖ'));
    });

    it('leaves other paths to the caller', async () => {
      await expect(connectCharger(`${server.base}/graphql`, 'x', {})).rejects.toMatchObject({ status: 418 });
    });

    it.each([
      ['unknown station', 'unknown-cp', undefined, 404],
      ['bad password', SECRET.user, { user: SECRET.user, password: 'wrong' }, 401],
      ['no credentials', SECRET.user, undefined, 401],
    ])('refuses with the gateway status: %s', async (_name, identity, auth, status) => {
      await expect(connectCharger(server.url, identity, { auth })).rejects.toMatchObject({ status });
      expect(server.ocpp.isConnected(identity)).toBe(false);
    });

    it('sends the headers of a refusal, dropping any that would split the response', async () => {
      const err = await connectCharger(server.url, 'challenged').catch((e) => e);
      expect(err).toBeInstanceOf(HandshakeRefusedError);
      expect(err.status).toBe(401);
      expect(err.headers['www-authenticate']).toBe('Basic realm="OCPP"');
      expect(err.headers['x-injected']).toBeUndefined();
      expect(err.headers['set-cookie']).toBeUndefined();
      expect(err.body).toBe('Authenticate\n');
    });

    it('accepts when the gateway accepts the Basic credentials', async () => {
      const client = await connectCharger(server.url, SECRET.user, { auth: SECRET });
      clients.push(client);
      await waitFor(() => server.ocpp.isConnected(SECRET.user));
    });
  });

  describe('inbound CALLs', () => {
    it('answers an unknown action with NotImplemented', async () => {
      const client = await connect('cp-unknown');
      await expect(client.call('Frobnicate', {})).rejects.toMatchObject({ code: 'NotImplemented' });
    });

    it.each([
      ['FormationViolation', 'Heartbeat', { unexpected: true }],
      ['FormationViolation', 'Heartbeat', ['not', 'an', 'object']],
      ['OccurenceConstraintViolation', 'MeterValues', { connectorId: 1 }],
      ['TypeConstraintViolation', 'MeterValues', { connectorId: 'one', meterValue: [] }],
      ['PropertyConstraintViolation', 'Authorize', { idTag: 'x'.repeat(21) }],
      ['PropertyConstraintViolation', 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Sleepy' }],
    ])('answers a schema violation with the 1.6 code %s (%s)', async (code, action, payload) => {
      let called = false;
      server.handlers.set(action, () => {
        called = true;
        return {};
      });
      const client = await connect('cp-schema');
      await expect(client.call(action, payload)).rejects.toMatchObject({ code });
      expect(called).toBe(false);
    });

    it('passes a valid payload and the station context to the gateway', async () => {
      let seen: { station: StationContext; payload: unknown } | undefined;
      server.handlers.set('Authorize', (station, payload) => {
        seen = { station, payload };
        return { idTagInfo: { status: 'Accepted' } };
      });
      const client = await connect('cp-ctx');
      await expect(client.call('Authorize', { idTag: 'TAG1' })).resolves.toEqual({ idTagInfo: { status: 'Accepted' } });
      expect(seen?.payload).toEqual({ idTag: 'TAG1' });
      expect(seen?.station).toMatchObject({ identity: client.identity, protocol: 'ocpp1.6', remoteAddress: '127.0.0.1' });
    });

    it('sends an OcppError thrown by the gateway in the 1.6 spelling', async () => {
      server.handlers.set('Authorize', () => {
        throw new OcppError('OccurrenceConstraintViolation', 'need more', { field: 'idTag' });
      });
      const client = await connect('cp-ocpperr');
      await expect(client.call('Authorize', { idTag: 'T' })).rejects.toMatchObject({
        code: 'OccurenceConstraintViolation',
        description: 'need more',
        details: { field: 'idTag' },
      });
    });

    it('turns any other handler failure into InternalError without leaking it', async () => {
      server.handlers.set('Authorize', () => {
        throw new Error('db password is hunter2');
      });
      const client = await connect('cp-crash');
      const error = await client.call('Authorize', { idTag: 'T' }).catch((e) => e);
      expect(error.code).toBe('InternalError');
      expect(error.description).not.toContain('hunter2');
      expect(server.logs.lines.some((l) => l.level === 'error' && l.fields?.identity === client.identity)).toBe(true);
    });

    it('turns a handler response that breaks the response schema into InternalError', async () => {
      server.handlers.set('Authorize', () => ({ idTagInfo: { status: 'Sure' } }));
      const client = await connect('cp-badresp');
      await expect(client.call('Authorize', { idTag: 'T' })).rejects.toMatchObject({ code: 'InternalError' });
      expect(server.logs.lines.some((l) => l.level === 'error' && l.msg.includes('response schema'))).toBe(true);
    });

    it('survives a non-JSON frame and still answers the next CALL, without replying to the garbage', async () => {
      const client = await connect('cp-garbage');
      const next = client.nextRaw();
      client.sendRaw('this is not json {');
      client.sendRaw('{"also": "not an OCPP array"}');
      client.sendRaw('[2,"hb-after-garbage","Heartbeat",{}]');
      const [type, id] = JSON.parse(await next);
      expect([type, id]).toEqual([3, 'hb-after-garbage']);
      expect(client.ws.readyState).toBe(client.ws.OPEN);
    });

    it.each([
      ['a numeric action', '[2,"id-1",5,{}]', 'id-1', 'FormationViolation'],
      ['a missing payload', '[2,"id-2","Heartbeat"]', 'id-2', 'FormationViolation'],
      ['an unknown message type', '[7,"id-3","Heartbeat",{}]', 'id-3', 'ProtocolError'],
    ])('answers a CALL with %s by a CALLERROR for its id', async (_name, frame, id, code) => {
      const client = await connect('cp-malformed');
      const next = client.nextRaw();
      client.sendRaw(frame);
      const reply = JSON.parse(await next);
      expect(reply.slice(0, 3)).toEqual([4, id, code]);
      await expect(client.call('Heartbeat', {})).resolves.toHaveProperty('currentTime');
    });

    it('handles one station\'s CALLs strictly in order', async () => {
      const log: string[] = [];
      server.handlers.set('Authorize', async (_s, { idTag }) => {
        log.push(`start:${idTag}`);
        if (idTag === 'slow') await sleep(150);
        log.push(`end:${idTag}`);
        return { idTagInfo: { status: 'Accepted' } };
      });
      const client = await connect('cp-order');
      const answered: string[] = [];
      await Promise.all(
        ['slow', 'fast'].map((idTag) => client.call('Authorize', { idTag }).then(() => answered.push(idTag))),
      );
      expect(answered).toEqual(['slow', 'fast']);
      expect(log).toEqual(['start:slow', 'end:slow', 'start:fast', 'end:fast']);
    });

    it('does not serialize different stations behind each other', async () => {
      const gate = deferred();
      server.handlers.set('Authorize', async (_s, { idTag }) => {
        if (idTag === 'blocked') await gate.promise;
        return { idTagInfo: { status: 'Accepted' } };
      });
      const a = await connect('cp-par-a');
      const b = await connect('cp-par-b');
      const blocked = a.call('Authorize', { idTag: 'blocked' });
      await expect(b.call('Authorize', { idTag: 'free' })).resolves.toBeDefined();
      gate.resolve();
      await blocked;
    });
  });

  describe('outbound calls', () => {
    it('resolves with the charger\'s validated CALLRESULT', async () => {
      const client = await connect('cp-out', { onCall: () => ({ status: 'Accepted' }) });
      await waitFor(() => server.ocpp.isConnected(client.identity));
      await expect(server.ocpp.call(client.identity, 'Reset', { type: 'Soft' })).resolves.toEqual({ status: 'Accepted' });
    });

    it('does not block an inbound CALL while our CALL is in flight', async () => {
      const release = deferred<{ status: string }>();
      const client = await connect('cp-crossing', { onCall: () => release.promise });
      await waitFor(() => server.ocpp.isConnected(client.identity));
      const outbound = server.ocpp.call(client.identity, 'Reset', { type: 'Hard' });
      await expect(client.call('Heartbeat', {})).resolves.toHaveProperty('currentTime');
      release.resolve({ status: 'Accepted' });
      await expect(outbound).resolves.toEqual({ status: 'Accepted' });
    });

    it('matches the charger\'s answer while an inbound CALL is being processed', async () => {
      const gate = deferred();
      server.handlers.set('Authorize', async () => {
        await gate.promise;
        return { idTagInfo: { status: 'Accepted' } };
      });
      const client = await connect('cp-crossing2', { onCall: () => ({ status: 'Accepted' }) });
      await waitFor(() => server.ocpp.isConnected(client.identity));
      const inbound = client.call('Authorize', { idTag: 'T' });
      await expect(server.ocpp.call(client.identity, 'Reset', { type: 'Soft' })).resolves.toEqual({ status: 'Accepted' });
      gate.resolve();
      await inbound;
    });

    it('keeps only one outbound CALL in flight per station', async () => {
      let outstanding = 0;
      let maxOutstanding = 0;
      const client = await connect('cp-one-at-a-time', {
        onCall: async () => {
          maxOutstanding = Math.max(maxOutstanding, ++outstanding);
          await sleep(30);
          outstanding--;
          return { status: 'Accepted' };
        },
      });
      await waitFor(() => server.ocpp.isConnected(client.identity));
      const results = await Promise.all(
        [1, 2, 3].map(() => server.ocpp.call(client.identity, 'ClearCache', {})),
      );
      expect(results).toEqual([{ status: 'Accepted' }, { status: 'Accepted' }, { status: 'Accepted' }]);
      expect(maxOutstanding).toBe(1);
    });

    it('times out, then sends the next queued call', async () => {
      const client = await connect('cp-timeout', {
        onCall: (action) => (action === 'Reset' ? new Promise(() => {}) : { status: 'Accepted' }),
      });
      await waitFor(() => server.ocpp.isConnected(client.identity));
      const started = Date.now();
      const stuck = server.ocpp.call(client.identity, 'Reset', { type: 'Soft' }, 150);
      const next = server.ocpp.call(client.identity, 'ClearCache', {}, 2000);
      await expect(stuck).rejects.toBeInstanceOf(OcppTimeoutError);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      await expect(next).resolves.toEqual({ status: 'Accepted' });
    });

    it('rejects with the charger\'s CALLERROR code and description', async () => {
      const client = await connect('cp-callerror', {
        onCall: () => {
          throw { code: 'NotSupported', description: 'No soft reset here' };
        },
      });
      await waitFor(() => server.ocpp.isConnected(client.identity));
      const error = await server.ocpp.call(client.identity, 'Reset', { type: 'Soft' }).catch((e) => e);
      expect(error).toBeInstanceOf(OcppCallError);
      expect(error).toMatchObject({ code: 'NotSupported', description: 'No soft reset here', action: 'Reset' });
    });

    it('rejects a schema-breaking answer from the charger', async () => {
      const client = await connect('cp-badanswer', { onCall: () => ({ status: 'Maybe' }) });
      await waitFor(() => server.ocpp.isConnected(client.identity));
      const error = await server.ocpp.call(client.identity, 'Reset', { type: 'Soft' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OcppError);
      expect(error).toMatchObject({ code: 'PropertyConstraintViolation', message: expect.stringContaining('status') });
    });

    it('refuses to send a payload that breaks the request schema', async () => {
      let reached = false;
      const client = await connect('cp-badcall', {
        onCall: () => {
          reached = true;
          return { status: 'Accepted' };
        },
      });
      await waitFor(() => server.ocpp.isConnected(client.identity));
      await expect(server.ocpp.call(client.identity, 'Reset', { type: 'Gentle' })).rejects.toMatchObject({
        code: 'PropertyConstraintViolation',
      });
      await sleep(50);
      expect(reached).toBe(false);
    });

    it('rejects a call to a station that is not connected', async () => {
      await expect(server.ocpp.call('nobody-here', 'Reset', { type: 'Soft' })).rejects.toBeInstanceOf(StationOfflineError);
    });

    it('rejects a pending call when the charger disconnects', async () => {
      const client = await connect('cp-vanish', { onCall: () => new Promise(() => {}) });
      await waitFor(() => server.ocpp.isConnected(client.identity));
      const pending = server.ocpp.call(client.identity, 'Reset', { type: 'Soft' }, 5000);
      await sleep(20);
      client.ws.terminate();
      await expect(pending).rejects.toBeInstanceOf(StationOfflineError);
    });
  });

  describe('connection lifecycle', () => {
    it('reports a normal disconnect once', async () => {
      const client = await connect('cp-bye');
      await waitFor(() => server.events.includes(`connected:${client.identity}`));
      await client.close();
      await waitFor(() => !server.ocpp.isConnected(client.identity));
      await waitFor(() => server.events.some((e) => e.startsWith(`disconnected:${client.identity}:`)));
      expect(server.events.filter((e) => e.startsWith(`disconnected:${client.identity}:`))).toHaveLength(1);
    });

    it('replaces a socket by a second connection with the same identity', async () => {
      const identity = `cp-dup-${++seq}`;
      const first = await connectCharger(server.url, identity, { onCall: () => ({ status: 'Rejected' }) });
      await waitFor(() => server.events.includes(`connected:${identity}`));
      const countBefore = server.ocpp.connectedCount();

      const second = await connectCharger(server.url, identity, { onCall: () => ({ status: 'Accepted' }) });
      clients.push(first, second);
      const firstClosed = await first.closed;
      expect(firstClosed.code).toBe(CLOSE_CODE_REPLACED);
      await waitFor(() => server.events.filter((e) => e === `connected:${identity}`).length === 2);

      // Give the old socket's late 'close' every chance to (wrongly) mark the station offline.
      await sleep(PING_INTERVAL_MS * 2);
      expect(server.events.some((e) => e.startsWith(`disconnected:${identity}`))).toBe(false);
      expect(server.ocpp.isConnected(identity)).toBe(true);
      expect(server.ocpp.connectedCount()).toBe(countBefore);
      await expect(server.ocpp.call(identity, 'Reset', { type: 'Soft' })).resolves.toEqual({ status: 'Accepted' });
      await expect(second.call('Heartbeat', {})).resolves.toHaveProperty('currentTime');

      await second.close();
      await waitFor(() => server.events.some((e) => e.startsWith(`disconnected:${identity}`)));
      expect(server.ocpp.isConnected(identity)).toBe(false);
    });

    it('terminates a charger that stops answering pings and reports it', async () => {
      const client = await connect('cp-silent', { wsOptions: { autoPong: false } });
      await waitFor(() => server.events.includes(`connected:${client.identity}`));
      const started = Date.now();
      const { code } = await client.closed;
      expect(code).toBe(1006); // terminated, no closing handshake
      expect(Date.now() - started).toBeLessThan(PING_INTERVAL_MS * 10); // ~2-3 intervals, slack for loaded CI
      await waitFor(() => server.events.includes(`disconnected:${client.identity}:ping timeout`));
      expect(server.ocpp.isConnected(client.identity)).toBe(false);
    });

    it('keeps an idle charger that answers pings', async () => {
      const client = await connect('cp-idle');
      await sleep(PING_INTERVAL_MS * 5);
      expect(client.ws.readyState).toBe(client.ws.OPEN);
      expect(server.ocpp.isConnected(client.identity)).toBe(true);
    });
  });
});

describe('OCPP server with other settings', () => {
  it('answers handshakes beyond its queue with a quick 503 and Retry-After, and admits them on retry', async () => {
    const server = await startServer({ handshakes: { concurrency: 2, maxQueued: 1, maxWaitMs: 60_000 } });
    const held = deferred();
    server.hold.until = held.promise;
    const ids = ['cp-s1', 'cp-s2', 'cp-s3', 'cp-s4', 'cp-s5'];
    let refusals = 0;
    const attempts = ids.map((id) =>
      connectCharger(server.url, id).then(
        (charger) => ({ id, charger }),
        (error: unknown) => {
          refusals += 1;
          return { id, error };
        },
      ),
    );
    // Two run (held in the gateway), one waits; the other two are refused without waiting.
    await waitFor(() => refusals === 2, 5000);
    expect(server.handshakes).toHaveLength(2);
    server.hold.until = null;
    held.resolve();
    const outcomes = await Promise.all(attempts);
    const refused = outcomes.filter((o) => 'error' in o) as { id: string; error: HandshakeRefusedError }[];
    expect(refused).toHaveLength(2);
    for (const { error } of refused) {
      expect(error).toBeInstanceOf(HandshakeRefusedError);
      expect(error.status).toBe(503);
      expect(Number(error.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    const admitted = outcomes.filter((o) => 'charger' in o) as { id: string; charger: ChargerClient }[];
    expect(admitted).toHaveLength(3);
    // The refused chargers retry and get in.
    const retried = await Promise.all(refused.map(({ id }) => connectCharger(server.url, id)));
    await waitFor(() => server.ocpp.connectedCount() === 5);
    for (const c of [...admitted.map((a) => a.charger), ...retried]) await c.close();
    await server.stop();
  });

  it('replaces a half-open socket that never completes the closing handshake', async () => {
    // Slow pings, so only the close grace period can get rid of the old socket.
    const server = await startServer({ pingIntervalMs: 60_000 });
    server.handlers.set('Heartbeat', () => ({ currentTime: new Date().toISOString() }));
    const first = await connectCharger(server.url, 'cp-halfopen');
    await waitFor(() => server.events.includes('connected:cp-halfopen'));
    first.ws.pause(); // stop reading: the server's close frame is never answered

    const started = Date.now();
    const second = await connectCharger(server.url, 'cp-halfopen');
    // Inbound CALLs of the new socket wait until the old one is gone, then get answered.
    await expect(second.call('Heartbeat', {})).resolves.toHaveProperty('currentTime');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(server.events.filter((e) => e === 'connected:cp-halfopen')).toHaveLength(2);
    expect(server.events.some((e) => e.startsWith('disconnected:'))).toBe(false);
    first.ws.terminate();
    await server.stop();
  });

  it('closes every charger socket with 1001 and reports them disconnected', async () => {
    const server = await startServer();
    const chargers = await Promise.all(['cp-a', 'cp-b'].map((id) => connectCharger(server.url, id, {})));
    await waitFor(() => server.ocpp.connectedCount() === 2);
    await server.stop();
    for (const charger of chargers) expect((await charger.closed).code).toBe(1001);
    expect(server.events.filter((e) => e.startsWith('disconnected:'))).toHaveLength(2);
    expect(server.ocpp.connectedCount()).toBe(0);
  });

  it('can accept ocpp2.0.1 when configured, preferring it over 1.6', async () => {
    const server = await startServer({ protocols: ['ocpp1.6', 'ocpp2.0.1'] });
    const charger = await connectCharger(server.url, 'cp-201', { protocol: ['ocpp1.6', 'ocpp2.0.1'] });
    expect(charger.ws.protocol).toBe('ocpp2.0.1');
    expect(server.handshakes).toEqual([{ identity: 'cp-201', protocol: 'ocpp2.0.1' }]);
    await charger.close();
    await server.stop();
  });

  it('takes the station\'s address from the remoteAddress option (a trusted proxy\'s X-Forwarded-For)', async () => {
    const server = await startServer({ remoteAddress: (req) => String(req.headers['x-test-client'] ?? 'none') });
    let seen: StationContext | undefined;
    server.handlers.set('Heartbeat', (station) => {
      seen = station;
      return { currentTime: new Date().toISOString() };
    });
    const charger = await connectCharger(server.url, 'cp-proxied', { wsOptions: { headers: { 'x-test-client': '203.0.113.7' } } });
    await charger.call('Heartbeat', {});
    expect(seen?.remoteAddress).toBe('203.0.113.7');
    await charger.close();
    await server.stop();
  });
});

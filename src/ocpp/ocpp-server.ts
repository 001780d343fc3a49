import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { createLogger } from '../logger.js';
import { StationOfflineError } from './ocpp-error.js';
import { HandshakeGate, type HandshakeGateOptions } from './handshake-gate.js';
import { precompileSchemas } from './schema-validator.js';
import { StationConnection, type TransportLogger } from './station-connection.js';
import { OCPP_PROTOCOLS, type OcppGateway, type OcppProtocol, type StationContext } from './types.js';

export { StationOfflineError } from './ocpp-error.js';

export interface OcppServerOptions {
  gateway: OcppGateway;
  /** WebSocket ping period; a charger silent for a whole period is disconnected. */
  pingIntervalMs: number;
  /** Default timeout of `call()`. */
  callTimeoutMs: number;
  /** URL prefix; chargers connect to `<path>/<identity>`. Default '/ocpp'. */
  path?: string;
  /** Subprotocols we accept. Default ['ocpp1.6'] until 2.0.1 handlers exist. */
  protocols?: readonly OcppProtocol[];
  /** Largest accepted frame in bytes. Default 1 MiB. */
  maxPayload?: number;
  /** The charger's address for StationContext, e.g. from a trusted proxy. Default: the socket's. */
  remoteAddress?: (req: IncomingMessage) => string | undefined;
  logger?: TransportLogger;
  /** Handshakes admitted at once, queued, and how long one may wait (see HandshakeGate). */
  handshakes?: HandshakeGateOptions;
}

export interface OcppServer {
  /** Take over an HTTP upgrade. Returns false (touching nothing) when the path is not ours. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Send a CALL to a connected charger; see StationConnection.call for the failure modes. */
  call(identity: string, action: string, payload: unknown, timeoutMs?: number): Promise<unknown>;
  isConnected(identity: string): boolean;
  connectedCount(): number;
  /** Close every charger socket (1012, service restart) but go on accepting: the chargers reconnect. */
  disconnectAll(reason: string): Promise<void>;
  /** Close every charger socket (1001) and wait until all are closed. */
  close(): Promise<void>;
}

const MAX_IDENTITY_LENGTH = 48;
/** Close code for a socket superseded by a newer connection of the same identity. */
export const CLOSE_CODE_REPLACED = 4000;
const CLOSE_CODE_GOING_AWAY = 1001;
const CLOSE_CODE_SERVICE_RESTART = 1012;
// How long a closing peer gets to complete the closing handshake before we cut it.
const CLOSE_GRACE_MS = 2000;
// Shorter for a replaced socket: it is usually half-open (the charger rebooted), and the
// new connection's onConnected and first CALLs wait for it.
const REPLACE_GRACE_MS = 1000;

interface StationEntry {
  connection: StationConnection;
  /** Settles when onConnected has run; true if it ran. */
  connected: Promise<boolean>;
  /** Settles after the socket closed and any onDisconnected has run. */
  finished: Promise<void>;
}

/**
 * The OCPP-J WebSocket endpoint. The caller owns the HTTP server and forwards its
 * 'upgrade' events here.
 */
export function createOcppServer(options: OcppServerOptions): OcppServer {
  const { gateway, pingIntervalMs, callTimeoutMs } = options;
  const basePath = (options.path ?? '/ocpp').replace(/\/+$/, '');
  const accepted = options.protocols ?? ['ocpp1.6'];
  const log = options.logger ?? createLogger('info', { component: 'ocpp' });
  const remoteAddressOf = options.remoteAddress ?? ((req: IncomingMessage) => req.socket.remoteAddress);
  const stations = new Map<string, StationEntry>();
  const settling = new Set<Promise<void>>();
  let closing = false;
  const gate = new HandshakeGate(options.handshakes ?? { concurrency: 256, maxQueued: 2000, maxWaitMs: 5000 });

  for (const protocol of accepted) precompileSchemas(protocol);

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayload ?? 1024 * 1024,
    perMessageDeflate: false,
    clientTracking: false,
    handleProtocols: (offered) => pickProtocol(offered, accepted) ?? false,
  });

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const pathname = (req.url ?? '').split('?', 1)[0];
    if (pathname !== basePath && !pathname.startsWith(`${basePath}/`)) return false;
    void upgrade(req, socket, head, pathname.slice(basePath.length + 1));
    return true;
  }

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, rawIdentity: string): Promise<void> {
    // Node removes its own listeners from an upgraded socket; a reset while we await the
    // gateway must not become an uncaught 'error'.
    const onSocketError = () => socket.destroy();
    socket.on('error', onSocketError);
    let release: (() => void) | undefined;
    try {
      if (closing) return refuse(socket, 503, 'Server is shutting down');
      const identity = parseIdentity(rawIdentity);
      if (identity === undefined) return refuse(socket, 400, 'Invalid charging station identity');
      const offered = parseProtocolHeader(req.headers['sec-websocket-protocol']);
      const protocol = pickProtocol(offered, accepted);
      if (!protocol) return refuse(socket, 400, `No supported subprotocol offered; we speak ${accepted.join(', ')}`);

      // Admission first: a storm is answered with quick refusals the chargers retry, not hangs.
      const admission = await gate.enter(() => !socket.destroyed);
      if (!admission.admitted) {
        return refuse(socket, 503, 'Server busy, retry later', { 'Retry-After': String(retryAfterSeconds()) });
      }
      release = admission.release;
      const verdict = await gateway.verifyHandshake(identity, protocol, req);
      if (socket.destroyed) return release();
      if (!verdict.accept) {
        log.info('OCPP handshake refused', { identity, status: verdict.status, reason: verdict.reason });
        release();
        return refuse(socket, verdict.status, verdict.reason, verdict.headers);
      }
      if (closing) {
        release();
        return refuse(socket, 503, 'Server is shutting down');
      }

      socket.off('error', onSocketError);
      const held = release;
      release = undefined;
      // ws drops a socket that closed meanwhile without calling back: the slot must not leak.
      socket.once('close', held);
      // The slot is held until onConnected has run: that write is part of the handshake's cost.
      wss.handleUpgrade(req, socket, head, (ws) => onOpen(ws, { identity, protocol, remoteAddress: remoteAddressOf(req) }, held));
    } catch (error) {
      release?.();
      log.error('OCPP handshake failed', { url: req.url, error });
      refuse(socket, 500, 'Handshake failed');
    }
  }

  function onOpen(ws: WebSocket, station: StationContext, release: () => void): void {
    const { identity } = station;
    const connection = new StationConnection({ ws, station, gateway, pingIntervalMs, callTimeoutMs, logger: log });
    const previous = stations.get(identity);

    // A new socket for a known identity wins (the charger rebooted or lost its link; the
    // old socket is often half-open). The old one is closed with 4000 and its 'close' is
    // ignored below because the map no longer points at it.
    const connected = (async () => {
      if (previous) {
        log.info('OCPP connection replaced', { identity });
        await previous.connection.close(CLOSE_CODE_REPLACED, 'Replaced by a new connection', REPLACE_GRACE_MS);
        await previous.connected;
      }
      if (!connection.isOpen) return false;
      await notify('onConnected', () => gateway.onConnected(station));
      return true;
    })();
    const finished = connection.closed.then(async (reason) => {
      if (stations.get(identity)?.connection !== connection) return; // replaced: not a disconnect
      stations.delete(identity);
      log.info('OCPP disconnected', { identity, reason });
      if (await connected) await notify('onDisconnected', () => gateway.onDisconnected(station, reason));
    });
    stations.set(identity, { connection, connected, finished });
    // close() waits for these too: a socket that closed just before shutdown may still be reporting.
    settling.add(finished);
    void finished.then(() => settling.delete(finished));
    log.info('OCPP connected', { identity, protocol: station.protocol });

    void connected.then((ran) => {
      release();
      if (ran) connection.start();
    });
  }

  async function notify(hook: string, run: () => Promise<void> | void): Promise<void> {
    try {
      await run();
    } catch (error) {
      log.error(`OCPP gateway ${hook} failed`, { error });
    }
  }

  function call(identity: string, action: string, payload: unknown, timeoutMs?: number): Promise<unknown> {
    const entry = stations.get(identity);
    if (!entry) return Promise.reject(new StationOfflineError(identity));
    return entry.connection.call(action, payload, timeoutMs);
  }

  async function disconnectAll(reason: string): Promise<void> {
    await Promise.all(
      [...stations.values()].map(async ({ connection, finished }) => {
        await connection.close(CLOSE_CODE_SERVICE_RESTART, reason, CLOSE_GRACE_MS);
        await finished;
      }),
    );
  }

  async function close(): Promise<void> {
    closing = true;
    await Promise.all(
      [...stations.values()].map(async ({ connection, finished }) => {
        await connection.close(CLOSE_CODE_GOING_AWAY, 'Server shutting down', CLOSE_GRACE_MS);
        await finished;
      }),
    );
    await Promise.all(settling);
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }

  return {
    handleUpgrade,
    call,
    isConnected: (identity) => stations.get(identity)?.connection.isOpen ?? false,
    connectedCount: () => stations.size,
    disconnectAll,
    close,
  };
}

// Spread the retries of a refused fleet over a few seconds instead of one synchronized wave.
function retryAfterSeconds(): number {
  return 1 + Math.floor(Math.random() * 5);
}

function parseIdentity(raw: string): string | undefined {
  if (raw === '' || raw.includes('/')) return undefined;
  let identity: string;
  try {
    identity = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  if (identity === '' || identity.includes('/') || identity.length > MAX_IDENTITY_LENGTH) return undefined;
  return identity;
}

function parseProtocolHeader(header: string | undefined): Set<string> {
  const offered = new Set<string>();
  for (const token of (header ?? '').split(',')) {
    const name = token.trim();
    if (name) offered.add(name);
  }
  return offered;
}

// Our preference (OCPP_PROTOCOLS order), not the client's, decides among common protocols.
function pickProtocol(offered: Set<string>, accepted: readonly OcppProtocol[]): OcppProtocol | undefined {
  return OCPP_PROTOCOLS.find((protocol) => accepted.includes(protocol) && offered.has(protocol));
}

function refuse(socket: Duplex, status: number, message: string, headers: Record<string, string> = {}): void {
  if (socket.destroyed) return;
  const body = `${message}\n`;
  // A header name or value with a line break would split the response: drop it.
  const extra = Object.entries(headers)
    .filter(([name, value]) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) && !/[\r\n]/.test(value))
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\n' +
      extra +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      `\r\n${body}`,
  );
}

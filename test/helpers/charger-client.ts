import type { IncomingHttpHeaders } from 'node:http';
import { WebSocket, type ClientOptions, type RawData } from 'ws';

/** What an `onCall` handler throws to answer with a CALLERROR. */
export interface ChargerCallErrorReply {
  code: string;
  description?: string;
  details?: object;
}

export interface ChargerClientOptions {
  /** Subprotocol(s) to offer. Default 'ocpp1.6'; [] offers none. */
  protocol?: string | string[];
  /** Sent as an HTTP Basic Authorization header. */
  auth?: { user: string; password: string };
  /** Answers the CSMS's CALLs; throw a ChargerCallErrorReply for a CALLERROR. Default: NotImplemented. */
  onCall?: (action: string, payload: any) => unknown;
  /** How long `call()` waits for an answer. Default 30 s. */
  callTimeoutMs?: number;
  /** Passed to the `ws` client, e.g. `{ autoPong: false }`. */
  wsOptions?: ClientOptions;
}

export interface ChargerClient {
  readonly identity: string;
  readonly ws: WebSocket;
  /** Send a CALL; resolves with the CALLRESULT payload, rejects with ChargerCallError on CALLERROR. */
  call(action: string, payload: unknown): Promise<any>;
  /** Send a text frame as is. */
  sendRaw(text: string): void;
  /** The next text frame received after this call, unparsed. */
  nextRaw(): Promise<string>;
  /** Resolves with the close code and reason once the socket has closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  close(code?: number): Promise<void>;
}

/** The CSMS answered our CALL with a CALLERROR. */
export class ChargerCallError extends Error {
  override readonly name = 'ChargerCallError';
  constructor(
    readonly code: string,
    readonly description: string,
    readonly details: unknown,
  ) {
    super(`${code}: ${description}`);
  }
}

/** The CSMS answered the WebSocket upgrade with a plain HTTP status. */
export class HandshakeRefusedError extends Error {
  override readonly name = 'HandshakeRefusedError';
  constructor(
    readonly status: number,
    readonly body: string,
    readonly headers: IncomingHttpHeaders = {},
  ) {
    super(`Handshake refused with HTTP ${status}: ${body.trim()}`);
  }
}

interface Pending {
  resolve(payload: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

// Module-wide so ids stay unique and short across thousands of clients in one process.
let nextId = 0;

/** Connect a simulated charger to `${url}/${identity}`; rejects with HandshakeRefusedError on refusal. */
export function connectCharger(url: string, identity: string, options: ChargerClientOptions = {}): Promise<ChargerClient> {
  const { protocol = 'ocpp1.6', auth, onCall, callTimeoutMs = 30_000, wsOptions } = options;
  const headers: Record<string, string> = {};
  if (auth) headers.authorization = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
  const ws = new WebSocket(`${url.replace(/\/+$/, '')}/${encodeURIComponent(identity)}`, protocol, {
    perMessageDeflate: false,
    ...wsOptions,
    headers: { ...headers, ...wsOptions?.headers },
  });

  const pending = new Map<string, Pending>();
  let rawWaiters: Array<(text: string) => void> = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.once('close', (code, reason) => {
      for (const p of pending.values()) {
        clearTimeout(p.timer);
        p.reject(new Error(`Socket closed (${code}) before an answer`));
      }
      pending.clear();
      resolve({ code, reason: reason.toString() });
    });
  });

  const send = (frame: unknown[]) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
  };

  const answer = async (id: string, action: string, payload: unknown) => {
    try {
      if (!onCall) throw { code: 'NotImplemented', description: `Simulator does not handle ${action}` };
      send([3, id, await onCall(action, payload)]);
    } catch (error) {
      const reply = error as Partial<ChargerCallErrorReply>;
      send([4, id, reply.code ?? 'InternalError', reply.description ?? String(error), reply.details ?? {}]);
    }
  };

  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) return;
    const text = data.toString();
    if (rawWaiters.length) {
      const waiters = rawWaiters;
      rawWaiters = [];
      for (const w of waiters) w(text);
    }
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (!Array.isArray(message)) return;
    const [type, id] = message as [number, string];
    if (type === 2) {
      void answer(id, message[2] as string, message[3]);
      return;
    }
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    clearTimeout(p.timer);
    if (type === 3) p.resolve(message[2]);
    else p.reject(new ChargerCallError(String(message[2]), String(message[3]), message[4]));
  });

  const client: ChargerClient = {
    identity,
    ws,
    closed,
    call(action, payload) {
      const id = (++nextId).toString(36);
      return new Promise((resolve, reject) => {
        if (ws.readyState !== WebSocket.OPEN) {
          reject(new Error('Socket is not open'));
          return;
        }
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`No answer to ${action} within ${callTimeoutMs} ms`));
        }, callTimeoutMs);
        pending.set(id, { resolve, reject, timer });
        ws.send(JSON.stringify([2, id, action, payload]));
      });
    },
    sendRaw(text) {
      ws.send(text);
    },
    nextRaw() {
      return new Promise((resolve) => rawWaiters.push(resolve));
    },
    async close(code = 1000) {
      if (ws.readyState === WebSocket.CLOSED) return;
      ws.close(code);
      await closed;
    },
  };

  return new Promise((resolve, reject) => {
    let settled = false;
    ws.once('open', () => {
      settled = true;
      resolve(client);
    });
    ws.once('unexpected-response', (req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        settled = true;
        reject(new HandshakeRefusedError(res.statusCode ?? 0, body, res.headers));
        ws.terminate();
      });
    });
    ws.on('error', (error) => {
      if (!settled) {
        settled = true;
        reject(error);
      }
    });
  });
}

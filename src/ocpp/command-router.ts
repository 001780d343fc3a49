import { randomUUID } from 'node:crypto';
import { connectRedis } from '../events/redis-client.js';
import type { Logger } from '../logger.js';
import { OcppCallError, OcppError, OcppTimeoutError, StationOfflineError, type OcppErrorCode } from './ocpp-error.js';

/** What the router needs from this node's OCPP server. */
export interface LocalStations {
  isConnected(identity: string): boolean;
  call(identity: string, action: string, payload: unknown, timeoutMs?: number): Promise<unknown>;
}

/**
 * Sends a CALL to a station wherever its socket is: directly when this node holds it,
 * otherwise through Redis to the node that does, which makes the call and sends back the
 * answer or the error. Failures are the transport's own classes on every node.
 */
export interface CommandRouter {
  readonly transport: 'redis' | 'in-process';
  /** Whether Redis is reachable now ('off' without Redis), for /health. */
  redisState(): 'up' | 'down' | 'off';
  call(identity: string, action: string, payload: unknown, timeoutMs?: number): Promise<unknown>;
  close(): Promise<void>;
}

export interface CommandRouterOptions {
  local: LocalStations;
  nodeId: string;
  /** The node holding a station's socket, per the database; null when it is offline. */
  locate(identity: string): Promise<string | null>;
  defaultTimeoutMs: number;
  redisUrl?: string;
  channelPrefix: string;
  logger: Logger;
}

// Beyond the charger's own timeout, how long a requester waits for the holder to report back
// (two Redis hops): past it, the holder is presumed gone and the call timed out.
export const RELAY_GRACE_MS = 2000;

interface RelayRequest {
  id: string;
  replyTo: string;
  identity: string;
  action: string;
  payload: unknown;
  timeoutMs: number;
}

type RelayReply = { id: string; ok: true; result: unknown } | { id: string; ok: false; error: SerializedError };

export type SerializedError =
  | { kind: 'offline'; identity: string; message: string }
  | { kind: 'timeout'; action: string; timeoutMs: number }
  | { kind: 'call-error'; action: string; code: string; description: string; details: unknown }
  | { kind: 'ocpp'; code: OcppErrorCode; description: string; details: object | undefined }
  | { kind: 'internal'; message: string };

/** An error from a call, as JSON for another node. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof StationOfflineError) return { kind: 'offline', identity: error.identity, message: error.message };
  if (error instanceof OcppTimeoutError) return { kind: 'timeout', action: error.action, timeoutMs: error.timeoutMs };
  if (error instanceof OcppCallError) {
    return { kind: 'call-error', action: error.action, code: error.code, description: error.description, details: error.details };
  }
  if (error instanceof OcppError) return { kind: 'ocpp', code: error.code, description: error.description, details: error.details };
  return { kind: 'internal', message: 'the node holding the station failed to make the call' };
}

/** The same error class on this node. */
export function deserializeError(e: SerializedError): Error {
  switch (e.kind) {
    case 'offline': {
      const prefix = `Station ${e.identity} `;
      return new StationOfflineError(e.identity, e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message);
    }
    case 'timeout':
      return new OcppTimeoutError(e.action, e.timeoutMs);
    case 'call-error':
      return new OcppCallError(e.action, e.code, e.description, e.details);
    case 'ocpp':
      return new OcppError(e.code, e.description, e.details);
    case 'internal':
      return new Error(e.message);
  }
}

export async function createCommandRouter(options: CommandRouterOptions): Promise<CommandRouter> {
  const { local, nodeId, locate, defaultTimeoutMs, logger: log } = options;

  // One node: the station is here or it is offline.
  const callLocal = (identity: string, action: string, payload: unknown, timeoutMs: number) =>
    local.call(identity, action, payload, timeoutMs);

  if (!options.redisUrl) {
    return {
      transport: 'in-process',
      redisState: () => 'off',
      call: (identity, action, payload, timeoutMs = defaultTimeoutMs) => callLocal(identity, action, payload, timeoutMs),
      close: async () => {},
    };
  }

  const requests = (node: string) => `${options.channelPrefix}:commands:${node}:requests`;
  const replies = (node: string) => `${options.channelPrefix}:commands:${node}:replies`;
  const publisherLink = await connectRedis(options.redisUrl, 'commands publisher', log);
  const subscriberLink = await connectRedis(options.redisUrl, 'commands subscriber', log).catch(async (err) => {
    await publisherLink.client.quit().catch(() => {});
    throw err;
  });
  const publisher = publisherLink.client;
  const subscriber = subscriberLink.client;

  const pending = new Map<string, { identity: string; resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  const serving = new Set<Promise<void>>();
  let closed = false;

  async function serve(request: RelayRequest): Promise<void> {
    let reply: RelayReply;
    try {
      const result = await callLocal(request.identity, request.action, request.payload, request.timeoutMs);
      reply = { id: request.id, ok: true, result };
    } catch (error) {
      if (!(error instanceof StationOfflineError || error instanceof OcppTimeoutError || error instanceof OcppCallError || error instanceof OcppError)) {
        log.error('relayed OCPP call failed', { identity: request.identity, action: request.action, error });
      }
      reply = { id: request.id, ok: false, error: serializeError(error) };
    }
    if (closed) return;
    await publisher.publish(replies(request.replyTo), JSON.stringify(reply));
  }

  function settle(reply: RelayReply): void {
    const waiting = pending.get(reply.id);
    if (!waiting) return; // gave up on it already
    pending.delete(reply.id);
    clearTimeout(waiting.timer);
    if (reply.ok) waiting.resolve(reply.result);
    else waiting.reject(deserializeError(reply.error));
  }

  subscriber.on('message', (channel: string, text: string) => {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      log.warn('unreadable command relay message', { channel });
      return;
    }
    if (channel === replies(nodeId)) {
      settle(message as RelayReply);
    } else if (channel === requests(nodeId)) {
      const done: Promise<void> = serve(message as RelayRequest)
        .catch((error) => log.error('could not send a command relay reply', { error }))
        .finally(() => serving.delete(done));
      serving.add(done);
    }
  });
  await subscriber.subscribe(requests(nodeId), replies(nodeId));

  async function callRemote(node: string, identity: string, action: string, payload: unknown, timeoutMs: number): Promise<unknown> {
    const id = randomUUID();
    const answer = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new OcppTimeoutError(action, timeoutMs));
      }, timeoutMs + RELAY_GRACE_MS);
      pending.set(id, { identity, resolve, reject, timer });
    });
    const request: RelayRequest = { id, replyTo: nodeId, identity, action, payload, timeoutMs };
    // Not awaited: with Redis unreachable the publish waits for a reconnect, and the caller's
    // timeout must still apply.
    publisher.publish(requests(node), JSON.stringify(request)).then(
      (listeners) => {
        // The node the database names is not running: its sockets, this one included, are gone.
        if (listeners === 0) {
          settle({ id, ok: false, error: serializeError(new StationOfflineError(identity, `is not connected (node ${node} is unreachable)`)) });
        }
      },
      (error) => {
        log.error('could not relay a command', { identity, action, node, error });
        settle({ id, ok: false, error: serializeError(error) });
      },
    );
    return answer;
  }

  return {
    transport: 'redis',
    redisState: () => (publisherLink.isUp() && subscriberLink.isUp() ? 'up' : 'down'),
    async call(identity, action, payload, timeoutMs = defaultTimeoutMs) {
      if (closed) throw new StationOfflineError(identity, 'is unreachable: this node is shutting down');
      if (local.isConnected(identity)) return callLocal(identity, action, payload, timeoutMs);
      const node = await locate(identity);
      if (node === null || node === nodeId) return callLocal(identity, action, payload, timeoutMs);
      return callRemote(node, identity, action, payload, timeoutMs);
    },
    async close() {
      if (closed) return;
      // Let calls this node makes for others answer first (its sockets are closed by now, so
      // they end quickly), so their requesters are not left waiting; a stuck Redis does not hold us.
      await Promise.race([Promise.allSettled([...serving]), new Promise((r) => setTimeout(r, RELAY_GRACE_MS).unref())]);
      closed = true;
      for (const [id, waiting] of pending) {
        clearTimeout(waiting.timer);
        waiting.reject(new StationOfflineError(waiting.identity, 'is unreachable: this node is shutting down'));
        pending.delete(id);
      }
      await Promise.allSettled([subscriber.quit(), publisher.quit()]);
    },
  };
}

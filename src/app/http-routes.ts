import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** Answers the request and returns true when it is this route's; false to let the next one try. */
export type HttpRoute = (req: IncomingMessage, res: ServerResponse) => boolean;

/** Takes the WebSocket upgrade and returns true when it is this route's. */
export type UpgradeRoute = (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;

// The one list of what the port serves, in order; a new endpoint is one more route.
export function routeRequests(routes: readonly HttpRoute[], fallback: RequestListener): RequestListener {
  return (req, res) => {
    for (const route of routes) if (route(req, res)) return;
    fallback(req, res);
  };
}

export function routeUpgrades(routes: readonly UpgradeRoute[]) {
  return (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    for (const route of routes) if (route(req, socket, head)) return;
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  };
}

export const pathOf = (req: IncomingMessage) => (req.url ?? '').split('?')[0];

/**
 * GET /health: how many chargers this node holds, which transports it uses, and whether
 * PostgreSQL and Redis answer. 200 with status 'ok' when they do; 503 with 'degraded' while
 * one is away (the process stays up and recovers by itself; a load balancer may route around it).
 */
export function healthRoute(status: () => Promise<{ up: boolean; fields: Record<string, unknown> }>): HttpRoute {
  return (req, res) => {
    if (req.url !== '/health') return false;
    status().then(
      ({ up, fields }) => {
        res.writeHead(up ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: up ? 'ok' : 'degraded', ...fields }));
      },
      () => {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'degraded' }));
      },
    );
    return true;
  };
}

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

/** GET /health: up, how many chargers this node holds, and which transports it uses. */
export function healthRoute(status: () => Record<string, unknown>): HttpRoute {
  return (req, res) => {
    if (req.url !== '/health') return false;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', ...status() }));
    return true;
  };
}

import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** Where a request came from, as far as this node can tell. */
export interface RequestOrigin {
  /** The client's address: the socket's, or the one a trusted proxy reports. */
  remoteAddress: string | undefined;
  /** Whether the client reached us over TLS: our own, or a trusted proxy's. */
  secure: boolean;
}

/**
 * With `trustProxy`, exactly one proxy is assumed in front: it terminates TLS and sets
 * X-Forwarded-Proto, and appends the client's address to X-Forwarded-For. We take the last
 * value of each, i.e. what our proxy wrote, not what a client may have put before it.
 */
export function requestOrigin(req: IncomingMessage, trustProxy: boolean): RequestOrigin {
  const socketSecure = (req.socket as Partial<TLSSocket>).encrypted === true;
  const socketAddress = req.socket.remoteAddress;
  if (!trustProxy) return { remoteAddress: socketAddress, secure: socketSecure };
  const proto = lastToken(req.headers['x-forwarded-proto'])?.toLowerCase();
  const forwardedFor = lastToken(req.headers['x-forwarded-for']);
  return {
    remoteAddress: forwardedFor ?? socketAddress,
    secure: socketSecure || proto === 'https' || proto === 'wss',
  };
}

function lastToken(header: string | string[] | undefined): string | undefined {
  const joined = Array.isArray(header) ? header.join(',') : header;
  if (!joined) return undefined;
  const tokens = joined.split(',').map((t) => t.trim()).filter(Boolean);
  return tokens.at(-1);
}

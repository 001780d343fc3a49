import type { RequestListener } from 'node:http';
import type { HttpRoute } from '../app/http-routes.js';

/**
 * Takes the requests to `path` and bounds their body at `maxBytes` before `next` (the GraphQL
 * server) sees them:
 * - a declared body (Content-Length) larger than the bound is refused with 413 from the
 *   headers alone, nothing read;
 * - a body without a declared length (Transfer-Encoding: chunked) or one longer than declared
 *   is counted as it streams in and refused with the same 413 once the count passes the bound;
 *   nothing past it is kept, and the connection is closed so the rest is not waited for.
 * A body within the bound is handed on whole as `req.body` (the Node adapter of graphql-yoga
 * takes that instead of reading the stream): the GraphQL server parses a body whole anyway,
 * so this holds no more than it would.
 */
export function bodyLimitRoute(path: string, maxBytes: number, next: RequestListener): HttpRoute {
  return (req, res) => {
    if ((req.url ?? '').split('?')[0] !== path) return false;
    if (req.method === 'GET' || req.method === 'HEAD') {
      next(req, res);
      return true;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      refuse(res, maxBytes);
      return true;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      stopReading();
      chunks.length = 0;
      req.pause();
      refuse(res, maxBytes);
    };
    const onEnd = () => {
      stopReading();
      if (size > 0) (req as { body?: unknown }).body = Buffer.concat(chunks, size);
      next(req, res);
    };
    // A client gone mid-body: nothing to answer.
    const onError = () => stopReading();
    const stopReading = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    return true;
  };
}

type Res = Parameters<HttpRoute>[1];

function refuse(res: Res, maxBytes: number): void {
  const body = JSON.stringify({
    errors: [{ message: `Request body larger than ${maxBytes} bytes`, extensions: { code: 'REQUEST_TOO_LARGE', maxBytes } }],
  });
  res.writeHead(413, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' });
  res.end(body);
}

import type { HttpRoute } from '../app/http-routes.js';

/**
 * Refuses a GraphQL request whose declared body is larger than `maxBytes` with 413, from the
 * headers alone: nothing is read or parsed, and the connection is closed so the rest of the
 * upload is not waited for. A chunked body (no Content-Length) is not checked here.
 */
export function bodyLimitRoute(path: string, maxBytes: number): HttpRoute {
  return (req, res) => {
    if ((req.url ?? '').split('?')[0] !== path) return false;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      refuse(res, maxBytes);
      return true;
    }
    return false;
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

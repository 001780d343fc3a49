import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InvoiceService } from '../domain/invoices/invoice.service.js';
import type { Logger } from '../logger.js';
import type { FileAccessPolicy } from './file-access.js';
import type { RouteHandler } from './file-routes.js';

// GET|HEAD /invoices/<id>.pdf   the invoice or credit note as a PDF
// Authorization: Bearer <access token | API key>, as for the GraphQL API. Whoever may see the
// invoice there (its driver, its operator, admins) gets it; anyone else a 404, as for one that
// does not exist.
const INVOICE_PDF = /^\/invoices\/([^/]+)\.pdf$/;

export function createInvoiceRoutes(options: { invoices: InvoiceService; access: FileAccessPolicy; log: Logger }): RouteHandler {
  const { invoices, access, log } = options;
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!path.startsWith('/invoices/')) return false;
    const m = INVOICE_PDF.exec(path);
    const method = req.method ?? 'GET';
    if (!m || (method !== 'GET' && method !== 'HEAD')) {
      problem(res, 404, 'NOT_FOUND', `no ${method} ${path}`);
      return true;
    }
    void send(req, res, invoices, access, decodeURIComponent(m[1]!)).catch((error) => {
      log.error('invoice endpoint failed', { url: req.url, error });
      if (res.headersSent) res.destroy();
      else problem(res, 500, 'INTERNAL_SERVER_ERROR', 'unexpected error');
    });
    return true;
  };
}

async function send(req: IncomingMessage, res: ServerResponse, invoices: InvoiceService, access: FileAccessPolicy, id: string): Promise<void> {
  const decision = await access(req, 'DOWNLOAD_INVOICE');
  if (decision.verdict !== 'ALLOW') {
    if (decision.verdict === 'UNAUTHENTICATED') {
      res.setHeader('www-authenticate', 'Bearer');
      problem(res, 401, 'UNAUTHENTICATED', 'send Authorization: Bearer <access token or API key>');
    } else {
      problem(res, 403, 'FORBIDDEN', 'you may not use this endpoint');
    }
    return;
  }
  const pdf = await invoices.pdf(decision.caller, id);
  if (!pdf) {
    problem(res, 404, 'NOT_FOUND', `no invoice ${id}`);
    return;
  }
  const ascii = pdf.fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  res.writeHead(200, {
    'content-type': 'application/pdf',
    'content-length': pdf.content.length,
    'content-disposition': `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(pdf.fileName)}`,
    'x-content-type-options': 'nosniff',
    'cache-control': 'private, no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : pdf.content);
}

function problem(res: ServerResponse, status: number, code: string, message: string): void {
  const text = JSON.stringify({ error: code, message });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

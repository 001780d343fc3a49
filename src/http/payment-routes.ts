import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GuestCheckoutService } from '../domain/payments/guest-checkout.service.js';
import { WebhookSignatureError } from '../domain/payments/payment-provider.js';
import type { PaymentWebhookService } from '../domain/payments/payment-webhook.service.js';
import { PaymentsError } from '../domain/payments/payments.errors.js';
import type { Logger } from '../logger.js';

export interface PaymentRoutesOptions {
  webhooks: PaymentWebhookService;
  guestCheckout: GuestCheckoutService;
  log: Logger;
}

// Webhooks are signed over the exact bytes sent: read the raw body, never a parsed one.
const WEBHOOK_MAX_BYTES = 1024 * 1024;
const RECEIPT = /^\/receipts\/([^/]+)\/([^/]+)$/;

//   POST /webhooks/stripe              the provider's events (Stripe-Signature header)
//   GET  /receipts/<holdId>/<secret>   a guest's receipt: JSON, the link is the credential
export function createPaymentRoutes({ webhooks, guestCheckout, log }: PaymentRoutesOptions) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? '').split('?')[0]!;
    if (path === '/webhooks/stripe' && req.method === 'POST') {
      void receiveWebhook(req, res, webhooks).catch((err) => {
        log.error('webhook handling failed; the provider retries it', { err });
        reply(res, 500, { error: 'webhook handling failed' });
      });
      return true;
    }
    const m = RECEIPT.exec(path);
    if (m && (req.method === 'GET' || req.method === 'HEAD')) {
      void guestCheckout
        .receipt(decodeURIComponent(m[1]!), decodeURIComponent(m[2]!))
        .then((receipt) => reply(res, 200, receipt))
        .catch((err) => {
          if (err instanceof PaymentsError && err.code === 'GUEST_CHECKOUT_NOT_FOUND') return reply(res, 404, { error: 'no such receipt' });
          log.error('receipt failed', { err });
          reply(res, 500, { error: 'receipt failed' });
        });
      return true;
    }
    return false;
  };
}

async function receiveWebhook(req: IncomingMessage, res: ServerResponse, webhooks: PaymentWebhookService): Promise<void> {
  const signature = req.headers['stripe-signature'];
  const body = await readBody(req);
  if (body === null) return reply(res, 413, { error: 'body too large' });
  if (typeof signature !== 'string') return reply(res, 400, { error: 'missing Stripe-Signature' });
  try {
    const outcome = await webhooks.receive(body, signature);
    reply(res, 200, { received: true, outcome });
  } catch (err) {
    if (err instanceof WebhookSignatureError) return reply(res, 400, { error: 'bad signature' });
    if (err instanceof PaymentsError && err.code === 'PAYMENTS_DISABLED') return reply(res, 404, { error: 'card payment is off' });
    throw err;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= WEBHOOK_MAX_BYTES) chunks.push(c);
    });
    req.on('end', () => resolve(size > WEBHOOK_MAX_BYTES ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

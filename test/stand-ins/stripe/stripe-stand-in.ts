import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

// A local stand-in of the few Stripe endpoints the adapter uses, speaking as Stripe does:
// form-encoded bodies in, JSON out, Idempotency-Key honoured (the same key replays the first
// answer), card errors as 402 with a decline code. Controls let a test attach a card, make the
// next hold or capture decline, confirm a guest's intent as the checkout page would, and send
// webhooks signed with the SDK's own test helper.

export interface StandInIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_capturable: number;
  amount_received: number;
  currency: string;
  capture_method: string;
  confirmation_method: string;
  customer: string | null;
  payment_method: string | null;
  status: string;
  client_secret: string;
  metadata: Record<string, string>;
  description: string | null;
  last_payment_error: { message: string; code: string; decline_code?: string } | null;
  created: number;
  livemode: false;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: Record<string, unknown>;
  idempotencyKey: string | null;
}

type DeclineKind = 'hold' | 'capture';

export interface StripeStandIn {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** What the app's STRIPE_* settings point at. */
  env: Record<string, string>;
  webhookSecret: string;
  requests: RecordedRequest[];
  intents: Map<string, StandInIntent>;
  /** The customer created for this app user (metadata.userId), if any. */
  customerOf(userId: string): string | null;
  /** A saved card of this customer, as a completed SetupIntent leaves it. */
  attachCard(customerId: string, card?: { brand?: string; last4?: string; wallet?: string | null }): string;
  /** The next hold (a confirmed create) or capture is declined with this code. */
  declineNext(kind: DeclineKind, declineCode?: string): void;
  /** The checkout page confirmed a guest's intent: it is authorised (requires_capture). */
  authorise(intentId: string): StandInIntent;
  /** POSTs a Stripe event about `object` to the app, signed (or wrongly signed) as Stripe would. */
  sendWebhook(appUrl: string, type: string, object: unknown, options?: { eventId?: string; secret?: string }): Promise<Response>;
  stop(): Promise<void>;
}

export async function startStripeStandIn(): Promise<StripeStandIn> {
  const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  const customers = new Map<string, { id: string; email: string | null; metadata: Record<string, string> }>();
  const methods = new Map<string, { id: string; customer: string | null; card: Record<string, unknown> }>();
  const intents = new Map<string, StandInIntent>();
  const setupIntents = new Map<string, Record<string, unknown>>();
  const replays = new Map<string, { status: number; body: unknown }>();
  const declines = new Map<DeclineKind, string>();
  const requests: RecordedRequest[] = [];
  const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

  const route = (method: string, path: string, body: Record<string, any>, query: URLSearchParams): [number, unknown] => {
    let m: RegExpMatchArray | null;
    if (method === 'POST' && path === '/v1/customers') {
      const c = { id: id('cus'), object: 'customer', email: body.email ?? null, metadata: body.metadata ?? {} };
      customers.set(c.id, c);
      return [200, c];
    }
    if (method === 'POST' && path === '/v1/setup_intents') {
      if (!customers.has(body.customer)) return notFound('customer', body.customer);
      const s = { id: id('seti'), object: 'setup_intent', customer: body.customer, status: 'requires_payment_method', usage: body.usage ?? 'off_session', payment_method: null };
      setupIntents.set(s.id, s);
      return [200, { ...s, client_secret: `${s.id}_secret_${randomBytes(8).toString('hex')}` }];
    }
    if (method === 'GET' && path === '/v1/payment_methods') {
      const customer = query.get('customer');
      const data = [...methods.values()].filter((pm) => pm.customer === customer).map(toMethod);
      return [200, { object: 'list', data, has_more: false, url: '/v1/payment_methods' }];
    }
    if (method === 'POST' && (m = path.match(/^\/v1\/payment_methods\/([^/]+)\/detach$/))) {
      const pm = methods.get(m[1]!);
      if (!pm) return notFound('payment_method', m[1]!);
      pm.customer = null;
      return [200, toMethod(pm)];
    }
    if (method === 'POST' && path === '/v1/payment_intents') {
      const amount = Number(body.amount);
      if (!Number.isInteger(amount) || amount < 1) return invalid('amount must be a positive integer', 'amount');
      const intent: StandInIntent = {
        id: id('pi'),
        object: 'payment_intent',
        amount,
        amount_capturable: 0,
        amount_received: 0,
        currency: String(body.currency),
        capture_method: body.capture_method ?? 'automatic',
        confirmation_method: 'automatic',
        customer: body.customer ?? null,
        payment_method: body.payment_method ?? null,
        status: 'requires_payment_method',
        client_secret: '',
        metadata: body.metadata ?? {},
        description: body.description ?? null,
        last_payment_error: null,
        created: Math.floor(Date.now() / 1000),
        livemode: false,
      };
      intent.client_secret = `${intent.id}_secret_${randomBytes(8).toString('hex')}`;
      intents.set(intent.id, intent);
      if (intent.payment_method) intent.status = 'requires_confirmation';
      if (body.confirm === 'true') {
        const pm = intent.payment_method ? methods.get(intent.payment_method) : undefined;
        if (!pm || pm.customer !== intent.customer) return invalid('No such PaymentMethod for this customer', 'payment_method');
        const declineCode = declines.get('hold');
        if (declineCode) {
          declines.delete('hold');
          intent.status = 'requires_payment_method';
          intent.last_payment_error = { message: 'Your card was declined.', code: 'card_declined', decline_code: declineCode };
          return cardError(intent, declineCode);
        }
        if (intent.capture_method === 'manual') {
          intent.status = 'requires_capture';
          intent.amount_capturable = amount;
        } else {
          intent.status = 'succeeded';
          intent.amount_received = amount;
        }
      }
      return [200, intent];
    }
    if ((m = path.match(/^\/v1\/payment_intents\/([^/]+)(\/capture|\/cancel)?$/))) {
      const intent = intents.get(m[1]!);
      if (!intent) return notFound('payment_intent', m[1]!);
      if (method === 'GET' && !m[2]) return [200, intent];
      if (method === 'POST' && m[2] === '/capture') {
        if (intent.status !== 'requires_capture') return unexpectedState(intent, 'capture');
        const amount = body.amount_to_capture === undefined ? intent.amount_capturable : Number(body.amount_to_capture);
        if (!Number.isInteger(amount) || amount < 1 || amount > intent.amount_capturable) {
          return invalid(`amount_to_capture must be between 1 and ${intent.amount_capturable}`, 'amount_to_capture');
        }
        const declineCode = declines.get('capture');
        if (declineCode) {
          declines.delete('capture');
          intent.last_payment_error = { message: 'Your card was declined.', code: 'card_declined', decline_code: declineCode };
          return cardError(intent, declineCode);
        }
        // Capturing less releases the rest.
        Object.assign(intent, { status: 'succeeded', amount_received: amount, amount_capturable: 0 });
        return [200, intent];
      }
      if (method === 'POST' && m[2] === '/cancel') {
        if (intent.status === 'succeeded' || intent.status === 'canceled') return unexpectedState(intent, 'cancel');
        Object.assign(intent, { status: 'canceled', amount_capturable: 0 });
        return [200, intent];
      }
    }
    return [404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path})` } }];
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const body = parseForm(Buffer.concat(chunks).toString('utf8'));
      const key = (req.headers['idempotency-key'] as string | undefined) ?? null;
      requests.push({ method: req.method ?? 'GET', path: url.pathname, body, idempotencyKey: key });
      const send = (status: number, payload: unknown, replayed = false) => {
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req'), ...(replayed ? { 'idempotent-replayed': 'true' } : {}) });
        res.end(JSON.stringify(payload));
      };
      if (!/^Bearer sk_/.test(req.headers.authorization ?? '')) {
        send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
        return;
      }
      const replayKey = key && req.method === 'POST' ? `${url.pathname} ${key}` : null;
      const replay = replayKey ? replays.get(replayKey) : undefined;
      if (replay) return send(replay.status, replay.body, true);
      const [status, payload] = route(req.method ?? 'GET', url.pathname, body, url.searchParams);
      // Stripe keeps the first answer to a key, errors included, and replays it.
      const snapshot = JSON.parse(JSON.stringify(payload));
      if (replayKey) replays.set(replayKey, { status, body: snapshot });
      send(status, snapshot);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const signer = new Stripe('sk_test_stand_in_signer');

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    webhookSecret,
    env: {
      STRIPE_SECRET_KEY: 'sk_test_stand_in',
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      STRIPE_PUBLISHABLE_KEY: 'pk_test_stand_in',
      STRIPE_API_HOST: '127.0.0.1',
      STRIPE_API_PORT: String(port),
      STRIPE_API_PROTOCOL: 'http',
    },
    requests,
    intents,
    customerOf(userId) {
      return [...customers.values()].find((c) => c.metadata.userId === userId)?.id ?? null;
    },
    attachCard(customerId, card = {}) {
      if (!customers.has(customerId)) throw new Error(`no customer ${customerId} at the stand-in`);
      const pm = {
        id: id('pm'),
        customer: customerId,
        card: { brand: card.brand ?? 'visa', last4: card.last4 ?? '4242', exp_month: 12, exp_year: 2030, wallet: card.wallet ? { type: card.wallet } : null },
      };
      methods.set(pm.id, pm);
      return pm.id;
    },
    declineNext(kind, declineCode = 'insufficient_funds') {
      declines.set(kind, declineCode);
    },
    authorise(intentId) {
      const intent = intents.get(intentId);
      if (!intent) throw new Error(`no intent ${intentId} at the stand-in`);
      Object.assign(intent, { status: 'requires_capture', amount_capturable: intent.amount, payment_method: id('pm') });
      return intent;
    },
    async sendWebhook(appUrl, type, object, options = {}) {
      const payload = JSON.stringify({
        id: options.eventId ?? id('evt'),
        object: 'event',
        api_version: Stripe.API_VERSION,
        created: Math.floor(Date.now() / 1000),
        livemode: false,
        type,
        data: { object },
      });
      const header = signer.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? webhookSecret });
      return fetch(`${appUrl}/webhooks/stripe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': header },
        body: payload,
      });
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function toMethod(pm: { id: string; customer: string | null; card: Record<string, unknown> }) {
  return { id: pm.id, object: 'payment_method', type: 'card', customer: pm.customer, card: pm.card, livemode: false };
}

// Stripe's form encoding: a=1&metadata[userId]=x&expand[0]=y (one level of brackets is all the adapter sends).
function parseForm(text: string): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    const m = k.match(/^([^[]+)\[([^\]]*)\]$/);
    if (m) (out[m[1]!] ??= {})[m[2]!] = v;
    else out[k] = v;
  }
  return out;
}

const notFound = (kind: string, id: string): [number, unknown] => [
  404,
  { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${kind}: '${id}'` } },
];
const invalid = (message: string, param: string): [number, unknown] => [
  400,
  { error: { type: 'invalid_request_error', code: 'parameter_invalid', message, param } },
];
const unexpectedState = (intent: StandInIntent, action: string): [number, unknown] => [
  400,
  {
    error: {
      type: 'invalid_request_error',
      code: 'payment_intent_unexpected_state',
      message: `This PaymentIntent could not be ${action === 'capture' ? 'captured' : 'canceled'} because it has a status of ${intent.status}.`,
      payment_intent: intent,
    },
  },
];
const cardError = (intent: StandInIntent, declineCode: string): [number, unknown] => [
  402,
  { error: { type: 'card_error', code: 'card_declined', decline_code: declineCode, message: 'Your card was declined.', payment_intent: intent } },
];

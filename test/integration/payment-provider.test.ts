import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentDeclinedError, WebhookSignatureError } from '../../src/domain/payments/payment-provider.js';
import { StripePaymentProvider } from '../../src/payments/stripe/stripe-payment-provider.js';
import { startStripeStandIn, type StripeStandIn } from '../stand-ins/stripe/stripe-stand-in.js';
import Stripe from 'stripe';

// The Stripe adapter against the local stand-in: the SDK's own requests, form-encoded, with
// idempotency keys; webhooks signed by the SDK's test helper.

let standIn: StripeStandIn;
let provider: StripePaymentProvider;

beforeAll(async () => {
  standIn = await startStripeStandIn();
  provider = new StripePaymentProvider({
    secretKey: 'sk_test_adapter',
    webhookSecret: standIn.webhookSecret,
    api: { host: '127.0.0.1', port: standIn.port, protocol: 'http' },
    maxNetworkRetries: 0,
  });
});
afterAll(() => standIn.stop());

describe('StripePaymentProvider against the stand-in', () => {
  it('creates a customer once per user, saves a card through a setup intent and lists it', async () => {
    const customer = await provider.ensureCustomer({ userId: 'u-1', email: 'u1@example.test' });
    expect(await provider.ensureCustomer({ userId: 'u-1', email: 'u1@example.test' })).toBe(customer);
    const setup = await provider.createSetupIntent(customer);
    expect(setup.clientSecret).toMatch(/^seti_.*_secret_/);
    const pm = standIn.attachCard(customer, { brand: 'mastercard', last4: '4444', wallet: 'apple_pay' });
    expect(await provider.listPaymentMethods(customer)).toEqual([
      { id: pm, brand: 'mastercard', last4: '4444', expMonth: 12, expYear: 2030, wallet: 'apple_pay' },
    ]);
    await provider.detachPaymentMethod(pm);
    expect(await provider.listPaymentMethods(customer)).toEqual([]);
  });

  it('holds with manual capture, captures less than held (the rest released) and replays a capture by its key', async () => {
    const customer = await provider.ensureCustomer({ userId: 'u-2', email: 'u2@example.test' });
    const pm = standIn.attachCard(customer);
    const hold = await provider.createHold({
      customerId: customer,
      paymentMethodId: pm,
      amountMinor: 5000,
      currency: 'EUR',
      idempotencyKey: 'hold-u2-1',
      metadata: { holdId: 'h-1' },
      offSession: true,
      confirm: true,
    });
    expect(hold).toMatchObject({ status: 'requires_capture', amountMinor: 5000, amountCapturableMinor: 5000, currency: 'EUR' });
    const create = standIn.requests.find((r) => r.path === '/v1/payment_intents' && r.idempotencyKey === 'hold-u2-1')!;
    expect(create.body).toMatchObject({ capture_method: 'manual', confirm: 'true', off_session: 'true', amount: '5000', currency: 'eur' });

    const captured = await provider.capture(hold.id, 1234, 'capture-cdr-1');
    expect(captured).toMatchObject({ status: 'succeeded', amountReceivedMinor: 1234, amountCapturableMinor: 0 });
    // The same key again: Stripe's first answer, not a second capture (which would fail: nothing left to capture).
    expect(await provider.capture(hold.id, 1234, 'capture-cdr-1')).toMatchObject({ status: 'succeeded', amountReceivedMinor: 1234 });
    await expect(provider.capture(hold.id, 1234, 'capture-cdr-other')).rejects.toBeInstanceOf(PaymentDeclinedError);
  });

  it('turns a declined card into PaymentDeclinedError with the decline code, and releases a hold by cancelling', async () => {
    const customer = await provider.ensureCustomer({ userId: 'u-3', email: 'u3@example.test' });
    const pm = standIn.attachCard(customer);
    const input = { customerId: customer, paymentMethodId: pm, amountMinor: 5000, currency: 'EUR', metadata: {}, offSession: true, confirm: true };
    standIn.declineNext('hold', 'insufficient_funds');
    const declined = await provider.createHold({ ...input, idempotencyKey: 'hold-u3-1' }).catch((e) => e);
    expect(declined).toBeInstanceOf(PaymentDeclinedError);
    expect(declined).toMatchObject({ reason: 'Your card was declined.', declineCode: 'insufficient_funds' });

    const hold = await provider.createHold({ ...input, idempotencyKey: 'hold-u3-2' });
    expect(await provider.cancel(hold.id)).toMatchObject({ status: 'canceled', amountCapturableMinor: 0 });
  });

  it('creates a guest intent without a customer, unconfirmed, with a client secret', async () => {
    const intent = await provider.createHold({ amountMinor: 2500, currency: 'EUR', idempotencyKey: 'guest-1', metadata: { holdId: 'g' }, offSession: false, confirm: false });
    expect(intent).toMatchObject({ status: 'requires_payment_method', amountMinor: 2500, metadata: { holdId: 'g' } });
    expect(intent.clientSecret).toMatch(/^pi_.*_secret_/);
  });

  it('verifies webhook signatures made by the SDK test helper and refuses any other', () => {
    const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'payment_intent.canceled', data: { object: { ...standIn.intents.values().next().value, status: 'canceled' } } });
    const good = Stripe.webhooks.generateTestHeaderString({ payload, secret: standIn.webhookSecret });
    expect(provider.verifyWebhook(payload, good)).toMatchObject({ id: 'evt_1', type: 'payment_intent.canceled', intent: { status: 'canceled' } });
    const bad = Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_someone_else' });
    expect(() => provider.verifyWebhook(payload, bad)).toThrow(WebhookSignatureError);
    expect(() => provider.verifyWebhook(payload.replace('evt_1', 'evt_2'), good)).toThrow(WebhookSignatureError);
  });
});

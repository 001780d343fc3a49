import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentHoldSchema } from '../../src/domain/payments/payment.entity.js';
import { eventually } from '../helpers/eventually.js';
import { anAnsweringCharger } from '../helpers/answering-charger.js';
import { startTransaction } from '../helpers/ocpp16-messages.js';
import { aDriver, aStation, dataOf, startTestApp, type TestApp } from '../helpers/test-app.js';
import { startStripeStandIn, type StripeStandIn } from '../stand-ins/stripe/stripe-stand-in.js';

// Ad hoc charging with no account, through the public API, the provider's webhook and a
// charger; the webhook's signature and idempotency; and a system with card payment off.

let standIn: StripeStandIn;
let app: TestApp;

beforeAll(async () => {
  standIn = await startStripeStandIn();
  app = await startTestApp(standIn.env);
});
afterAll(async () => {
  await app?.stop();
  await standIn?.stop();
});

const GUEST = `mutation($s: String!, $e: String!) {
  startGuestCharging(stationIdentity: $s, connectorId: 1, email: $e) { holdId secret clientSecret publishableKey amount currency status receiptUrl }
}`;
const POLL = `query($h: ID!, $s: String!) { guestCheckout(holdId: $h, secret: $s) { status failureReason } }`;

describe('guest checkout', () => {
  it('holds, starts the station once the webhook says the hold is authorised, and attaches the hold to the session', async () => {
    const station = await aStation(app);
    const charger = await anAnsweringCharger(app.ocppUrl, station.identity, { RemoteStartTransaction: { status: 'Accepted' } });
    const checkout = dataOf(await app.gqlAs(null, GUEST, { s: station.identity, e: 'Guest@Example.test' })).startGuestCharging;
    expect(checkout).toMatchObject({
      clientSecret: expect.stringMatching(/^pi_.*_secret_/),
      publishableKey: 'pk_test_stand_in',
      amount: '50.00',
      currency: 'EUR',
      status: 'PENDING_CONFIRMATION',
      receiptUrl: `${app.url}/receipts/${checkout.holdId}/${checkout.secret}`,
    });
    const hold = await app.database.orm.em.fork().findOneOrFail(PaymentHoldSchema, { id: checkout.holdId });
    expect(standIn.intents.get(hold.providerIntentId!)).toMatchObject({ customer: null, capture_method: 'manual', amount: 5000, status: 'requires_payment_method' });
    expect(charger.received).toEqual([]);

    // The checkout page confirms the card; the provider tells us by webhook.
    const intent = standIn.authorise(hold.providerIntentId!);
    const eventId = 'evt_guest_authorised_1';
    const delivered = await standIn.sendWebhook(app.url, 'payment_intent.amount_capturable_updated', intent, { eventId });
    expect(delivered.status).toBe(200);
    await eventually('the station started', () => charger.received.length > 0);
    expect(charger.received).toEqual([{ action: 'RemoteStartTransaction', payload: { connectorId: 1, idTag: expect.stringMatching(/^G[A-Z0-9]{19}$/) } }]);
    const idTag = charger.received[0]!.payload.idTag as string;

    // The one-off tag is accepted at this station, and the hold now belongs to the session.
    expect((await charger.charger.call('Authorize', { idTag })).idTagInfo.status).toBe('Accepted');
    expect((await charger.charger.call('StartTransaction', startTransaction(idTag))).idTagInfo.status).toBe('Accepted');
    expect(dataOf(await app.gqlAs(null, POLL, { h: checkout.holdId, s: checkout.secret })).guestCheckout.status).toBe('ATTACHED');

    // A replay of the same event changes nothing: no second start.
    const replayed = await standIn.sendWebhook(app.url, 'payment_intent.amount_capturable_updated', intent, { eventId });
    expect(replayed.status).toBe(200);
    expect(await replayed.json()).toMatchObject({ outcome: 'DUPLICATE' });
    await new Promise((r) => setTimeout(r, 1500));
    expect(charger.received).toHaveLength(1);

    // The receipt link answers with its secret only.
    const receipt = await fetch(checkout.receiptUrl);
    expect(receipt.status).toBe(200);
    expect(await receipt.json()).toMatchObject({ holdId: checkout.holdId, status: 'ATTACHED', email: 'guest@example.test', amountHeld: '50.00', currency: 'EUR' });
    expect((await fetch(`${app.url}/receipts/${checkout.holdId}/not-the-secret`)).status).toBe(404);
    await charger.charger.close();
  });

  it('answers NOT_FOUND for the wrong secret, and BAD_USER_INPUT for a bad email', async () => {
    const station = await aStation(app);
    const checkout = dataOf(await app.gqlAs(null, GUEST, { s: station.identity, e: 'g2@example.test' })).startGuestCharging;
    expect((await app.gqlAs(null, POLL, { h: checkout.holdId, s: 'wrong' })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const bad = await app.gqlAs(null, GUEST, { s: station.identity, e: 'not an email' });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
  });

  it('marks the checkout FAILED when the provider reports the payment failed', async () => {
    const station = await aStation(app);
    const checkout = dataOf(await app.gqlAs(null, GUEST, { s: station.identity, e: 'g3@example.test' })).startGuestCharging;
    const hold = await app.database.orm.em.fork().findOneOrFail(PaymentHoldSchema, { id: checkout.holdId });
    const intent = { ...standIn.intents.get(hold.providerIntentId!)!, last_payment_error: { message: 'Your card was declined.', code: 'card_declined' } };
    expect((await standIn.sendWebhook(app.url, 'payment_intent.payment_failed', intent)).status).toBe(200);
    expect(dataOf(await app.gqlAs(null, POLL, { h: checkout.holdId, s: checkout.secret })).guestCheckout).toEqual({
      status: 'FAILED',
      failureReason: 'Your card was declined.',
    });
  });
});

describe('the Stripe webhook', () => {
  it('refuses a bad signature with 400 and changes nothing', async () => {
    const station = await aStation(app);
    const checkout = dataOf(await app.gqlAs(null, GUEST, { s: station.identity, e: 'g4@example.test' })).startGuestCharging;
    const hold = await app.database.orm.em.fork().findOneOrFail(PaymentHoldSchema, { id: checkout.holdId });
    const intent = standIn.authorise(hold.providerIntentId!);
    const forged = await standIn.sendWebhook(app.url, 'payment_intent.amount_capturable_updated', intent, { secret: 'whsec_not_ours' });
    expect(forged.status).toBe(400);
    const unsigned = await fetch(`${app.url}/webhooks/stripe`, { method: 'POST', body: '{}' });
    expect(unsigned.status).toBe(400);
    expect(dataOf(await app.gqlAs(null, POLL, { h: checkout.holdId, s: checkout.secret })).guestCheckout.status).toBe('PENDING_CONFIRMATION');
  });

  it('makes the card saved through a SetupIntent the default when the driver had none', async () => {
    const driver = await aDriver(app);
    dataOf(await app.gqlAs(driver.accessToken, `mutation { addPaymentMethod { clientSecret } }`));
    const customer = standIn.customerOf(driver.id)!;
    const first = standIn.attachCard(customer, { last4: '1111' });
    const second = standIn.attachCard(customer, { last4: '2222' });
    const res = await standIn.sendWebhook(app.url, 'setup_intent.succeeded', { id: 'seti_x', object: 'setup_intent', customer, payment_method: second, status: 'succeeded' });
    expect(res.status).toBe(200);
    const methods = dataOf(await app.gqlAs(driver.accessToken, `{ paymentMethods { id isDefault } }`)).paymentMethods;
    expect(methods).toEqual([{ id: first, isDefault: false }, { id: second, isDefault: true }]);
  });
});

describe('card payment off (no STRIPE_SECRET_KEY)', () => {
  it('says PAYMENTS_DISABLED for card operations, still lets drivers start, and has no webhook', async () => {
    const off = await startTestApp();
    try {
      const driver = await aDriver(off);
      expect((await off.gqlAs(driver.accessToken, `mutation { addPaymentMethod { clientSecret } }`)).errors?.[0]?.extensions?.code).toBe('PAYMENTS_DISABLED');
      expect((await off.gqlAs(driver.accessToken, `{ paymentMethods { id } }`)).errors?.[0]?.extensions?.code).toBe('PAYMENTS_DISABLED');
      const station = await aStation(off);
      expect((await off.gqlAs(null, GUEST, { s: station.identity, e: 'g@example.test' })).errors?.[0]?.extensions?.code).toBe('PAYMENTS_DISABLED');
      dataOf(await off.gqlAs(driver.accessToken, `mutation { createAppToken { value } }`));
      const charger = await anAnsweringCharger(off.ocppUrl, station.identity, { RemoteStartTransaction: { status: 'Accepted' } });
      const started = await off.gqlAs(driver.accessToken, `mutation($s: String!) { startCharging(stationIdentity: $s, connectorId: 1) { command { status } } }`, { s: station.identity });
      expect(dataOf(started).startCharging.command.status).toBe('ACCEPTED');
      expect(charger.received.map((r) => r.action)).toEqual(['RemoteStartTransaction']);
      expect((await fetch(`${off.url}/webhooks/stripe`, { method: 'POST', headers: { 'stripe-signature': 't=1,v1=x' }, body: '{}' })).status).toBe(404);
      await charger.charger.close();
    } finally {
      await off.stop();
    }
  });

  it('refuses a start for payment when the operator requires it', async () => {
    const strict = await startTestApp({ PAYMENT_REQUIRED: 'true' });
    try {
      const driver = await aDriver(strict);
      dataOf(await strict.gqlAs(driver.accessToken, `mutation { createAppToken { value } }`));
      const station = await aStation(strict);
      const charger = await anAnsweringCharger(strict.ocppUrl, station.identity, { RemoteStartTransaction: { status: 'Accepted' } });
      const res = await strict.gqlAs(driver.accessToken, `mutation($s: String!) { startCharging(stationIdentity: $s) { command { status } } }`, { s: station.identity });
      expect(res.errors?.[0]?.extensions?.code).toBe('PAYMENT_REFUSED');
      expect(charger.received).toEqual([]);
      await charger.charger.close();
    } finally {
      await strict.stop();
    }
  });
});

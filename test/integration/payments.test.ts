import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentHoldSchema } from '../../src/domain/payments/payment.entity.js';
import { anAnsweringCharger, type AnsweringCharger } from '../helpers/answering-charger.js';
import { startTransaction } from '../helpers/ocpp16-messages.js';
import { aDriver, anIdToken, anOperator, aStation, dataOf, startTestApp, type TestApp, type TestUser } from '../helpers/test-app.js';
import { startStripeStandIn, type StripeStandIn } from '../stand-ins/stripe/stripe-stand-in.js';
import { settlementFor } from '../helpers/payment-settlement.js';

// Pay-as-you-go by card, from a driver's app and a charger, against the Stripe stand-in: a
// hold before the start (refused when declined: the charger is never told), captured for the
// CDR's total after the stop, once, and released when never used.

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

const holdsOf = (userId: string) => app.database.orm.em.fork().find(PaymentHoldSchema, { user: userId }, { orderBy: { createdAt: 'asc' } });
const intentsOf = (customerId: string) => [...standIn.intents.values()].filter((i) => i.customer === customerId);

async function aDriverWithCard(): Promise<TestUser & { customerId: string; tag: string }> {
  const driver = await aDriver(app);
  const setup = dataOf(await app.gqlAs(driver.accessToken, `mutation { addPaymentMethod { clientSecret publishableKey } }`));
  expect(setup.addPaymentMethod).toEqual({ clientSecret: expect.stringMatching(/^seti_/), publishableKey: 'pk_test_stand_in' });
  const customerId = standIn.customerOf(driver.id)!;
  standIn.attachCard(customerId, { brand: 'visa', last4: '4242', wallet: 'google_pay' });
  const token = dataOf(await app.gqlAs(driver.accessToken, `mutation { createAppToken { value } }`));
  return { ...driver, customerId, tag: token.createAppToken.value };
}

async function aCharger(): Promise<AnsweringCharger> {
  const station = await aStation(app);
  return anAnsweringCharger(app.ocppUrl, station.identity, { RemoteStartTransaction: { status: 'Accepted' } });
}

const START = `mutation($s: String!) { startCharging(stationIdentity: $s, connectorId: 1) { command { status } } }`;

describe('payment methods', () => {
  it('lists, defaults and removes a driver’s saved cards (wallets as cards)', async () => {
    const driver = await aDriverWithCard();
    const second = standIn.attachCard(driver.customerId, { brand: 'mastercard', last4: '4444' });
    const list = dataOf(await app.gqlAs(driver.accessToken, `{ paymentMethods { id brand last4 expMonth expYear wallet isDefault } }`)).paymentMethods;
    expect(list).toEqual([
      { id: expect.any(String), brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030, wallet: 'google_pay', isDefault: true },
      { id: second, brand: 'mastercard', last4: '4444', expMonth: 12, expYear: 2030, wallet: null, isDefault: false },
    ]);
    const defaulted = dataOf(await app.gqlAs(driver.accessToken, `mutation($id: ID!) { setDefaultPaymentMethod(id: $id) { id isDefault } }`, { id: second }));
    expect(defaulted.setDefaultPaymentMethod).toEqual([{ id: list[0].id, isDefault: false }, { id: second, isDefault: true }]);
    const removed = dataOf(await app.gqlAs(driver.accessToken, `mutation($id: ID!) { removePaymentMethod(id: $id) { id } }`, { id: list[0].id }));
    expect(removed.removePaymentMethod).toEqual([{ id: second }]);
    // Another driver's card is not theirs to remove.
    const other = await aDriverWithCard();
    const res = await app.gqlAs(other.accessToken, `mutation($id: ID!) { removePaymentMethod(id: $id) { id } }`, { id: second });
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('a hold before the start', () => {
  it('holds the configured amount with manual capture before the charger is told to start', async () => {
    const driver = await aDriverWithCard();
    const charger = await aCharger();
    const res = await app.gqlAs(driver.accessToken, START, { s: charger.identity });
    expect(dataOf(res).startCharging.command.status).toBe('ACCEPTED');
    expect(charger.received).toEqual([{ action: 'RemoteStartTransaction', payload: { connectorId: 1, idTag: driver.tag } }]);
    expect(intentsOf(driver.customerId)).toEqual([
      expect.objectContaining({ amount: 5000, currency: 'eur', capture_method: 'manual', status: 'requires_capture' }),
    ]);
    expect(await holdsOf(driver.id)).toEqual([expect.objectContaining({ status: 'HELD', amountMinor: 5000, currency: 'EUR', connectorId: 1 })]);

    // The charger's Authorize for the same start reuses the hold instead of holding again.
    const auth = await charger.charger.call('Authorize', { idTag: driver.tag });
    expect(auth.idTagInfo.status).toBe('Accepted');
    expect(intentsOf(driver.customerId)).toHaveLength(1);
    await charger.charger.close();
  });

  it('refuses the start with the card’s reason when the hold is declined, and never calls the charger', async () => {
    const driver = await aDriverWithCard();
    const charger = await aCharger();
    standIn.declineNext('hold', 'insufficient_funds');
    const res = await app.gqlAs(driver.accessToken, START, { s: charger.identity });
    expect(res.errors?.[0]).toMatchObject({
      message: 'payment refused: Your card was declined.',
      extensions: { code: 'PAYMENT_REFUSED', paymentReason: 'Your card was declined.' },
    });
    expect(charger.received).toEqual([]);
    expect(await holdsOf(driver.id)).toEqual([expect.objectContaining({ status: 'FAILED', failureReason: 'Your card was declined.' })]);
    await charger.charger.close();
  });

  it('answers a charger’s Authorize Blocked when the hold of the card’s owner fails, Accepted with a hold otherwise', async () => {
    const driver = await aDriverWithCard();
    const card = await anIdToken(app, { userId: driver.id });
    const charger = await aCharger();
    standIn.declineNext('hold', 'card_declined');
    expect((await charger.charger.call('Authorize', { idTag: card.value })).idTagInfo.status).toBe('Blocked');

    const other = await aDriverWithCard();
    const otherCard = await anIdToken(app, { userId: other.id });
    expect((await charger.charger.call('Authorize', { idTag: otherCard.value })).idTagInfo.status).toBe('Accepted');
    expect(await holdsOf(other.id)).toEqual([expect.objectContaining({ status: 'HELD' })]);
    await charger.charger.close();
  });

  it('lets a driver without a card start (billed later), and a fleet driver start with no hold', async () => {
    const driver = await aDriver(app);
    await app.gqlAs(driver.accessToken, `mutation { createAppToken { value } }`);
    const charger = await aCharger();
    expect(dataOf(await app.gqlAs(driver.accessToken, START, { s: charger.identity })).startCharging.command.status).toBe('ACCEPTED');
    expect(await holdsOf(driver.id)).toEqual([]);

    const operator = await anOperator(app);
    const fleetDriver = await aDriverWithCard();
    const account = dataOf(
      await app.gqlAs(operator.accessToken, `mutation { createBillingAccount(input: { name: "Fleet Ltd", email: "ap@fleet.test", vatId: "DE123" }) { id organisationId } }`),
    ).createBillingAccount;
    expect(account.organisationId).toBe(operator.organisationId);
    const added = dataOf(
      await app.gqlAs(operator.accessToken, `mutation($a: ID!, $u: ID!) { addBillingAccountMember(billingAccountId: $a, userId: $u) { memberUserIds } }`, { a: account.id, u: fleetDriver.id }),
    );
    expect(added.addBillingAccountMember.memberUserIds).toEqual([fleetDriver.id]);
    expect(dataOf(await app.gqlAs(fleetDriver.accessToken, START, { s: charger.identity })).startCharging.command.status).toBe('ACCEPTED');
    expect(intentsOf(fleetDriver.customerId)).toEqual([]);
    // Another operator does not see the account.
    const stranger = await anOperator(app);
    expect(dataOf(await app.gqlAs(stranger.accessToken, `{ billingAccounts { id } }`)).billingAccounts).toEqual([]);
    await charger.charger.close();
  });
});

describe('settling a session from its CDR', () => {
  async function aStartedSession() {
    const driver = await aDriverWithCard();
    const charger = await aCharger();
    dataOf(await app.gqlAs(driver.accessToken, START, { s: charger.identity }));
    const started = await charger.charger.call('StartTransaction', startTransaction(driver.tag));
    expect(started.idTagInfo.status).toBe('Accepted');
    const [hold] = await holdsOf(driver.id);
    expect(hold).toMatchObject({ status: 'ATTACHED' });
    await charger.charger.close();
    return { driver, hold: hold!, sessionId: (hold!.session as unknown as { id: string }).id };
  }

  it('captures the CDR total, releasing the rest, marks the invoice paid, and a retry captures nothing more', async () => {
    const { driver, hold, sessionId } = await aStartedSession();
    const s = settlementFor(app.database.orm, app.services.users, standIn);
    const cdr = s.cdrs.add({ sessionId, userId: driver.id, totalInclVat: '12.34' });
    await s.payments.settle(cdr.id);
    expect(standIn.intents.get(hold.providerIntentId!)).toMatchObject({ status: 'succeeded', amount_received: 1234, amount_capturable: 0 });
    const [invoice] = [...s.invoices.issued.values()];
    expect(invoice).toMatchObject({ billTo: { kind: 'USER', userId: driver.id } });
    expect(s.invoices.paid).toEqual([{ invoiceId: invoice!.id, payment: { provider: 'STRIPE', reference: hold.providerIntentId, at: expect.any(Date) } }]);

    await s.payments.settle(cdr.id);
    const captures = standIn.requests.filter((r) => r.path === `/v1/payment_intents/${hold.providerIntentId}/capture`);
    expect(captures).toEqual([expect.objectContaining({ body: { amount_to_capture: '1234' }, idempotencyKey: `capture:${cdr.id}` })]);
    expect(s.invoices.issued.size).toBe(1);
    expect(s.invoices.failed).toEqual([]);
    expect(await holdsOf(driver.id)).toEqual([expect.objectContaining({ status: 'CAPTURED', capturedMinor: 1234 })]);
  });

  it('leaves the invoice open with the reason when the capture is declined, and a retry does not try again', async () => {
    const { driver, hold, sessionId } = await aStartedSession();
    const s = settlementFor(app.database.orm, app.services.users, standIn);
    const cdr = s.cdrs.add({ sessionId, userId: driver.id, totalInclVat: '7.50' });
    standIn.declineNext('capture');
    await s.payments.settle(cdr.id);
    const [invoice] = [...s.invoices.issued.values()];
    expect(s.invoices.failed).toEqual([{ invoiceId: invoice!.id, reason: 'Your card was declined.' }]);
    expect(s.invoices.paid).toEqual([]);
    await s.payments.settle(cdr.id);
    expect(standIn.requests.filter((r) => r.path === `/v1/payment_intents/${hold.providerIntentId}/capture`)).toHaveLength(1);
    expect(s.invoices.paid).toEqual([]);
  });

  it('releases the whole hold for a session that cost nothing', async () => {
    const { driver, hold, sessionId } = await aStartedSession();
    const s = settlementFor(app.database.orm, app.services.users, standIn);
    const cdr = s.cdrs.add({ sessionId, userId: driver.id, totalExclVat: '0', totalVat: '0', totalInclVat: '0.00' });
    await s.payments.settle(cdr.id);
    expect(standIn.intents.get(hold.providerIntentId!)).toMatchObject({ status: 'canceled', amount_received: 0 });
    expect(s.invoices.paid).toEqual([expect.objectContaining({ payment: expect.objectContaining({ provider: 'NONE' }) })]);
  });

  it('does nothing for a session nobody holds money for', async () => {
    const s = settlementFor(app.database.orm, app.services.users, standIn);
    const cdr = s.cdrs.add({ sessionId: '00000000-0000-4000-8000-000000000001' });
    await s.payments.settle(cdr.id);
    expect(s.invoices.issued.size).toBe(0);
  });

  it('releases a hold never attached to a session once it expired', async () => {
    const driver = await aDriverWithCard();
    const charger = await aCharger();
    dataOf(await app.gqlAs(driver.accessToken, START, { s: charger.identity }));
    const [hold] = await holdsOf(driver.id);
    const s = settlementFor(app.database.orm, app.services.users, standIn);
    expect(await s.payments.expireHolds(new Date(Date.now() + 60_000))).toBe(0);
    expect(await s.payments.expireHolds(new Date(Date.now() + 16 * 60_000))).toBeGreaterThanOrEqual(1);
    expect(standIn.intents.get(hold!.providerIntentId!)).toMatchObject({ status: 'canceled' });
    expect(await holdsOf(driver.id)).toEqual([expect.objectContaining({ status: 'EXPIRED' })]);
    await charger.charger.close();
  });
});

describe('a fleet’s monthly invoices', () => {
  it('bills each account one invoice per operator and currency of its drivers’ CDRs of the previous month, once', async () => {
    const operator = await anOperator(app);
    const [a, b, outsider] = [await aDriver(app), await aDriver(app), await aDriver(app)];
    const account = dataOf(await app.gqlAs(operator.accessToken, `mutation { createBillingAccount(input: { name: "Haulage GmbH", address: "Hafenstr. 1" }) { id } }`)).createBillingAccount;
    for (const u of [a, b]) {
      dataOf(await app.gqlAs(operator.accessToken, `mutation($a: ID!, $u: ID!) { addBillingAccountMember(billingAccountId: $a, userId: $u) { id } }`, { a: account.id, u: u.id }));
    }
    const s = settlementFor(app.database.orm, app.services.users, standIn);
    const [orgX, orgY] = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];
    const inNovember = (day: number) => new Date(Date.UTC(2026, 10, day, 12));
    const x1 = s.cdrs.add({ sessionId: 'a1', userId: a.id, organisationId: orgX, stoppedAt: inNovember(3), totalInclVat: '10.00' });
    const x2 = s.cdrs.add({ sessionId: 'b1', userId: b.id, organisationId: orgX, stoppedAt: inNovember(30), totalInclVat: '5.50' });
    const y1 = s.cdrs.add({ sessionId: 'a2', userId: a.id, organisationId: orgY, stoppedAt: inNovember(10), totalInclVat: '3.00' });
    s.cdrs.add({ sessionId: 'a3', userId: a.id, organisationId: orgY, currency: 'CHF', stoppedAt: inNovember(11), totalInclVat: '4.00' });
    s.cdrs.add({ sessionId: 'a4', userId: a.id, organisationId: orgX, stoppedAt: new Date(Date.UTC(2026, 11, 1, 0, 0, 1)) }); // December: next month's
    s.cdrs.add({ sessionId: 'o1', userId: outsider.id, organisationId: orgX, stoppedAt: inNovember(5) });

    const december2nd = new Date(Date.UTC(2026, 11, 1, 2));
    await s.accounts.invoicePreviousMonth(december2nd);
    await s.accounts.invoicePreviousMonth(december2nd);
    const keys = [...s.invoices.issued.keys()].filter((k) => k.startsWith(`account:${account.id}:`)).sort();
    expect(keys).toEqual([
      `account:${account.id}:2026-11:${orgX}:EUR`,
      `account:${account.id}:2026-11:${orgY}:CHF`,
      `account:${account.id}:2026-11:${orgY}:EUR`,
    ]);
    const xInvoice = s.invoices.issued.get(keys[0]!)!;
    expect(xInvoice).toMatchObject({ billTo: { kind: 'ACCOUNT', billingAccountId: account.id, name: 'Haulage GmbH', address: 'Hafenstr. 1' }, totalInclVat: '15.50' });
    expect((xInvoice.lines as { cdrId: string }[]).map((l) => l.cdrId)).toEqual([x1.id, x2.id]);
    expect(s.invoices.issued.get(keys[2]!)!.lines).toEqual([expect.objectContaining({ cdrId: y1.id, inclVat: '3.00', vatRate: '19', unit: 'session' })]);
  });
});

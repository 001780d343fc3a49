import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anAnsweringCharger } from '../helpers/answering-charger.js';
import { eventually } from '../helpers/eventually.js';
import { energySample, meterValues, startTransaction, statusNotification, stopTransaction } from '../helpers/ocpp16-messages.js';
import { aDriver, anOperator, anOrganisation, aStation, dataOf, startTestApp, type TestApp, type TestUser } from '../helpers/test-app.js';
import { startStripeStandIn, type StripeStandIn } from '../stand-ins/stripe/stripe-stand-in.js';

// The whole money path as a driver meets it, on the real wiring: a card saved in the app, a
// remote start that holds 50.00, a session the charger reports with its own (past) times, the
// CDR priced from the tariff, the receipt invoice issued (and readable as a PDF), the capture of
// exactly the session's cost against the Stripe stand-in; a replayed webhook changes nothing;
// a declined capture leaves the invoice open.
//
// Tariff (EUR): ENERGY 0.30/kWh + FLAT 1.00 (VAT 20 %); PARKING_TIME 6.00/h (VAT 20 %, 60 s steps).
// Session 09:00 -> 10:20 UTC, 1,000 -> 16,000 Wh, charging until 10:00, then parked:
//   energy 15 kWh x 0.30 = 4.50 (+0.90), flat 1.00 (+0.20), parking 1/3 h x 6.00 = 2.00 (+0.40)
//   = 7.50 excl., 1.50 VAT, 9.00 incl.: 900 cents captured of the 5,000 held.

let standIn: StripeStandIn;
let app: TestApp;
let operator: TestUser;

beforeAll(async () => {
  standIn = await startStripeStandIn();
  app = await startTestApp({ ...standIn.env, LIVE_COST_INTERVAL: '0' });
  const org = await anOrganisation(app);
  operator = await anOperator(app, org.id);
});
afterAll(async () => {
  await app?.stop();
  await standIn?.stop();
});

async function aPricedStation() {
  const org = (operator as TestUser & { organisationId: string }).organisationId;
  const station = await aStation(app, { organisationId: org, timeZone: 'Europe/Berlin' });
  const tariff = dataOf(
    await app.gqlAs(operator.accessToken, `mutation($i: CreateTariffInput!) { createTariff(input: $i) { id } }`, {
      i: {
        name: 'City AC',
        currency: 'EUR',
        elements: [
          { priceComponents: [{ type: 'ENERGY', price: '0.30', vat: '20', stepSize: 1 }, { type: 'FLAT', price: '1.00', vat: '20', stepSize: 1 }] },
          { priceComponents: [{ type: 'PARKING_TIME', price: '6.00', vat: '20', stepSize: 60 }] },
        ],
      },
    }),
  ).createTariff;
  dataOf(
    await app.gqlAs(operator.accessToken, `mutation($i: AssignTariffInput!) { assignTariff(input: $i) { id } }`, {
      i: { tariffId: tariff.id, stationIdentity: station.identity },
    }),
  );
  return anAnsweringCharger(app.ocppUrl, station.identity, { RemoteStartTransaction: { status: 'Accepted' } });
}

async function aDriverWithCard() {
  const driver = await aDriver(app);
  dataOf(await app.gqlAs(driver.accessToken, `mutation { addPaymentMethod { clientSecret } }`));
  const customerId = standIn.customerOf(driver.id)!;
  standIn.attachCard(customerId, { brand: 'visa', last4: '4242', wallet: 'apple_pay' });
  const tag = dataOf(await app.gqlAs(driver.accessToken, `mutation { createAppToken { value } }`)).createAppToken.value as string;
  return { ...driver, customerId, tag };
}

/** Remote start by the driver, then the session as the charger reports it, hours later, with its own times. */
async function chargeAt(charger: Awaited<ReturnType<typeof aPricedStation>>, driver: Awaited<ReturnType<typeof aDriverWithCard>>, day: string) {
  const at = (hhmm: string) => `${day}T${hhmm}:00.000Z`;
  const started = await app.gqlAs(driver.accessToken, `mutation($s: String!) { startCharging(stationIdentity: $s, connectorId: 1) { command { status } } }`, {
    s: charger.identity,
  });
  expect(dataOf(started).startCharging.command.status).toBe('ACCEPTED');
  const c = charger.charger;
  const tx = await c.call('StartTransaction', startTransaction(driver.tag, { meterStart: 1000, timestamp: at('09:00') }));
  expect(tx.idTagInfo.status).toBe('Accepted');
  await c.call('StatusNotification', statusNotification(1, 'Charging', { timestamp: at('09:00') }));
  await c.call('MeterValues', meterValues(tx.transactionId, [], { meterValue: [{ timestamp: at('09:30'), sampledValue: [energySample(8500)] }] }));
  await c.call('MeterValues', meterValues(tx.transactionId, [], { meterValue: [{ timestamp: at('10:00'), sampledValue: [energySample(16000)] }] }));
  await c.call('StatusNotification', statusNotification(1, 'SuspendedEV', { timestamp: at('10:00') }));
  await c.call('StopTransaction', stopTransaction(tx.transactionId, 16000, { timestamp: at('10:20'), reason: 'EVDisconnected' }));
  return tx.transactionId as number;
}

const INVOICES = `{ invoices(first: 10) { edges { node {
  id number status kind currency totalExclVat totalVat totalInclVat pdfUrl paymentFailureReason
  taxBreakdown { rate exclVat vat } lines { description exclVat vat inclVat }
} } } }`;

describe('a card session from hold to paid invoice', () => {
  it('captures exactly the priced cost, issues a readable invoice, and ignores a replayed webhook', async () => {
    const charger = await aPricedStation();
    const driver = await aDriverWithCard();
    await chargeAt(charger, driver, '2026-11-10');

    const [intent] = [...standIn.intents.values()].filter((i) => i.customer === driver.customerId);
    expect(intent).toMatchObject({ amount: 5000, capture_method: 'manual' });
    const invoice = await eventually('the paid invoice', async () => {
      const list = dataOf(await app.gqlAs(driver.accessToken, INVOICES)).invoices.edges.map((e: any) => e.node);
      return list.find((i: any) => i.status === 'PAID');
    });
    expect(invoice).toMatchObject({ kind: 'INVOICE', currency: 'EUR', totalExclVat: '7.50', totalVat: '1.50', totalInclVat: '9.00' });
    expect(invoice.number).toMatch(/^INV-\d{4}-\d{6}$/);
    expect(invoice.taxBreakdown).toEqual([{ rate: '20', exclVat: '7.50', vat: '1.50' }]);
    expect(invoice.lines.map((l: any) => l.inclVat).sort()).toEqual(['1.20', '2.40', '5.40']);
    expect(standIn.intents.get(intent!.id)).toMatchObject({ status: 'succeeded', amount_received: 900 });

    // The PDF, with the driver's own credential; readable text with the number and the total.
    const pdf = await fetch(invoice.pdfUrl, { headers: { authorization: `Bearer ${driver.accessToken}` } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const { text } = await new PDFParse({ data: new Uint8Array(await pdf.arrayBuffer()) }).getText();
    expect(text).toContain(invoice.number);
    expect(text).toContain('9.00');
    expect((await fetch(invoice.pdfUrl)).status).toBe(401);

    // Stripe sends the success event, then the same event again: nothing changes.
    const captures = standIn.requests.filter((r) => r.path.endsWith('/capture')).length;
    const event = { ...standIn.intents.get(intent!.id)! };
    const first = await standIn.sendWebhook(app.url, 'payment_intent.succeeded', event, { eventId: 'evt_capture_replay' });
    expect(first.status).toBe(200);
    const again = await standIn.sendWebhook(app.url, 'payment_intent.succeeded', event, { eventId: 'evt_capture_replay' });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ outcome: 'DUPLICATE' });
    const after = dataOf(await app.gqlAs(driver.accessToken, INVOICES)).invoices.edges.map((e: any) => e.node);
    expect(after).toEqual([invoice]);
    expect(standIn.requests.filter((r) => r.path.endsWith('/capture')).length).toBe(captures);
    await charger.charger.close();
  });

  it('leaves the invoice open with the reason when the capture is declined', async () => {
    const charger = await aPricedStation();
    const driver = await aDriverWithCard();
    standIn.declineNext('capture', 'insufficient_funds');
    await chargeAt(charger, driver, '2026-11-11');
    const invoice = await eventually('the failed payment', async () => {
      const list = dataOf(await app.gqlAs(driver.accessToken, INVOICES)).invoices.edges.map((e: any) => e.node);
      return list.find((i: any) => i.paymentFailureReason);
    });
    expect(invoice).toMatchObject({ status: 'OPEN', totalInclVat: '9.00' });
    // The operator sees it among the unpaid.
    const unpaid = dataOf(await app.gqlAs(operator.accessToken, `{ unpaidInvoices(first: 20) { edges { node { id } } } }`)).unpaidInvoices;
    expect(unpaid.edges.map((e: any) => e.node.id)).toContain(invoice.id);
    await charger.charger.close();
  });
});

describe('a charger that starts from its own authorization cache', () => {
  it('holds the card at StartTransaction, and answers Blocked when the hold is declined', async () => {
    const charger = await aPricedStation();
    const driver = await aDriverWithCard();
    const ok = await charger.charger.call('StartTransaction', startTransaction(driver.tag, { meterStart: 0 }));
    expect(ok.idTagInfo.status).toBe('Accepted');
    expect([...standIn.intents.values()].filter((i) => i.customer === driver.customerId)).toEqual([
      expect.objectContaining({ amount: 5000, capture_method: 'manual', status: 'requires_capture' }),
    ]);
    await charger.charger.call('StopTransaction', stopTransaction(ok.transactionId, 0));

    const declined = await aDriverWithCard();
    standIn.declineNext('hold', 'card_declined');
    const refused = await charger.charger.call('StartTransaction', startTransaction(declined.tag, { meterStart: 0, connectorId: 2 }));
    expect(refused.idTagInfo.status).toBe('Blocked');
    await charger.charger.close();
  });
});

describe('an operator that lets no one charge on an unpaid invoice', () => {
  beforeAll(async () => {
    await app.stop();
    app = await startTestApp({ ...standIn.env, PAYMENT_BLOCK_UNPAID: 'true' });
    operator = await anOperator(app, (await anOrganisation(app)).id);
  });

  it('refuses the next start, before the charger is asked, until the invoice is settled', async () => {
    const charger = await aPricedStation();
    const driver = await aDriverWithCard();
    standIn.declineNext('capture', 'insufficient_funds');
    await chargeAt(charger, driver, '2026-11-12');
    await eventually('the open invoice', async () => {
      const list = dataOf(await app.gqlAs(driver.accessToken, INVOICES)).invoices.edges.map((e: any) => e.node);
      return list.find((i: any) => i.status === 'OPEN' && i.paymentFailureReason);
    });
    const sent = charger.received.length;
    const again = await app.gqlAs(driver.accessToken, `mutation($s: String!) { startCharging(stationIdentity: $s, connectorId: 1) { command { status } } }`, {
      s: charger.identity,
    });
    expect(again.errors?.[0]?.extensions?.code).toBe('PAYMENT_REFUSED');
    expect(again.errors?.[0]?.message).toMatch(/unpaid/);
    expect(charger.received.length).toBe(sent);
    // And at the charger: Authorize for that driver's token is refused.
    expect((await charger.charger.call('Authorize', { idTag: driver.tag })).idTagInfo.status).toBe('Blocked');
    await charger.charger.close();
  });
});

import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CALLER, type Caller } from '../../src/domain/caller.js';
import type { InvoiceLineInput } from '../../src/domain/invoices/invoice.ports.js';
import { InvoiceService } from '../../src/domain/invoices/invoice.service.js';
import { aCdrView, aCostLine, InMemoryCdrSource } from '../helpers/cdr-views.js';
import { aDriver, anOperator, anOrganisation, startTestApp, type TestApp } from '../helpers/test-app.js';

// The invoices area against the real database: issuing from CDRs (an in-test CdrSource),
// gapless numbers under concurrency, credit notes, payment status, what each caller sees,
// reports, GraphQL and the PDF endpoint.

let app: TestApp;
const cdrs = new InMemoryCdrSource();
let invoices: InvoiceService;

beforeAll(async () => {
  app = await startTestApp();
  // The app's own service has no CDRs yet (the cdrs area is not on this branch); this one
  // shares its database and reads CDRs the test writes.
  invoices = new InvoiceService(app.database.orm, cdrs, {
    organisationName: async (id) => (await app.services.organisations.get(SYSTEM_CALLER, id))?.name ?? null,
    customer: (id) => app.services.users.get(SYSTEM_CALLER, id),
  });
});
afterAll(async () => {
  await app?.stop();
});

const operatorCaller = (organisationId: string): Caller => ({
  visibility: { kind: 'organisation', organisationId },
  actor: { label: 'operator', userId: null },
});
const driverCaller = (userId: string): Caller => ({ visibility: { kind: 'driver', userId }, actor: { label: 'driver', userId } });

const periodLine = (o: Partial<InvoiceLineInput> = {}): InvoiceLineInput => ({
  description: 'Plan fee, November',
  quantity: '1',
  unit: 'month',
  unitPriceExclVat: '10.00',
  vatRate: '19',
  exclVat: '10.00',
  vat: '1.90',
  inclVat: '11.90',
  ...o,
});

async function aPeriodInvoice(organisationId: string, userId: string | null, key = `plan:${Math.random()}`, lines = [periodLine()]) {
  return invoices.issueForPeriod({
    organisationId,
    billTo: userId ? { kind: 'USER', userId } : { kind: 'GUEST', email: 'guest@example.test' },
    sourceKey: key,
    periodStart: new Date('2026-11-01T00:00:00Z'),
    periodEnd: new Date('2026-12-01T00:00:00Z'),
    currency: 'EUR',
    lines,
  });
}

const sequenceOf = (number: string) => Number(number.split('-')[2]);

describe('issuing for a session', () => {
  it('bills each cost line of the CDR with its VAT rate; the header is their sum', async () => {
    const org = await anOrganisation(app);
    const driver = await aDriver(app);
    const cdr = cdrs.add(
      aCdrView({
        organisationId: org.id,
        userId: driver.id,
        lines: [
          aCostLine(),
          aCostLine({ kind: 'TIME', description: 'Charging time 1 h at 1.00 EUR/h', quantity: '1', unit: 'h', unitPrice: '1.00', exclVat: '1.00', vat: '0.19', inclVat: '1.19' }),
          aCostLine({ kind: 'FLAT', description: 'Session fee', quantity: '1', unit: 'session', unitPrice: '0.50', vatRate: '7', exclVat: '0.50', vat: '0.04', inclVat: '0.54' }),
        ],
      }),
    );
    const issued = await invoices.issueForSession(cdr.id, { kind: 'USER', userId: driver.id });
    expect(issued).toMatchObject({ number: `INV-${new Date().getUTCFullYear()}-000001`, currency: 'EUR', totalInclVat: '6.49', totalInclVatMinor: 649 });

    const view = (await invoices.get(driverCaller(driver.id), issued.id))!;
    expect(view).toMatchObject({ kind: 'INVOICE', status: 'OPEN', totalExclVat: '5.50', totalVat: '0.99', totalInclVat: '6.49', balanceInclVat: '6.49' });
    expect(view.periodStart).toBe(cdr.startedAt.toISOString());
    expect(view.lines.map((l) => [l.position, l.description, l.vatRate, l.inclVat, l.cdrId])).toEqual([
      [1, 'Energy 10 kWh at 0.40 EUR/kWh', '19', '4.76', cdr.id],
      [2, 'Charging time 1 h at 1.00 EUR/h', '19', '1.19', cdr.id],
      [3, 'Session fee', '7', '0.54', cdr.id],
    ]);
    expect(view.taxBreakdown).toEqual([
      { rate: '19', exclVat: '5.00', vat: '0.95' },
      { rate: '7', exclVat: '0.50', vat: '0.04' },
    ]);
  });

  it('issues once per CDR: asking again, or many at once, gives the first invoice', async () => {
    const org = await anOrganisation(app);
    const cdr = cdrs.add(aCdrView({ organisationId: org.id }));
    const first = await invoices.issueForSession(cdr.id, { kind: 'GUEST', email: 'guest@example.test' });
    expect(await invoices.issueForSession(cdr.id, { kind: 'GUEST', email: 'guest@example.test' })).toEqual(first);

    const other = cdrs.add(aCdrView({ organisationId: org.id }));
    const together = await Promise.all(Array.from({ length: 8 }, () => invoices.issueForSession(other.id, { kind: 'GUEST', email: 'g@example.test' })));
    expect(new Set(together.map((i) => i.id)).size).toBe(1);
    // The losers' numbers were given back: the next invoice follows on.
    const next = await aPeriodInvoice(org.id, null);
    expect([first, together[0]!, next].map((i) => sequenceOf(i.number))).toEqual([1, 2, 3]);
    const all = await invoices.list(operatorCaller(org.id), {}, { first: 50 });
    expect(all.items).toHaveLength(3);
  });

  it('refuses a CDR it cannot find or one without an operator', async () => {
    await expect(invoices.issueForSession('00000000-0000-4000-8000-000000000000', { kind: 'GUEST', email: 'g@example.test' })).rejects.toMatchObject({ code: 'CDR_NOT_FOUND' });
    const cdr = cdrs.add(aCdrView({ organisationId: null }));
    await expect(invoices.issueForSession(cdr.id, { kind: 'GUEST', email: 'g@example.test' })).rejects.toMatchObject({ code: 'INVALID_INVOICE_INPUT' });
  });

  it('turns a CREDIT CDR into a credit note of the session invoice', async () => {
    const org = await anOrganisation(app);
    const cdr = cdrs.add(aCdrView({ organisationId: org.id }));
    const invoice = await invoices.issueForSession(cdr.id, { kind: 'GUEST', email: 'g@example.test' });
    const credit = cdrs.add(
      aCdrView({ organisationId: org.id, kind: 'CREDIT', creditsCdrId: cdr.id, lines: [aCostLine({ exclVat: '-4.00', vat: '-0.76', inclVat: '-4.76' })] }),
    );
    const notes = await Promise.all([1, 2, 3].map(() => invoices.issueForSession(credit.id, { kind: 'GUEST', email: 'g@example.test' })));
    expect(new Set(notes.map((n) => n.id)).size).toBe(1);
    const note = notes[0]!;
    expect(note.number).toMatch(/^CN-\d{4}-000001$/);
    expect(note.totalInclVat).toBe('-4.76');
    expect(await invoices.get(SYSTEM_CALLER, invoice.id)).toMatchObject({ status: 'VOID', creditedInclVat: '4.76', balanceInclVat: '0.00' });
  });
});

describe('numbering', () => {
  it('gives 20 concurrent invoices of one operator 1..20, no gap, no duplicate', async () => {
    const org = await anOrganisation(app);
    const issued = await Promise.all(Array.from({ length: 20 }, (_, i) => aPeriodInvoice(org.id, null, `concurrent:${org.id}:${i}`)));
    expect(issued.map((i) => sequenceOf(i.number)).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('numbers each operator on its own', async () => {
    const [a, b] = [await anOrganisation(app), await anOrganisation(app)];
    await aPeriodInvoice(a.id, null);
    await aPeriodInvoice(a.id, null);
    const firstOfB = await aPeriodInvoice(b.id, null);
    const thirdOfA = await aPeriodInvoice(a.id, null);
    expect(sequenceOf(firstOfB.number)).toBe(1);
    expect(sequenceOf(thirdOfA.number)).toBe(3);
  });

  it('leaves no gap when an issue fails after taking its number', async () => {
    const org = await anOrganisation(app);
    await aPeriodInvoice(org.id, null);
    // A bill-to user that does not exist fails at insert, after the number was taken.
    await expect(aPeriodInvoice(org.id, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ details: { field: 'billTo.userId' } });
    expect(sequenceOf((await aPeriodInvoice(org.id, null)).number)).toBe(2);
  });

  it('refuses bad period input, naming the field', async () => {
    const org = await anOrganisation(app);
    await expect(aPeriodInvoice(org.id, null, 'bad:1', [periodLine({ inclVat: '12.00' })])).rejects.toMatchObject({
      code: 'INVALID_INVOICE_INPUT',
      details: { field: 'lines.0.inclVat' },
    });
    await expect(
      invoices.issueForPeriod({ organisationId: org.id, billTo: { kind: 'GUEST', email: 'g@example.test' }, sourceKey: 'bad:2', periodStart: new Date(), periodEnd: new Date(), currency: 'EUR', lines: [periodLine()] }),
    ).rejects.toMatchObject({ details: { field: 'periodEnd' } });
    await expect(
      invoices.issueForPeriod({ organisationId: org.id, billTo: { kind: 'GUEST', email: 'g@example.test' }, sourceKey: 'bad:3', periodStart: new Date(0), periodEnd: new Date(), currency: 'XYZ', lines: [periodLine()] }),
    ).rejects.toMatchObject({ details: { field: 'currency' } });
  });
});

describe('payment status', () => {
  it('keeps an invoice open with the reason when a payment fails; paid is paid', async () => {
    const org = await anOrganisation(app);
    const invoice = await aPeriodInvoice(org.id, null);
    await invoices.markPaymentFailed(invoice.id, 'card_declined: insufficient funds');
    expect(await invoices.get(SYSTEM_CALLER, invoice.id)).toMatchObject({ status: 'OPEN', paymentFailureReason: 'card_declined: insufficient funds', balanceInclVat: '11.90' });
    const at = new Date('2026-11-20T10:00:00Z');
    await invoices.markPaid(invoice.id, { provider: 'STRIPE', reference: 'pi_123', at });
    await invoices.markPaid(invoice.id, { provider: 'STRIPE', reference: 'pi_123', at });
    await invoices.markPaymentFailed(invoice.id, 'a late retry failed');
    expect(await invoices.get(SYSTEM_CALLER, invoice.id)).toMatchObject({ status: 'PAID', paidAt: at.toISOString(), paymentReference: 'pi_123', balanceInclVat: '0.00' });
  });
});

describe('credit notes', () => {
  it('credits the whole invoice by default, voiding it; nothing more can be credited', async () => {
    const org = await anOrganisation(app);
    const invoice = await aPeriodInvoice(org.id, null, undefined, [periodLine(), periodLine({ description: 'Extra', vatRate: '7', exclVat: '1.00', vat: '0.07', inclVat: '1.07' })]);
    const note = await invoices.issueCreditNote(operatorCaller(org.id), invoice.id, 'billed twice');
    expect(note).toMatchObject({
      kind: 'CREDIT_NOTE',
      creditsInvoiceId: invoice.id,
      creditsInvoiceNumber: invoice.number,
      creditNoteReason: 'billed twice',
      totalInclVat: '-12.97',
      taxBreakdown: [
        { rate: '19', exclVat: '-10.00', vat: '-1.90' },
        { rate: '7', exclVat: '-1.00', vat: '-0.07' },
      ],
    });
    expect(note.number).toMatch(/^CN-\d{4}-000001$/);
    expect(await invoices.get(SYSTEM_CALLER, invoice.id)).toMatchObject({ status: 'VOID', creditedInclVat: '12.97' });
    await expect(invoices.issueCreditNote(operatorCaller(org.id), invoice.id, 'again', [periodLine({ exclVat: '0.01', vat: '0.00', inclVat: '0.01' })])).rejects.toMatchObject({
      code: 'CREDIT_EXCEEDS_REMAINING',
    });
  });

  it('credits part of an invoice, never beyond what is left, even asked at once', async () => {
    const org = await anOrganisation(app);
    const invoice = await aPeriodInvoice(org.id, null);
    const part = periodLine({ description: 'Goodwill', exclVat: '5.00', vat: '0.95', inclVat: '5.95' });
    const outcomes = await Promise.allSettled([1, 2, 3].map(() => invoices.issueCreditNote(operatorCaller(org.id), invoice.id, 'goodwill', [part])));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(2);
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: { code: 'CREDIT_EXCEEDS_REMAINING' } });
    expect(await invoices.get(SYSTEM_CALLER, invoice.id)).toMatchObject({ status: 'VOID', creditedInclVat: '11.90', balanceInclVat: '0.00' });
  });

  it('is the operator’s: another operator does not find the invoice, a driver may not', async () => {
    const [a, b] = [await anOrganisation(app), await anOrganisation(app)];
    const driver = await aDriver(app);
    const invoice = await aPeriodInvoice(a.id, driver.id);
    await expect(invoices.issueCreditNote(operatorCaller(b.id), invoice.id, 'x')).rejects.toMatchObject({ code: 'INVOICE_NOT_FOUND' });
    await expect(invoices.issueCreditNote(driverCaller(driver.id), invoice.id, 'x')).rejects.toMatchObject({ code: 'INVOICE_FORBIDDEN' });
    await expect(invoices.issueCreditNote(operatorCaller(a.id), invoice.id, '  ')).rejects.toMatchObject({ code: 'INVALID_INVOICE_INPUT', details: { field: 'reason' } });
  });

  it('leaves a credit note of a paid invoice open until refunded', async () => {
    const org = await anOrganisation(app);
    const invoice = await aPeriodInvoice(org.id, null);
    await invoices.markPaid(invoice.id, { provider: 'STRIPE', reference: 'pi_x', at: new Date() });
    const note = await invoices.issueCreditNote(operatorCaller(org.id), invoice.id, 'refund');
    expect(note.status).toBe('OPEN');
    expect(await invoices.get(SYSTEM_CALLER, invoice.id)).toMatchObject({ status: 'PAID' });
  });
});

describe('who sees what', () => {
  it('shows drivers their own invoices, operators their organisation’s', async () => {
    const [a, b] = [await anOrganisation(app), await anOrganisation(app)];
    const [driver, other] = [await aDriver(app), await aDriver(app)];
    const mine = await aPeriodInvoice(a.id, driver.id);
    const theirs = await aPeriodInvoice(a.id, other.id);
    const atB = await aPeriodInvoice(b.id, driver.id);
    const own = await invoices.list(driverCaller(driver.id), {}, { first: 50 });
    expect(own.items.map((i) => i.node.id).sort()).toEqual([mine.id, atB.id].sort());
    expect(await invoices.get(driverCaller(driver.id), theirs.id)).toBeNull();
    const ofB = await invoices.list(operatorCaller(b.id), {}, { first: 50 });
    expect(ofB.items.map((i) => i.node.id)).toEqual([atB.id]);
    expect(await invoices.get(operatorCaller(b.id), mine.id)).toBeNull();
    expect((await invoices.list(operatorCaller(b.id), { organisationId: a.id }, { first: 50 })).items).toEqual([]);
  });

  it('pages newest first with a cursor', async () => {
    const org = await anOrganisation(app);
    const issued = [];
    for (let i = 0; i < 5; i++) issued.push(await aPeriodInvoice(org.id, null));
    const first = await invoices.list(operatorCaller(org.id), {}, { first: 3 });
    expect(first.hasNextPage).toBe(true);
    const rest = await invoices.list(operatorCaller(org.id), {}, { first: 3, after: first.items.at(-1)!.cursor });
    expect(rest.hasNextPage).toBe(false);
    expect([...first.items, ...rest.items].map((i) => i.node.number)).toEqual(issued.map((i) => i.number).reverse());
  });
});

describe('revenue and unpaid invoices', () => {
  it('sums per currency for the operator only', async () => {
    const [a, b] = [await anOrganisation(app), await anOrganisation(app)];
    const paid = await aPeriodInvoice(a.id, null);
    await invoices.markPaid(paid.id, { provider: 'STRIPE', reference: 'pi_r', at: new Date() });
    const open = await aPeriodInvoice(a.id, null);
    await invoices.issueCreditNote(operatorCaller(a.id), open.id, 'goodwill', [periodLine({ exclVat: '1.00', vat: '0.19', inclVat: '1.19' })]);
    await invoices.issueForPeriod({
      organisationId: a.id,
      billTo: { kind: 'GUEST', email: 'g@example.test' },
      sourceKey: `yen:${a.id}`,
      periodStart: new Date(0),
      periodEnd: new Date(),
      currency: 'JPY',
      lines: [periodLine({ unitPriceExclVat: '1000', exclVat: '1000', vat: '190', inclVat: '1190' })],
    });
    const window = { from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 3_600_000) };
    expect(await invoices.revenue(operatorCaller(a.id), window)).toEqual([
      { currency: 'EUR', invoicedExclVat: '20.00', invoicedVat: '3.80', invoicedInclVat: '23.80', creditedInclVat: '1.19', paidInclVat: '11.90', outstandingInclVat: '10.71' },
      { currency: 'JPY', invoicedExclVat: '1000', invoicedVat: '190', invoicedInclVat: '1190', creditedInclVat: '0', paidInclVat: '0', outstandingInclVat: '1190' },
    ]);
    expect(await invoices.revenue(operatorCaller(b.id), window)).toEqual([]);
    expect(await invoices.revenue(operatorCaller(b.id), { ...window, organisationId: a.id })).toEqual([]);
    expect(await invoices.revenue(SYSTEM_CALLER, { ...window, organisationId: a.id })).toHaveLength(2);

    const unpaid = await invoices.unpaidInvoices(operatorCaller(a.id), { first: 10 });
    expect(unpaid.items.map((i) => [i.node.id === open.id, i.node.balanceInclVat])).toEqual([
      [true, '10.71'],
      [false, '1190'],
    ]);
    expect((await invoices.unpaidInvoices(operatorCaller(b.id), { first: 10 })).items).toEqual([]);
    const page = await invoices.unpaidInvoices(operatorCaller(a.id), { first: 1 });
    expect(page.hasNextPage).toBe(true);
    const next = await invoices.unpaidInvoices(operatorCaller(a.id), { first: 1, after: page.items[0]!.cursor });
    expect(next.items.map((i) => i.node.currency)).toEqual(['JPY']);
  });
});

async function pdfText(content: ArrayBuffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(content) });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

const fetchPdf = (id: string, credential: string | null) =>
  fetch(`${app.url}/invoices/${id}.pdf`, { headers: credential ? { authorization: `Bearer ${credential}` } : {} });

describe('the PDF endpoint', () => {
  it('gives the driver and the operator a readable PDF; others a 404; anonymous a 401', async () => {
    const org = await anOrganisation(app, `Voltline Test Operator ${Math.random().toString(36).slice(2, 8)}`);
    const operator = await anOperator(app, org.id);
    const otherOperator = await anOperator(app);
    const driver = await aDriver(app, 'Dana Driver');
    const stranger = await aDriver(app);
    const cdr = cdrs.add(
      aCdrView({
        organisationId: org.id,
        userId: driver.id,
        lines: [aCostLine({ description: 'Energy 10 kWh at 0.40 EUR/kWh' }), aCostLine({ kind: 'FLAT', description: 'Session fee', quantity: '1', unit: 'session', unitPrice: '0.50', vatRate: '7', exclVat: '0.50', vat: '0.04', inclVat: '0.54' })],
      }),
    );
    const invoice = await invoices.issueForSession(cdr.id, { kind: 'USER', userId: driver.id });

    const res = await fetchPdf(invoice.id, driver.accessToken);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toContain(`${invoice.number}.pdf`);
    const text = await pdfText(await res.arrayBuffer());
    for (const expected of [invoice.number, org.name, 'Dana Driver', 'Energy 10 kWh at 0.40 EUR/kWh', 'Session fee', '4.50 EUR', '5.30 EUR', '0.76 EUR', '0.04 EUR', 'Open']) {
      expect(text).toContain(expected);
    }

    expect((await fetchPdf(invoice.id, operator.accessToken)).status).toBe(200);
    expect((await fetchPdf(invoice.id, app.adminToken)).status).toBe(200);
    expect((await fetchPdf(invoice.id, otherOperator.accessToken)).status).toBe(404);
    expect((await fetchPdf(invoice.id, stranger.accessToken)).status).toBe(404);
    expect((await fetchPdf('not-an-id', driver.accessToken)).status).toBe(404);
    const anonymous = await fetchPdf(invoice.id, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('prints a credit note with the invoice it credits and the currency digits', async () => {
    const org = await anOrganisation(app);
    const yen = await invoices.issueForPeriod({
      organisationId: org.id,
      billTo: { kind: 'ACCOUNT', billingAccountId: 'acct-1', name: 'Fleet Co', email: 'ap@fleet.test', address: 'Main St 1', vatId: 'DE123456789' },
      sourceKey: `account:${org.id}:2026-11`,
      periodStart: new Date('2026-11-01T00:00:00Z'),
      periodEnd: new Date('2026-12-01T00:00:00Z'),
      currency: 'JPY',
      lines: [periodLine({ description: 'Sessions in November', unitPriceExclVat: '1000', exclVat: '1000', vat: '100', inclVat: '1100', vatRate: '10' })],
    });
    const note = await invoices.issueCreditNote(operatorCaller(org.id), yen.id, 'wrong tariff');
    const pdf = (await invoices.pdf(SYSTEM_CALLER, note.id))!;
    expect(pdf.fileName).toBe(`${note.number}.pdf`);
    const text = await pdfText(pdf.content.buffer.slice(pdf.content.byteOffset, pdf.content.byteOffset + pdf.content.length) as ArrayBuffer);
    for (const expected of ['Credit note', `Credit note for ${yen.number}`, 'wrong tariff', 'Fleet Co', 'DE123456789', '-1100 JPY', '-100 JPY', '2026-11-01 - 2026-12-01']) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain('1100.00');
  });
});

const INVOICE_FIELDS = `id number kind status currency totalExclVat totalVat totalInclVat taxBreakdown { rate exclVat vat }
  lines { position description quantity unit unitPriceExclVat vatRate exclVat vat inclVat cdrId }
  billTo issuedAt periodStart periodEnd paidAt paymentFailureReason pdfUrl balanceInclVat creditedInclVat issuerName
  creditsInvoice { id number } organisation { id name }`;

describe('GraphQL', () => {
  it('lists a driver’s own invoices and an operator’s, with lines, taxes and a PDF link', async () => {
    const org = await anOrganisation(app);
    const operator = await anOperator(app, org.id);
    const otherOperator = await anOperator(app);
    const driver = await aDriver(app);
    const cdr = cdrs.add(aCdrView({ organisationId: org.id, userId: driver.id }));
    const invoice = await invoices.issueForSession(cdr.id, { kind: 'USER', userId: driver.id });
    await invoices.markPaymentFailed(invoice.id, 'card_declined');
    const query = `query($f: InvoiceFilter) { invoices(first: 10, filter: $f) { edges { node { ${INVOICE_FIELDS} } } } }`;

    const own = await app.gqlAs(driver.accessToken, query);
    expect(own.errors).toBeUndefined();
    const [node] = own.data.invoices.edges.map((e: { node: unknown }) => e.node);
    expect(own.data.invoices.edges).toHaveLength(1);
    expect(node).toMatchObject({
      id: invoice.id,
      number: invoice.number,
      kind: 'INVOICE',
      status: 'OPEN',
      totalInclVat: '4.76',
      taxBreakdown: [{ rate: '19', exclVat: '4.00', vat: '0.76' }],
      lines: [{ position: 1, description: 'Energy 10 kWh at 0.40 EUR/kWh', quantity: '10', unit: 'kWh', vatRate: '19', inclVat: '4.76', cdrId: cdr.id }],
      billTo: { kind: 'USER', userId: driver.id },
      paymentFailureReason: 'card_declined',
      issuerName: org.name,
      organisation: null, // drivers do not see organisations; issuerName names it
      pdfUrl: `${app.url}/invoices/${invoice.id}.pdf`,
      creditsInvoice: null,
    });
    expect((await fetch(node.pdfUrl, { headers: { authorization: `Bearer ${driver.accessToken}` } })).status).toBe(200);

    const staff = await app.gqlAs(operator.accessToken, query, { f: { status: 'OPEN' } });
    expect(staff.data.invoices.edges.map((e: { node: { id: string; organisation: unknown } }) => [e.node.id, e.node.organisation])).toEqual([[invoice.id, { id: org.id, name: org.name }]]);
    expect((await app.gqlAs(operator.accessToken, query, { f: { status: 'PAID' } })).data.invoices.edges).toEqual([]);
    expect((await app.gqlAs(otherOperator.accessToken, query)).data.invoices.edges).toEqual([]);
    const single = await app.gqlAs(otherOperator.accessToken, `query($id: ID!) { invoice(id: $id) { id } }`, { id: invoice.id });
    expect(single.data).toEqual({ invoice: null });
  });

  it('issues a credit note for staff and reports revenue and unpaid invoices of their organisation only', async () => {
    const org = await anOrganisation(app);
    const operator = await anOperator(app, org.id);
    const otherOperator = await anOperator(app);
    const invoice = await aPeriodInvoice(org.id, null);
    const issue = `mutation($i: IssueCreditNoteInput!) { issueCreditNote(input: $i) { ${INVOICE_FIELDS} } }`;

    const tooMuch = await app.gqlAs(operator.accessToken, issue, {
      i: { invoiceId: invoice.id, reason: 'goodwill', lines: [{ description: 'Goodwill', quantity: '1', exclVat: '20.00', vat: '3.80', inclVat: '23.80', vatRate: '19' }] },
    });
    expect(tooMuch.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CREDIT_EXCEEDS_REMAINING', field: 'lines', remaining: '11.90' });
    const notTheirs = await app.gqlAs(otherOperator.accessToken, issue, { i: { invoiceId: invoice.id, reason: 'x' } });
    expect(notTheirs.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });

    const partial = await app.gqlAs(operator.accessToken, issue, {
      i: { invoiceId: invoice.id, reason: 'goodwill', lines: [{ description: 'Goodwill', quantity: '1', exclVat: '1.00', vat: '0.19', inclVat: '1.19', vatRate: '19' }] },
    });
    expect(partial.errors).toBeUndefined();
    expect(partial.data.issueCreditNote).toMatchObject({ kind: 'CREDIT_NOTE', totalInclVat: '-1.19', creditsInvoice: { id: invoice.id, number: invoice.number } });
    const whole = await app.gqlAs(operator.accessToken, issue, { i: { invoiceId: invoice.id, reason: 'again' } });
    expect(whole.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'INVOICE_STATE_CONFLICT' });

    const reports = `query($o: ID) {
      revenue(input: { from: "2000-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z", organisationId: $o }) { currency invoicedExclVat invoicedVat invoicedInclVat creditedInclVat paidInclVat outstandingInclVat }
      unpaidInvoices(first: 10) { edges { node { id balanceInclVat } } } }`;
    const mine = await app.gqlAs(operator.accessToken, reports);
    expect(mine.errors).toBeUndefined();
    expect(mine.data).toEqual({
      revenue: [{ currency: 'EUR', invoicedExclVat: '10.00', invoicedVat: '1.90', invoicedInclVat: '11.90', creditedInclVat: '1.19', paidInclVat: '0.00', outstandingInclVat: '10.71' }],
      unpaidInvoices: { edges: [{ node: { id: invoice.id, balanceInclVat: '10.71' } }] },
    });
    const theirs = await app.gqlAs(otherOperator.accessToken, reports, { o: org.id });
    expect(theirs.data).toEqual({ revenue: [], unpaidInvoices: { edges: [] } });
  });
});

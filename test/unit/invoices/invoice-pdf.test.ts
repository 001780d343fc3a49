import { PDFParse } from 'pdf-parse';
import { describe, expect, it } from 'vitest';
import { renderInvoicePdf } from '../../../src/domain/invoices/invoice-pdf.js';
import type { InvoiceView } from '../../../src/domain/invoices/invoice.views.js';

const anInvoiceView = (o: Partial<InvoiceView> = {}): InvoiceView => ({
  id: 'i1',
  organisationId: 'o1',
  number: 'INV-2026-000042',
  kind: 'INVOICE',
  status: 'OPEN',
  currency: 'EUR',
  totalExclVat: '4.00',
  totalVat: '0.76',
  totalInclVat: '4.76',
  taxBreakdown: [{ rate: '19', exclVat: '4.00', vat: '0.76' }],
  lines: [{ position: 1, description: 'Energy 10 kWh', quantity: '10', unit: 'kWh', unitPriceExclVat: '0.4', vatRate: '19', exclVat: '4.00', vat: '0.76', inclVat: '4.76', cdrId: null }],
  billTo: { kind: 'GUEST', email: 'guest@example.test' },
  userId: null,
  issuedAt: '2026-11-02T11:00:00.000Z',
  periodStart: null,
  periodEnd: null,
  paidAt: null,
  paymentProvider: null,
  paymentReference: null,
  paymentFailureReason: null,
  lastPaymentAttemptAt: null,
  creditsInvoiceId: null,
  creditsInvoiceNumber: null,
  creditNoteReason: null,
  creditedInclVat: '0.00',
  balanceInclVat: '4.76',
  ...o,
});

async function textOf(pdf: Buffer): Promise<{ text: string; pages: number }> {
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  try {
    const result = await parser.getText();
    return { text: result.text, pages: result.total };
  } finally {
    await parser.destroy();
  }
}

describe('invoice PDF', () => {
  it.each([
    ['an open invoice', anInvoiceView(), ['Invoice', 'INV-2026-000042', 'Issued: 2026-11-02', 'guest@example.test', 'Status: Open', '4.76 EUR']],
    ['a paid invoice', anInvoiceView({ status: 'PAID', paidAt: '2026-11-03T08:00:00.000Z' }), ['Status: Paid on 2026-11-03']],
    ['a partly credited invoice', anInvoiceView({ creditedInclVat: '1.00', balanceInclVat: '3.76' }), ['Credited', 'Balance due', '3.76 EUR']],
    [
      'a credit note',
      anInvoiceView({ kind: 'CREDIT_NOTE', number: 'CN-2026-000001', creditsInvoiceNumber: 'INV-2026-000042', creditNoteReason: 'wrong tariff', totalInclVat: '-4.76', status: 'PAID' }),
      ['Credit note for INV-2026-000042', 'Reason: wrong tariff', '-4.76 EUR', 'Status: Settled'],
    ],
    ['lines without VAT', anInvoiceView({ taxBreakdown: [{ rate: null, exclVat: '4.00', vat: '0.00' }] }), ['No VAT on 4.00 EUR']],
    ['a currency without minor unit', anInvoiceView({ currency: 'JPY', totalInclVat: '476', totalExclVat: '400', totalVat: '76', taxBreakdown: [{ rate: '19', exclVat: '400', vat: '76' }] }), ['476 JPY', '19 % on 400 JPY']],
  ])('prints %s', async (_name, view, expected) => {
    const { text } = await textOf(await renderInvoicePdf(view, { issuerName: 'Voltline Charging', customer: null }));
    expect(text).toContain('Voltline Charging');
    for (const e of expected) expect(text).toContain(e);
  });

  it('runs a long invoice onto further pages, totals after the last line', async () => {
    const lines = Array.from({ length: 120 }, (_, i) => ({ ...anInvoiceView().lines[0]!, position: i + 1, description: `Session ${i + 1}` }));
    const { text, pages } = await textOf(await renderInvoicePdf(anInvoiceView({ lines }), { issuerName: 'Voltline', customer: null }));
    expect(pages).toBeGreaterThan(1);
    expect(text).toContain('Session 120');
    expect(text.indexOf('Total incl. VAT')).toBeGreaterThan(text.indexOf('Session 120'));
  });
});

import PDFDocument from 'pdfkit';
import { formatMoney } from '../pricing/money.js';
import type { InvoiceView } from './invoice.views.js';

/** Who the PDF names: the issuing operator, and the driver an invoice is addressed to. */
export interface InvoiceParties {
  issuerName: string;
  /** For bill-to USER: the driver's name and email, when known. */
  customer: { name: string; email: string | null } | null;
}

const MARGIN = 50;
const PAGE = { width: 595.28, height: 841.89 }; // A4 in points
// The lines table: description, quantity, unit price, VAT rate, excl. VAT, VAT, incl. VAT.
const COLUMNS = [
  { title: 'Description', x: MARGIN, width: 175, align: 'left' },
  { title: 'Quantity', x: 228, width: 55, align: 'right' },
  { title: 'Unit price', x: 286, width: 55, align: 'right' },
  { title: 'VAT %', x: 344, width: 36, align: 'right' },
  { title: 'Excl. VAT', x: 383, width: 55, align: 'right' },
  { title: 'VAT', x: 441, width: 45, align: 'right' },
  { title: 'Incl. VAT', x: 489, width: 56, align: 'right' },
] as const;

/**
 * The invoice as a PDF (A4, the standard Helvetica fonts): issuer, bill-to, number and dates,
 * the lines, the tax breakdown by rate, totals in the currency's digits and payment status.
 */
export function renderInvoicePdf(invoice: InvoiceView, parties: InvoiceParties): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: { Title: `${kindTitle(invoice)} ${invoice.number}`, Author: parties.issuerName },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const money = (amount: string) => `${formatMoney(amount, invoice.currency)} ${invoice.currency}`;

  // Header: issuer left, document and number right.
  doc.font('Helvetica-Bold').fontSize(16).text(parties.issuerName, MARGIN, MARGIN, { width: 280 });
  doc.fontSize(20).text(kindTitle(invoice), 330, MARGIN, { width: 215, align: 'right' });
  doc.font('Helvetica').fontSize(10);
  const facts: [string, string][] = [
    ['Number', invoice.number],
    ['Issued', day(invoice.issuedAt)],
  ];
  if (invoice.periodStart && invoice.periodEnd) facts.push(['Period', `${day(invoice.periodStart)} - ${day(invoice.periodEnd)}`]);
  facts.push(['Status', statusText(invoice)]);
  let y = MARGIN + 30;
  for (const [label, value] of facts) {
    doc.text(`${label}: ${value}`, 330, y, { width: 215, align: 'right' });
    y += 14;
  }

  // Bill-to.
  y = Math.max(y, MARGIN + 90) + 10;
  doc.font('Helvetica-Bold').text('Bill to', MARGIN, y);
  doc.font('Helvetica');
  for (const line of billToLines(invoice, parties)) doc.text(line, MARGIN, doc.y, { width: 280 });
  y = doc.y + 12;

  if (invoice.kind === 'CREDIT_NOTE') {
    doc.font('Helvetica-Bold').text(`Credit note for ${invoice.creditsInvoiceNumber ?? 'an earlier invoice'}`, MARGIN, y);
    doc.font('Helvetica');
    if (invoice.creditNoteReason) doc.text(`Reason: ${invoice.creditNoteReason}`, MARGIN, doc.y, { width: PAGE.width - 2 * MARGIN });
    y = doc.y + 12;
  }

  // Lines.
  y = tableRow(doc, y, COLUMNS.map((c) => c.title), true);
  for (const line of invoice.lines) {
    const cells = [
      line.description,
      line.unit ? `${line.quantity} ${line.unit}` : line.quantity,
      line.unitPriceExclVat ?? '',
      line.vatRate ?? '-',
      formatMoney(line.exclVat, invoice.currency),
      formatMoney(line.vat, invoice.currency),
      formatMoney(line.inclVat, invoice.currency),
    ];
    y = tableRow(doc, y, cells, false);
  }

  // Tax breakdown by rate, then totals.
  y = ensureRoom(doc, y + 10, 40 + 14 * (invoice.taxBreakdown.length + 4));
  doc.font('Helvetica-Bold').text('VAT', MARGIN, y);
  y += 14;
  doc.font('Helvetica');
  for (const tax of invoice.taxBreakdown) {
    const rate = tax.rate === null ? 'No VAT' : `${tax.rate} %`;
    doc.text(`${rate} on ${money(tax.exclVat)}`, MARGIN, y, { width: 250 });
    doc.text(money(tax.vat), MARGIN + 250, y, { width: 80, align: 'right' });
    y += 14;
  }
  y += 6;
  const totals: [string, string, boolean][] = [
    ['Total excl. VAT', money(invoice.totalExclVat), false],
    ['VAT', money(invoice.totalVat), false],
    ['Total incl. VAT', money(invoice.totalInclVat), true],
  ];
  if (invoice.kind === 'INVOICE' && invoice.creditedInclVat !== formatMoney(0, invoice.currency)) {
    totals.push(['Credited', money(invoice.creditedInclVat), false], ['Balance due', money(invoice.balanceInclVat), true]);
  }
  for (const [label, value, bold] of totals) {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
    doc.text(label, 330, y, { width: 110 });
    doc.text(value, 440, y, { width: 105, align: 'right' });
    y += 14;
  }
  doc.end();
  return done;
}

function tableRow(doc: PDFKit.PDFDocument, y: number, cells: string[], header: boolean): number {
  doc.font(header ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
  const height = Math.max(...cells.map((cell, i) => doc.heightOfString(cell, { width: COLUMNS[i]!.width })));
  y = ensureRoom(doc, y, height + 6);
  cells.forEach((cell, i) => {
    const col = COLUMNS[i]!;
    doc.text(cell, col.x, y, { width: col.width, align: col.align });
  });
  y += height + 4;
  if (header) doc.moveTo(MARGIN, y - 1).lineTo(PAGE.width - MARGIN, y - 1).lineWidth(0.5).stroke();
  doc.fontSize(10);
  return y;
}

// A new page when what follows does not fit.
function ensureRoom(doc: PDFKit.PDFDocument, y: number, needed: number): number {
  if (y + needed <= PAGE.height - MARGIN) return y;
  doc.addPage();
  return MARGIN;
}

function billToLines(invoice: InvoiceView, parties: InvoiceParties): string[] {
  const to = invoice.billTo;
  switch (to.kind) {
    case 'USER':
      return parties.customer ? [parties.customer.name, ...(parties.customer.email ? [parties.customer.email] : [])] : [`Customer ${to.userId}`];
    case 'GUEST':
      return [to.email];
    case 'ACCOUNT':
      return [to.name, ...(to.address ? to.address.split('\n') : []), ...(to.email ? [to.email] : []), ...(to.vatId ? [`VAT ID: ${to.vatId}`] : [])];
  }
}

const kindTitle = (invoice: InvoiceView) => (invoice.kind === 'CREDIT_NOTE' ? 'Credit note' : 'Invoice');
const day = (iso: string) => iso.slice(0, 10);

function statusText(invoice: InvoiceView): string {
  if (invoice.kind === 'CREDIT_NOTE') return invoice.status === 'OPEN' ? 'Refund due' : 'Settled';
  switch (invoice.status) {
    case 'PAID':
      return `Paid${invoice.paidAt ? ` on ${day(invoice.paidAt)}` : ''}`;
    case 'VOID':
      return 'Void (credited in full)';
    case 'OPEN':
      return invoice.paymentFailureReason ? 'Open (payment failed)' : 'Open';
  }
}

import { refId, requiredRefId } from '../../db/ref.js';
import { Dec, formatMoney } from '../pricing/money.js';
import { isoOrNull } from '../timestamps.js';
import type { Invoice, InvoiceKind, InvoiceLine, InvoiceStatus } from './invoice.entity.js';
import { taxBreakdown, type TaxAmount } from './invoice-lines.js';
import type { BillTo } from './invoice.ports.js';

export interface InvoiceLineView {
  position: number;
  description: string;
  quantity: string;
  unit: string | null;
  unitPriceExclVat: string | null;
  vatRate: string | null;
  exclVat: string;
  vat: string;
  inclVat: string;
  cdrId: string | null;
}

export interface InvoiceView {
  id: string;
  organisationId: string;
  number: string;
  kind: InvoiceKind;
  status: InvoiceStatus;
  currency: string;
  totalExclVat: string;
  totalVat: string;
  totalInclVat: string;
  taxBreakdown: TaxAmount[];
  lines: InvoiceLineView[];
  billTo: BillTo;
  userId: string | null;
  issuedAt: string;
  periodStart: string | null;
  periodEnd: string | null;
  paidAt: string | null;
  paymentProvider: string | null;
  paymentReference: string | null;
  paymentFailureReason: string | null;
  lastPaymentAttemptAt: string | null;
  creditsInvoiceId: string | null;
  /** For a credit note: the number of the invoice it corrects. */
  creditsInvoiceNumber: string | null;
  creditNoteReason: string | null;
  /** For an invoice: what its credit notes took off, as a positive amount. */
  creditedInclVat: string;
  /** What is still owed: an open invoice's total less its credit notes; 0 otherwise. */
  balanceInclVat: string;
}

export interface InvoiceExtras {
  lines: InvoiceLine[];
  /** Sum of the credit notes' totalInclVat (negative or 0). */
  creditNotesInclVat: string;
  creditsInvoiceNumber: string | null;
}

export function toLineView(l: InvoiceLine, currency: string): InvoiceLineView {
  return {
    position: l.position,
    description: l.description,
    quantity: new Dec(l.quantity).toString(),
    unit: l.unit ?? null,
    unitPriceExclVat: l.unitPriceExclVat == null ? null : new Dec(l.unitPriceExclVat).toString(),
    vatRate: l.vatRate == null ? null : new Dec(l.vatRate).toString(),
    exclVat: formatMoney(l.exclVat, currency),
    vat: formatMoney(l.vat, currency),
    inclVat: formatMoney(l.inclVat, currency),
    cdrId: l.cdrId ?? null,
  };
}

export function toInvoiceView(i: Invoice, extras: InvoiceExtras): InvoiceView {
  const { currency } = i;
  const lines = [...extras.lines].sort((a, b) => a.position - b.position).map((l) => toLineView(l, currency));
  const credited = new Dec(extras.creditNotesInclVat).negated();
  const balance = i.kind === 'INVOICE' && i.status === 'OPEN' ? Dec.max(new Dec(i.totalInclVat).minus(credited), 0) : new Dec(0);
  return {
    id: i.id,
    organisationId: requiredRefId(i.organisation),
    number: i.number,
    kind: i.kind,
    status: i.status,
    currency,
    totalExclVat: formatMoney(i.totalExclVat, currency),
    totalVat: formatMoney(i.totalVat, currency),
    totalInclVat: formatMoney(i.totalInclVat, currency),
    taxBreakdown: taxBreakdown(lines, currency),
    lines,
    billTo: i.billTo,
    userId: refId(i.user),
    issuedAt: i.issuedAt.toISOString(),
    periodStart: isoOrNull(i.periodStart),
    periodEnd: isoOrNull(i.periodEnd),
    paidAt: isoOrNull(i.paidAt),
    paymentProvider: i.paymentProvider ?? null,
    paymentReference: i.paymentReference ?? null,
    paymentFailureReason: i.paymentFailureReason ?? null,
    lastPaymentAttemptAt: isoOrNull(i.lastPaymentAttemptAt),
    creditsInvoiceId: i.creditsInvoiceId ?? null,
    creditsInvoiceNumber: extras.creditsInvoiceNumber,
    creditNoteReason: i.creditNoteReason ?? null,
    creditedInclVat: formatMoney(credited, currency),
    balanceInclVat: formatMoney(balance, currency),
  };
}

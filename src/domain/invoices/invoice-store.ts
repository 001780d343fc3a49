import type { EntityManager } from '@mikro-orm/postgresql';
import { visibleRowsWhere, type Visibility } from '../accounts/viewer.js';
import { InvoiceCounterSchema, InvoiceLineSchema, InvoiceSchema, type Invoice, type InvoiceKind, type InvoiceStatus } from './invoice.entity.js';
import { formatInvoiceNumber, INVOICE_SERIES, numberingYear } from './invoice-number.js';
import type { InvoiceTotals } from './invoice-lines.js';
import type { BillTo, InvoiceLineInput } from './invoice.ports.js';
import { toInvoiceView, type InvoiceView } from './invoice.views.js';

// The invoices area's queries of its own rows: numbering, inserting, reading back as views.

export interface NewInvoice {
  organisationId: string;
  kind: InvoiceKind;
  status: InvoiceStatus;
  billTo: BillTo;
  sourceKey: string;
  currency: string;
  lines: InvoiceLineInput[];
  totals: InvoiceTotals;
  issuedAt: Date;
  periodStart: Date | null;
  periodEnd: Date | null;
  creditsInvoiceId: string | null;
  creditNoteReason: string | null;
}

/**
 * The next number of the operator's series for the year. Must run in the transaction that
 * inserts the invoice: the upsert locks the counter row until it commits (other issuers of
 * the operator wait) and a rollback gives the number back, so numbers have no gaps.
 */
export async function takeNumber(tx: EntityManager, organisationId: string, kind: InvoiceKind, issuedAt: Date): Promise<string> {
  const series = INVOICE_SERIES[kind];
  const year = numberingYear(issuedAt);
  const meta = tx.getMetadata(InvoiceCounterSchema);
  const rows: { last_number: number }[] = await tx.execute(
    `insert into ${meta.tableName} (organisation_id, series, year, last_number) values (?, ?, ?, 1)
     on conflict (organisation_id, series, year) do update set last_number = ${meta.tableName}.last_number + 1
     returning last_number`,
    [organisationId, series, year],
  );
  return formatInvoiceNumber(series, year, rows[0]!.last_number);
}

/** Inserts an invoice and its lines; the caller's transaction commits them with the number. */
export async function insertInvoice(tx: EntityManager, data: NewInvoice): Promise<Invoice> {
  const number = await takeNumber(tx, data.organisationId, data.kind, data.issuedAt);
  const invoice = tx.create(InvoiceSchema, {
    organisation: data.organisationId,
    number,
    kind: data.kind,
    status: data.status,
    creditsInvoiceId: data.creditsInvoiceId,
    creditNoteReason: data.creditNoteReason,
    billTo: data.billTo,
    user: data.billTo.kind === 'USER' ? data.billTo.userId : null,
    sourceKey: data.sourceKey,
    currency: data.currency,
    totalExclVat: data.totals.exclVat,
    totalVat: data.totals.vat,
    totalInclVat: data.totals.inclVat,
    issuedAt: data.issuedAt,
    periodStart: data.periodStart,
    periodEnd: data.periodEnd,
    paidAt: null,
    paymentProvider: null,
    paymentReference: null,
    paymentFailureReason: null,
    lastPaymentAttemptAt: null,
  });
  data.lines.forEach((line, i) =>
    tx.create(InvoiceLineSchema, {
      invoice,
      position: i + 1,
      description: line.description,
      quantity: line.quantity,
      unit: line.unit,
      unitPriceExclVat: line.unitPriceExclVat,
      vatRate: line.vatRate,
      exclVat: line.exclVat,
      vat: line.vat,
      inclVat: line.inclVat,
      cdrId: line.cdrId ?? null,
    }),
  );
  await tx.flush();
  return invoice;
}

/** The rows a caller may see: drivers the invoices addressed to them, operators their own, admins all. */
export function visibleWhere(visibility: Visibility): Record<string, unknown> {
  return visibleRowsWhere(visibility, { organisation: 'organisation', driver: 'user' });
}

/** Views of these invoices, with their lines and what credit notes took off, in one read each. */
export async function toViews(em: EntityManager, invoices: Invoice[]): Promise<InvoiceView[]> {
  if (invoices.length === 0) return [];
  const ids = invoices.map((i) => i.id);
  const lines = await em.find(InvoiceLineSchema, { invoice: { $in: ids } }, { orderBy: { position: 'asc' } });
  const linesOf = new Map<string, typeof lines>();
  for (const l of lines) {
    const id = typeof l.invoice === 'string' ? l.invoice : l.invoice.id;
    linesOf.set(id, [...(linesOf.get(id) ?? []), l]);
  }
  const credited = await creditNoteSums(em, ids);
  const originalIds = invoices.map((i) => i.creditsInvoiceId).filter((id): id is string => id != null);
  const numbers = new Map<string, string>();
  if (originalIds.length > 0) {
    const rows = await em.find(InvoiceSchema, { id: { $in: originalIds } }, { fields: ['id', 'number'] });
    for (const r of rows) numbers.set(r.id, r.number);
  }
  return invoices.map((i) => {
    const original = i.creditsInvoiceId ?? null;
    return toInvoiceView(i, {
      lines: linesOf.get(i.id) ?? [],
      creditNotesInclVat: credited.get(i.id) ?? '0',
      creditsInvoiceNumber: original ? (numbers.get(original) ?? null) : null,
    });
  });
}

/** Per invoice: the sum of its credit notes' totalInclVat (negative). */
export async function creditNoteSums(em: EntityManager, invoiceIds: string[]): Promise<Map<string, string>> {
  if (invoiceIds.length === 0) return new Map();
  const rows: { id: string; total: string }[] = await em.execute(
    `select credits_invoice_id as id, sum(total_incl_vat)::text as total from invoice
      where kind = 'CREDIT_NOTE' and credits_invoice_id in (${invoiceIds.map(() => '?').join(', ')})
      group by credits_invoice_id`,
    invoiceIds,
  );
  return new Map(rows.map((r) => [r.id, r.total]));
}

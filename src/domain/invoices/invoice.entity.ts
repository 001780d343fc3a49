import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { OrganisationSchema } from '../organisations/organisation.entity.js';
import { UserSchema } from '../users/user.entity.js';
import type { BillTo } from './invoice.ports.js';

// OPEN: issued, not (fully) paid. PAID: paid (a credit note: settled). VOID: an open invoice
// credited in full, so nothing is owed. The amounts never change once issued.
export const INVOICE_STATUSES = ['OPEN', 'PAID', 'VOID'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export const INVOICE_KINDS = ['INVOICE', 'CREDIT_NOTE'] as const;
export type InvoiceKind = (typeof INVOICE_KINDS)[number];

export const PAYMENT_PROVIDERS = ['STRIPE', 'INVOICE', 'NONE'] as const;

// Money: numeric(18,6) so revenue sums in SQL are exact; read back as decimal strings.
const money = () => p.decimal('string').precision(18).scale(6);

export const InvoiceSchema = defineEntity({
  name: 'Invoice',
  tableName: 'invoice',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    // The issuer: the operator whose revenue it is. Restrict: an operator with invoices stays.
    organisation: p.manyToOne(OrganisationSchema).deleteRule('restrict'),
    // Gapless per operator and series (invoice-number.ts).
    number: p.string().length(40),
    kind: p.enum([...INVOICE_KINDS]),
    status: p.enum([...INVOICE_STATUSES]),
    // The invoice a credit note corrects. A plain id: defineEntity cannot refer to itself, and
    // invoices are never deleted (their issuer's delete is restricted).
    creditsInvoiceId: p.uuid().nullable(),
    creditNoteReason: p.text().nullable(),
    billTo: p.json<BillTo>(),
    // The driver billed (bill_to USER): who sees it in their app.
    user: p.manyToOne(UserSchema).nullable().deleteRule('set null'),
    // Idempotency: "cdr:<id>" for a session, the caller's key for a period, "credit:<uuid>" for a note.
    sourceKey: p.string().length(200).unique(),
    currency: p.string().length(3),
    totalExclVat: money(),
    totalVat: money(),
    totalInclVat: money(),
    issuedAt: p.datetime(),
    periodStart: p.datetime().nullable(),
    periodEnd: p.datetime().nullable(),
    paidAt: p.datetime().nullable(),
    paymentProvider: p.enum([...PAYMENT_PROVIDERS]).nullable(),
    paymentReference: p.string().length(200).nullable(),
    paymentFailureReason: p.text().nullable(),
    lastPaymentAttemptAt: p.datetime().nullable(),
  },
  uniques: [{ properties: ['organisation', 'number'] }],
  indexes: [
    { properties: ['organisation', 'issuedAt'] },
    { properties: ['user', 'issuedAt'] },
    { properties: ['creditsInvoiceId'] },
  ],
});

export type Invoice = InferEntity<typeof InvoiceSchema>;

export const InvoiceLineSchema = defineEntity({
  name: 'InvoiceLine',
  tableName: 'invoice_line',
  properties: {
    invoice: p.manyToOne(InvoiceSchema).primary().deleteRule('cascade'),
    position: p.integer().primary(),
    description: p.text(),
    quantity: p.decimal('string').precision(18).scale(6),
    unit: p.string().length(20).nullable(),
    unitPriceExclVat: money().nullable(),
    // Percent; null: no VAT applies.
    vatRate: p.decimal('string').precision(7).scale(4).nullable(),
    exclVat: money(),
    vat: money(),
    inclVat: money(),
    // The CDR the line bills. No foreign key: CDRs are the cdrs area's rows.
    cdrId: p.uuid().nullable(),
  },
});

export type InvoiceLine = InferEntity<typeof InvoiceLineSchema>;

// The last number given per operator, series ("INV", "CN") and year. The row is locked by the
// upsert that takes a number, inside the transaction that inserts the invoice, so issuers of one
// operator queue up and a rolled-back issue gives its number back.
export const InvoiceCounterSchema = defineEntity({
  name: 'InvoiceCounter',
  tableName: 'invoice_counter',
  properties: {
    organisation: p.manyToOne(OrganisationSchema).primary().deleteRule('cascade'),
    series: p.string().length(8).primary(),
    year: p.integer().primary(),
    lastNumber: p.integer(),
  },
});

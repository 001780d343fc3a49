import type { Decimal } from '../tariffs/tariff.model.js';

/** Who an invoice is addressed to. */
export type BillTo =
  | { kind: 'USER'; userId: string }
  | { kind: 'GUEST'; email: string }
  /** A fleet or business customer paying by invoice (see payments: billing accounts). */
  | { kind: 'ACCOUNT'; billingAccountId: string; name: string; email: string | null; address: string | null; vatId: string | null };

export interface InvoiceLineInput {
  description: string;
  quantity: Decimal;
  unit: string | null;
  unitPriceExclVat: Decimal | null;
  /** Percent; null: no VAT applies. */
  vatRate: Decimal | null;
  exclVat: Decimal;
  vat: Decimal;
  inclVat: Decimal;
  /** The CDR the line bills, if it bills one. */
  cdrId?: string | null;
}

export interface IssuedInvoice {
  id: string;
  /** Gapless per operator, e.g. "INV-2026-000042". */
  number: string;
  currency: string;
  totalInclVat: Decimal;
  /** totalInclVat in the currency's minor units, for the payment provider. */
  totalInclVatMinor: number;
}

export interface PaymentRecord {
  provider: 'STRIPE' | 'INVOICE' | 'NONE';
  /** The provider's id of the payment (a PaymentIntent id), if any. */
  reference: string | null;
  at: Date;
}

/**
 * The invoices area's port for the other billing areas. Issuing is idempotent per source:
 * asking twice for the same CDR (or the same plan period, or the same account period) returns
 * the first invoice, so a retried job never issues two.
 */
export interface InvoiceIssuer {
  /** The invoice of one pay-as-you-go session (card, guest), issued by the station's operator. */
  issueForSession(cdrId: string, billTo: BillTo): Promise<IssuedInvoice>;
  /** A period invoice (a plan's fee, a fleet's month of sessions) from one operator. */
  issueForPeriod(input: {
    organisationId: string;
    billTo: BillTo;
    /** Idempotency: e.g. "plan:<subscriptionId>:2026-12" or "account:<id>:2026-11". */
    sourceKey: string;
    periodStart: Date;
    periodEnd: Date;
    currency: string;
    lines: InvoiceLineInput[];
  }): Promise<IssuedInvoice>;
  markPaid(invoiceId: string, payment: PaymentRecord): Promise<void>;
  /** The invoice stays open; the reason is kept for the operator. */
  markPaymentFailed(invoiceId: string, reason: string): Promise<void>;
}

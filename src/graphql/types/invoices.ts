import { INVOICE_KINDS, INVOICE_STATUSES } from '../../domain/invoices/invoice.entity.js';
import type { InvoiceLineView, InvoiceView, RevenueRow } from '../../domain/invoices/invoice.service.js';
import type { TaxAmount } from '../../domain/invoices/invoice-lines.js';
import { builder } from '../builder.js';
import { pageRequest, toConnection } from '../pagination.js';
import { anyPermission } from '../scopes.js';
import { OrganisationRef } from './organisation.js';

// Invoices and credit notes. Drivers (billing:self) see those addressed to them; operators and
// API keys (billing:read) their organisation's; admins all. Which ones is the service's call.
const INVOICE_READERS = anyPermission('billing:read', 'billing:self');

const InvoiceKindEnum = builder.enumType('InvoiceKind', { values: INVOICE_KINDS });
const InvoiceStatusEnum = builder.enumType('InvoiceStatus', {
  values: INVOICE_STATUSES,
  description:
    'OPEN: not paid yet (a failed payment leaves it open; see paymentFailureReason); for a credit note: a refund is due. ' +
    'PAID: paid; for a credit note: settled. VOID: an open invoice credited in full, nothing owed.',
});

const TaxAmountRef = builder.objectRef<TaxAmount>('InvoiceTaxAmount').implement({
  description: 'The amounts at one VAT rate.',
  authScopes: INVOICE_READERS,
  fields: (t) => ({
    rate: t.expose('rate', { type: 'Decimal', nullable: true, description: 'Percent; null: lines without VAT.' }),
    exclVat: t.expose('exclVat', { type: 'Decimal' }),
    vat: t.expose('vat', { type: 'Decimal' }),
  }),
});

const InvoiceLineRef = builder.objectRef<InvoiceLineView>('InvoiceLine').implement({
  authScopes: INVOICE_READERS,
  fields: (t) => ({
    position: t.exposeInt('position'),
    description: t.exposeString('description'),
    quantity: t.expose('quantity', { type: 'Decimal' }),
    unit: t.exposeString('unit', { nullable: true }),
    unitPriceExclVat: t.expose('unitPriceExclVat', { type: 'Decimal', nullable: true }),
    vatRate: t.expose('vatRate', { type: 'Decimal', nullable: true, description: 'Percent; null: no VAT applies.' }),
    exclVat: t.expose('exclVat', { type: 'Decimal' }),
    vat: t.expose('vat', { type: 'Decimal' }),
    inclVat: t.expose('inclVat', { type: 'Decimal' }),
    cdrId: t.exposeID('cdrId', { nullable: true, description: 'The charge detail record the line bills.' }),
  }),
});

export const InvoiceRef = builder.objectRef<InvoiceView>('Invoice');
InvoiceRef.implement({
  description:
    'An invoice or credit note, numbered without gaps per operator (INV-<year>-<n>, credit notes CN-<year>-<n>). ' +
    'Never changes once issued, but for its payment status; corrections are credit notes (negative amounts).',
  authScopes: INVOICE_READERS,
  fields: (t) => ({
    id: t.exposeID('id'),
    number: t.exposeString('number'),
    kind: t.expose('kind', { type: InvoiceKindEnum }),
    status: t.expose('status', { type: InvoiceStatusEnum }),
    currency: t.exposeString('currency'),
    totalExclVat: t.expose('totalExclVat', { type: 'Decimal' }),
    totalVat: t.expose('totalVat', { type: 'Decimal' }),
    totalInclVat: t.expose('totalInclVat', { type: 'Decimal' }),
    taxBreakdown: t.field({ type: [TaxAmountRef], description: 'Highest rate first.', resolve: (i) => i.taxBreakdown }),
    lines: t.field({ type: [InvoiceLineRef], resolve: (i) => i.lines }),
    billTo: t.expose('billTo', { type: 'JSON', description: '{ kind: USER, userId } | { kind: GUEST, email } | { kind: ACCOUNT, name, email, address, vatId, billingAccountId }' }),
    issuedAt: t.expose('issuedAt', { type: 'DateTime' }),
    periodStart: t.expose('periodStart', { type: 'DateTime', nullable: true }),
    periodEnd: t.expose('periodEnd', { type: 'DateTime', nullable: true }),
    paidAt: t.expose('paidAt', { type: 'DateTime', nullable: true }),
    paymentFailureReason: t.exposeString('paymentFailureReason', { nullable: true, description: 'Why the last payment attempt failed.' }),
    lastPaymentAttemptAt: t.expose('lastPaymentAttemptAt', { type: 'DateTime', nullable: true }),
    creditedInclVat: t.expose('creditedInclVat', { type: 'Decimal', description: 'What credit notes took off this invoice (positive).' }),
    balanceInclVat: t.expose('balanceInclVat', { type: 'Decimal', description: 'Still owed: an open invoice less its credit notes; 0 otherwise.' }),
    creditNoteReason: t.exposeString('creditNoteReason', { nullable: true }),
    pdfUrl: t.string({
      description: 'GET it with the same Authorization header as the API.',
      resolve: (i, _args, ctx) => ctx.services.invoices.pdfUrl(i.id),
    }),
    creditsInvoice: t.field({
      type: InvoiceRef,
      nullable: true,
      description: 'For a credit note: the invoice it corrects.',
      resolve: (i, _args, ctx) => (i.creditsInvoiceId ? ctx.services.invoices.get(ctx.caller, i.creditsInvoiceId) : null),
    }),
    issuerName: t.string({ description: 'The issuing operator, as the invoice names it.', resolve: (i, _args, ctx) => ctx.services.invoices.issuerName(i) }),
    organisation: t.field({
      type: OrganisationRef,
      nullable: true,
      description: 'The issuing operator; null for callers who do not see organisations (drivers: see issuerName).',
      resolve: (i, _args, ctx) => ctx.services.organisations.get(ctx.caller, i.organisationId),
    }),
  }),
});

const RevenueRef = builder.objectRef<RevenueRow>('Revenue').implement({
  description: 'Of the invoices issued in the period, in one currency.',
  authScopes: { permission: 'billing:read' },
  fields: (t) => ({
    currency: t.exposeString('currency'),
    invoicedExclVat: t.expose('invoicedExclVat', { type: 'Decimal' }),
    invoicedVat: t.expose('invoicedVat', { type: 'Decimal' }),
    invoicedInclVat: t.expose('invoicedInclVat', { type: 'Decimal' }),
    creditedInclVat: t.expose('creditedInclVat', { type: 'Decimal', description: 'Credit notes issued in the period (positive).' }),
    paidInclVat: t.expose('paidInclVat', { type: 'Decimal' }),
    outstandingInclVat: t.expose('outstandingInclVat', { type: 'Decimal', description: 'Open invoices less their credit notes.' }),
  }),
});

const InvoiceFilter = builder.inputType('InvoiceFilter', {
  fields: (t) => ({
    status: t.field({ type: InvoiceStatusEnum }),
    kind: t.field({ type: InvoiceKindEnum }),
    from: t.field({ type: 'DateTime', description: 'Issued at or after.' }),
    to: t.field({ type: 'DateTime', description: 'Issued before.' }),
    organisationId: t.id({ description: 'Admins: one operator\'s.' }),
  }),
});

const CreditNoteLineInput = builder.inputType('CreditNoteLineInput', {
  description: 'A line to credit, in positive amounts; the credit note carries them negated.',
  fields: (t) => ({
    description: t.string({ required: true }),
    quantity: t.field({ type: 'Decimal', required: true }),
    unit: t.string(),
    unitPriceExclVat: t.field({ type: 'Decimal' }),
    vatRate: t.field({ type: 'Decimal', description: 'Percent; none: no VAT.' }),
    exclVat: t.field({ type: 'Decimal', required: true }),
    vat: t.field({ type: 'Decimal', required: true }),
    inclVat: t.field({ type: 'Decimal', required: true }),
  }),
});

const IssueCreditNoteInput = builder.inputType('IssueCreditNoteInput', {
  fields: (t) => ({
    invoiceId: t.id({ required: true }),
    reason: t.string({ required: true }),
    lines: t.field({ type: [CreditNoteLineInput], description: 'None: the whole invoice (only while nothing of it is credited).' }),
  }),
});

const RevenueInput = builder.inputType('RevenueInput', {
  fields: (t) => ({
    from: t.field({ type: 'DateTime', required: true }),
    to: t.field({ type: 'DateTime', required: true }),
    organisationId: t.id({ description: 'Admins: one operator\'s (none: all). Operators: their own only.' }),
  }),
});

builder.queryFields((t) => ({
  invoices: t.connection({
    type: InvoiceRef,
    description: 'Newest first. Drivers: invoices addressed to them; operators and API keys: their organisation\'s; admins: all.',
    args: { filter: t.arg({ type: InvoiceFilter }) },
    authScopes: INVOICE_READERS,
    resolve: async (_root, args, ctx) =>
      toConnection(
        await ctx.services.invoices.list(
          ctx.caller,
          {
            status: args.filter?.status ?? null,
            kind: args.filter?.kind ?? null,
            from: args.filter?.from ?? null,
            to: args.filter?.to ?? null,
            organisationId: args.filter?.organisationId ? String(args.filter.organisationId) : null,
          },
          pageRequest(args),
        ),
      ),
  }),
  invoice: t.field({
    type: InvoiceRef,
    nullable: true,
    description: 'Null for an invoice the caller may not see.',
    args: { id: t.arg.id({ required: true }) },
    authScopes: INVOICE_READERS,
    resolve: (_root, args, ctx) => ctx.services.invoices.get(ctx.caller, String(args.id)),
  }),
  revenue: t.field({
    type: [RevenueRef],
    description: 'Per currency, of the invoices issued in [from, to): invoiced, credited, paid, outstanding.',
    args: { input: t.arg({ type: RevenueInput, required: true }) },
    authScopes: { permission: 'billing:read' },
    resolve: (_root, { input }, ctx) =>
      ctx.services.invoices.revenue(ctx.caller, { from: input.from, to: input.to, organisationId: input.organisationId ? String(input.organisationId) : null }),
  }),
  unpaidInvoices: t.connection({
    type: InvoiceRef,
    description: 'Open invoices with a balance, oldest first. Operators: their organisation\'s.',
    args: { organisationId: t.arg.id({ description: 'Admins: one operator\'s.' }) },
    authScopes: { permission: 'billing:read' },
    resolve: async (_root, args, ctx) =>
      toConnection(
        await ctx.services.invoices.unpaidInvoices(ctx.caller, pageRequest(args), { organisationId: args.organisationId ? String(args.organisationId) : null }),
      ),
  }),
}));

builder.mutationField('issueCreditNote', (t) =>
  t.field({
    type: InvoiceRef,
    description: 'Corrects an issued invoice with a credit note (never more than is left to credit). Crediting an open invoice in full voids it.',
    args: { input: t.arg({ type: IssueCreditNoteInput, required: true }) },
    authScopes: { permission: 'billing:manage' },
    resolve: (_root, { input }, ctx) =>
      ctx.services.invoices.issueCreditNote(
        ctx.caller,
        String(input.invoiceId),
        input.reason,
        input.lines?.map((l) => ({
          description: l.description,
          quantity: l.quantity,
          unit: l.unit ?? null,
          unitPriceExclVat: l.unitPriceExclVat ?? null,
          vatRate: l.vatRate ?? null,
          exclVat: l.exclVat,
          vat: l.vat,
          inclVat: l.inclVat,
        })) ?? null,
      ),
  }),
);

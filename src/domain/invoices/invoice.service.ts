import { randomUUID } from 'node:crypto';
import {
  ForeignKeyConstraintViolationException,
  LockMode,
  UniqueConstraintViolationException,
  type EntityManager,
  type MikroORM,
} from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Caller } from '../caller.js';
import type { CdrSource, CdrView } from '../cdrs/cdr.types.js';
import { isUuid } from '../ids.js';
import { parseInput } from '../input.js';
import { decodeCursor, encodeCursor, toPage, type Page, type PageRequest } from '../pagination.js';
import { Dec, formatMoney, isCurrency, toMinorUnits } from '../pricing/money.js';
import { InvoiceSchema, INVOICE_KINDS, INVOICE_STATUSES, type Invoice } from './invoice.entity.js';
import { checkedLines, linesFromCdr, negatedLines, totalsOf } from './invoice-lines.js';
import type { BillTo, InvoiceIssuer, InvoiceLineInput, IssuedInvoice, PaymentRecord } from './invoice.ports.js';
import { revenueOf, unpaidInvoiceIds, type RevenueRow, hasUnpaidInvoice } from './invoice-reports.js';
import { creditNoteSums, insertInvoice, toViews, visibleWhere, type NewInvoice } from './invoice-store.js';
import { renderInvoicePdf } from './invoice-pdf.js';
import type { InvoiceView } from './invoice.views.js';
import { invalidInvoice, InvoicesError } from './invoices.errors.js';

export type { InvoiceLineView, InvoiceView } from './invoice.views.js';
export type { RevenueRow } from './invoice-reports.js';

export interface InvoiceFilter {
  status?: (typeof INVOICE_STATUSES)[number] | null;
  kind?: (typeof INVOICE_KINDS)[number] | null;
  /** Issued at or after. */
  from?: Date | null;
  /** Issued before. */
  to?: Date | null;
  organisationId?: string | null;
}

const billToInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('USER'), userId: z.string().uuid() }),
  z.object({ kind: z.literal('GUEST'), email: z.string().trim().email().max(320) }),
  z.object({
    kind: z.literal('ACCOUNT'),
    billingAccountId: z.string().min(1).max(100),
    name: z.string().trim().min(1).max(200),
    email: z.string().trim().email().max(320).nullable(),
    address: z.string().trim().max(1000).nullable(),
    vatId: z.string().trim().max(50).nullable(),
  }),
]);

const periodInput = z
  .object({
    organisationId: z.string().uuid(),
    billTo: billToInput,
    sourceKey: z.string().trim().min(1).max(200),
    periodStart: z.date(),
    periodEnd: z.date(),
    currency: z.string().refine(isCurrency, 'not an ISO 4217 currency'),
    lines: z.array(z.any()),
  })
  .refine((d) => d.periodStart < d.periodEnd, { message: 'must be after periodStart', path: ['periodEnd'] });

/** Names the PDF prints, from the organisations and users areas. */
export interface InvoicePartyDirectory {
  organisationName(organisationId: string): Promise<string | null>;
  customer(userId: string): Promise<{ name: string; email: string | null } | null>;
}

export interface InvoiceServiceOptions {
  /** The server's public base URL, for PDF links; none: links relative to it. */
  publicUrl?: () => string;
  now?: () => Date;
}

const reasonInput = z.string().trim().min(1).max(500);
const cursorShape = z.tuple([z.string(), z.string()]);

/**
 * Invoices and credit notes: issued once per source (a CDR, a plan period, an account's month)
 * with a gapless number per operator taken in the issuing transaction; never changed after,
 * but for their payment status. Drivers see the invoices addressed to them, operators their
 * organisation's, admins all; any other is not found.
 */
export class InvoiceService implements InvoiceIssuer {
  constructor(
    private readonly orm: MikroORM,
    private readonly cdrs: CdrSource,
    private readonly parties: InvoicePartyDirectory,
    private readonly options: InvoiceServiceOptions = {},
  ) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** Where the invoice's PDF is downloaded (GET, with the caller's credentials). */
  pdfUrl(invoiceId: string): string {
    return `${this.options.publicUrl?.() ?? ''}/invoices/${encodeURIComponent(invoiceId)}.pdf`;
  }

  /** The issuing operator's name, as the invoice prints it. */
  async issuerName(invoice: InvoiceView): Promise<string> {
    return (await this.parties.organisationName(invoice.organisationId)) ?? 'Charge point operator';
  }

  // --- the port for the other billing areas -------------------------------------------------

  /** Whether the driver has an open invoice with something still owed. */
  async hasUnpaid(userId: string): Promise<boolean> {
    return isUuid(userId) && hasUnpaidInvoice(this.orm.em.fork(), userId);
  }

  /** The invoice (or credit note) already issued for this CDR, if any. */
  async invoiceOfCdr(cdrId: string): Promise<IssuedInvoice | null> {
    const existing = await this.bySourceKey(this.orm.em.fork(), `cdr:${cdrId}`);
    return existing ? issued(existing) : null;
  }

  async issueForSession(cdrId: string, billTo: BillTo): Promise<IssuedInvoice> {
    const sourceKey = `cdr:${cdrId}`;
    const existing = await this.bySourceKey(this.orm.em.fork(), sourceKey);
    if (existing) return issued(existing);
    const cdr = isUuid(cdrId) ? await this.cdrs.byId(cdrId) : null;
    if (!cdr) throw new InvoicesError('CDR_NOT_FOUND', `no CDR ${cdrId}`, { field: 'cdrId' });
    if (!cdr.organisationId) throw invalidInvoice(`CDR ${cdrId}: the station has no operator to issue the invoice`, 'cdrId');
    const to = parseInput(billToInput, billTo, invalidInvoice) as BillTo;
    if (cdr.kind === 'CREDIT') return issued(await this.creditForCdr(cdr, sourceKey));
    const lines = checkedLines(linesFromCdr(cdr), cdr.currency);
    return issued(
      await this.issue({
        organisationId: cdr.organisationId,
        kind: 'INVOICE',
        status: 'OPEN',
        billTo: to,
        sourceKey,
        currency: cdr.currency,
        lines,
        periodStart: cdr.startedAt,
        periodEnd: cdr.stoppedAt,
        creditsInvoiceId: null,
        creditNoteReason: null,
      }),
    );
  }

  async issueForPeriod(input: Parameters<InvoiceIssuer['issueForPeriod']>[0]): Promise<IssuedInvoice> {
    const existing = await this.bySourceKey(this.orm.em.fork(), input.sourceKey?.trim() ?? '');
    if (existing) return issued(existing);
    const data = parseInput(periodInput, input, invalidInvoice);
    const lines = checkedLines(input.lines, data.currency);
    return issued(
      await this.issue({
        organisationId: data.organisationId,
        kind: 'INVOICE',
        status: 'OPEN',
        billTo: data.billTo as BillTo,
        sourceKey: data.sourceKey,
        currency: data.currency,
        lines,
        periodStart: data.periodStart,
        periodEnd: data.periodEnd,
        creditsInvoiceId: null,
        creditNoteReason: null,
      }),
    );
  }

  async markPaid(invoiceId: string, payment: PaymentRecord): Promise<void> {
    await this.orm.em.fork().transactional(async (tx) => {
      const invoice = await this.lockInvoice(tx, invoiceId);
      if (invoice.status === 'PAID') return; // a replayed confirmation changes nothing
      if (invoice.status === 'VOID') {
        throw new InvoicesError('INVOICE_STATE_CONFLICT', `invoice ${invoice.number} is void (credited in full); it cannot be paid`);
      }
      invoice.status = 'PAID';
      invoice.paidAt = payment.at;
      invoice.paymentProvider = payment.provider;
      invoice.paymentReference = payment.reference;
      invoice.lastPaymentAttemptAt = payment.at;
    });
  }

  async markPaymentFailed(invoiceId: string, reason: string): Promise<void> {
    await this.orm.em.fork().transactional(async (tx) => {
      const invoice = await this.lockInvoice(tx, invoiceId);
      // A late failure (a retry racing a success) never un-pays an invoice.
      if (invoice.status !== 'OPEN') return;
      invoice.paymentFailureReason = reason.trim().slice(0, 1000) || 'payment failed';
      invoice.lastPaymentAttemptAt = this.now();
    });
  }

  // --- for callers -------------------------------------------------------------------------

  async get(caller: Caller, id: string): Promise<InvoiceView | null> {
    if (!isUuid(id)) return null;
    const em = this.orm.em.fork();
    const invoice = await em.findOne(InvoiceSchema, { $and: [{ id }, visibleWhere(caller.visibility)] });
    return invoice ? (await toViews(em, [invoice]))[0]! : null;
  }

  /** The invoice as a PDF, for whoever may get() it; null otherwise. */
  async pdf(caller: Caller, id: string): Promise<{ fileName: string; content: Buffer } | null> {
    const invoice = await this.get(caller, id);
    if (!invoice) return null;
    const issuerName = await this.issuerName(invoice);
    const customer = invoice.billTo.kind === 'USER' ? await this.parties.customer(invoice.billTo.userId) : null;
    return { fileName: `${invoice.number}.pdf`, content: await renderInvoicePdf(invoice, { issuerName, customer }) };
  }

  /** Newest first. */
  async list(caller: Caller, filter: InvoiceFilter, page: PageRequest): Promise<Page<InvoiceView>> {
    const em = this.orm.em.fork();
    const and: Record<string, unknown>[] = [visibleWhere(caller.visibility)];
    if (filter.organisationId) and.push(isUuid(filter.organisationId) ? { organisation: filter.organisationId } : { id: null });
    if (filter.status) and.push({ status: filter.status });
    if (filter.kind) and.push({ kind: filter.kind });
    if (filter.from) and.push({ issuedAt: { $gte: filter.from } });
    if (filter.to) and.push({ issuedAt: { $lt: filter.to } });
    if (page.after) {
      const after = decodeCursor(page.after, cursorShape);
      if (!after) throw invalidInvoice('after: not a cursor of this list', 'after');
      const at = new Date(after[0]);
      and.push({ $or: [{ issuedAt: { $lt: at } }, { issuedAt: at, id: { $lt: after[1] } }] });
    }
    const rows = await em.find(InvoiceSchema, { $and: and }, { orderBy: { issuedAt: 'desc', id: 'desc' }, limit: page.first + 1 });
    const views = await toViews(em, rows.slice(0, page.first));
    return { items: views.map((v) => ({ node: v, cursor: cursorOf(v) })), hasNextPage: rows.length > page.first };
  }

  /**
   * A credit note for the invoice: by default the whole of it (only while nothing is credited
   * yet), or these lines (positive amounts to credit). Never more than is left to credit.
   * Crediting an open invoice in full voids it; a credit note of a paid invoice stays OPEN
   * until the refund is recorded (markPaid), one of an open invoice is settled at once.
   */
  async issueCreditNote(caller: Caller, invoiceId: string, reason: string, lines?: InvoiceLineInput[] | null): Promise<InvoiceView> {
    const { visibility } = caller;
    if (visibility.kind !== 'all' && visibility.kind !== 'organisation') {
      throw new InvoicesError('INVOICE_FORBIDDEN', 'credit notes are issued by the operator');
    }
    const why = parseInput(reasonInput, reason, (m) => invalidInvoice(`reason: ${m}`, 'reason'));
    const note = await this.withUniqueRetry(() =>
      this.orm.em.fork().transactional(async (tx) => {
        const original = await this.lockInvoice(tx, invoiceId, visibility);
        const credited = await this.alreadyCredited(tx, original);
        let noteLines: InvoiceLineInput[];
        if (lines && lines.length > 0) {
          noteLines = negatedLines(checkedLines(lines, original.currency), original.currency);
        } else {
          if (!credited.isZero()) {
            throw new InvoicesError('INVOICE_STATE_CONFLICT', `invoice ${original.number} is partly credited already; name the lines to credit`);
          }
          noteLines = negatedLines((await toViews(tx, [original]))[0]!.lines, original.currency);
        }
        return this.credit(tx, original, credited, noteLines, why, `credit:${randomUUID()}`);
      }),
    );
    return (await toViews(this.orm.em.fork(), [note]))[0]!;
  }

  /** Per currency, of invoices issued in [from, to). Operators: their organisation's only. */
  async revenue(caller: Caller, input: { from: Date; to: Date; organisationId?: string | null }): Promise<RevenueRow[]> {
    if (!(input.from < input.to)) throw invalidInvoice('to: must be after from', 'to');
    const organisationId = this.reportScope(caller, input.organisationId ?? null);
    if (organisationId === undefined) return [];
    return revenueOf(this.orm.em.fork(), organisationId, input.from, input.to);
  }

  /** Open invoices with something still owed, oldest first. Operators: their organisation's only. */
  async unpaidInvoices(caller: Caller, page: PageRequest, filter: { organisationId?: string | null } = {}): Promise<Page<InvoiceView>> {
    const organisationId = this.reportScope(caller, filter.organisationId ?? null);
    if (organisationId === undefined) return { items: [], hasNextPage: false };
    const after = page.after ? decodeCursor(page.after, cursorShape) : null;
    if (page.after && !after) throw invalidInvoice('after: not a cursor of this list', 'after');
    const em = this.orm.em.fork();
    const ids = await unpaidInvoiceIds(em, organisationId, after, page.first + 1);
    const rows = ids.length ? await em.find(InvoiceSchema, { id: { $in: ids } }, { orderBy: { issuedAt: 'asc', id: 'asc' } }) : [];
    const views = await toViews(em, rows);
    return toPage(views, page.first, (v) => v, cursorOf);
  }

  // --- inside ------------------------------------------------------------------------------

  /** Issues once per source key: a second ask (or a concurrent one) gets the first invoice. */
  private async issue(data: Omit<NewInvoice, 'issuedAt' | 'totals'>): Promise<Invoice> {
    return this.withUniqueRetry(async () => {
      const em = this.orm.em.fork();
      const existing = await this.bySourceKey(em, data.sourceKey);
      if (existing) return existing;
      try {
        return await em.transactional((tx) => insertInvoice(tx, { ...data, issuedAt: this.now(), totals: totalsOf(data.lines, data.currency) }));
      } catch (err) {
        if (err instanceof ForeignKeyConstraintViolationException) {
          if (err.message.includes('invoice_user_id_foreign')) throw invalidInvoice('billTo.userId: no such user', 'billTo.userId');
          throw invalidInvoice(`organisationId: no organisation ${data.organisationId}`, 'organisationId');
        }
        throw err;
      }
    });
  }

  // A concurrent issuer of the same source won the unique source key: ours rolled back (and its
  // number with it), so asking again finds theirs.
  private async withUniqueRetry(work: () => Promise<Invoice>): Promise<Invoice> {
    try {
      return await work();
    } catch (err) {
      if (!(err instanceof UniqueConstraintViolationException)) throw err;
      return work();
    }
  }

  // A CREDIT CDR corrects a session: a credit note against that session's invoice.
  private async creditForCdr(cdr: CdrView, sourceKey: string): Promise<Invoice> {
    const originalKey = `cdr:${cdr.creditsCdrId}`;
    return this.withUniqueRetry(() =>
      this.orm.em.fork().transactional(async (tx) => {
        const original = await tx.findOne(InvoiceSchema, { sourceKey: originalKey }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!original) throw invalidInvoice(`CDR ${cdr.id} credits CDR ${cdr.creditsCdrId}, which has no invoice`, 'cdrId');
        // Under the original's lock: a concurrent ask for the same CREDIT CDR has committed by now.
        const again = await this.bySourceKey(tx, sourceKey);
        if (again) return again;
        const lines = checkedLines(linesFromCdr(cdr), cdr.currency);
        return this.credit(tx, original, await this.alreadyCredited(tx, original), lines, `Correction of the session (CDR ${cdr.creditsCdrId})`, sourceKey);
      }),
    );
  }

  /** Issues a credit note (lines already negative) in the caller's transaction; the original is locked. */
  private async credit(tx: EntityManager, original: Invoice, credited: Dec, lines: InvoiceLineInput[], reason: string, sourceKey: string): Promise<Invoice> {
    if (original.kind !== 'INVOICE') throw new InvoicesError('INVOICE_STATE_CONFLICT', `${original.number} is a credit note; credit the invoice`);
    const totals = totalsOf(lines, original.currency);
    const amount = new Dec(totals.inclVat).negated();
    if (amount.lte(0)) throw invalidInvoice('lines: a credit note credits a positive amount', 'lines');
    const remaining = new Dec(original.totalInclVat).minus(credited);
    if (amount.gt(remaining)) {
      const left = formatMoney(remaining, original.currency);
      throw new InvoicesError('CREDIT_EXCEEDS_REMAINING', `${original.number}: ${formatMoney(amount, original.currency)} is more than the ${left} ${original.currency} left to credit`, {
        field: 'lines',
        remaining: left,
      });
    }
    const note = await insertInvoice(tx, {
      organisationId: typeof original.organisation === 'string' ? original.organisation : original.organisation.id,
      kind: 'CREDIT_NOTE',
      status: original.status === 'PAID' ? 'OPEN' : 'PAID',
      billTo: original.billTo,
      sourceKey,
      currency: original.currency,
      lines,
      totals,
      issuedAt: this.now(),
      periodStart: original.periodStart ?? null,
      periodEnd: original.periodEnd ?? null,
      creditsInvoiceId: original.id,
      creditNoteReason: reason,
    });
    if (original.status === 'OPEN' && amount.eq(remaining)) {
      original.status = 'VOID';
      await tx.flush();
    }
    return note;
  }

  private async alreadyCredited(tx: EntityManager, original: Invoice): Promise<Dec> {
    const sums = await creditNoteSums(tx, [original.id]);
    return new Dec(sums.get(original.id) ?? 0).negated();
  }

  private async lockInvoice(tx: EntityManager, invoiceId: string, visibility: Caller['visibility'] = { kind: 'all' }): Promise<Invoice> {
    const invoice = isUuid(invoiceId)
      ? await tx.findOne(InvoiceSchema, { $and: [{ id: invoiceId }, visibleWhere(visibility)] }, { lockMode: LockMode.PESSIMISTIC_WRITE })
      : null;
    if (!invoice) throw new InvoicesError('INVOICE_NOT_FOUND', `no invoice ${invoiceId}`, { field: 'invoiceId' });
    return invoice;
  }

  private bySourceKey(em: EntityManager, sourceKey: string): Promise<Invoice | null> {
    return sourceKey ? em.findOne(InvoiceSchema, { sourceKey }) : Promise.resolve(null);
  }

  // Whose reports: an operator's own organisation (another named: none), an admin's choice (null: all).
  private reportScope(caller: Caller, requested: string | null): string | null | undefined {
    const { visibility } = caller;
    if (visibility.kind === 'organisation') return !requested || requested === visibility.organisationId ? visibility.organisationId : undefined;
    if (visibility.kind === 'all') return requested && isUuid(requested) ? requested : requested ? undefined : null;
    return undefined;
  }
}

const cursorOf = (v: InvoiceView) => encodeCursor([v.issuedAt, v.id]);

function issued(invoice: Invoice): IssuedInvoice {
  return {
    id: invoice.id,
    number: invoice.number,
    currency: invoice.currency,
    totalInclVat: formatMoney(invoice.totalInclVat, invoice.currency),
    totalInclVatMinor: toMinorUnits(invoice.totalInclVat, invoice.currency),
  };
}

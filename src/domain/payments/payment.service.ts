import { UniqueConstraintViolationException, type EntityManager, type MikroORM } from '@mikro-orm/postgresql';
import { refId } from '../../db/ref.js';
import type { Logger } from '../../logger.js';
import type { CdrSource, CdrView } from '../cdrs/cdr.types.js';
import type { BillTo, InvoiceIssuer, IssuedInvoice } from '../invoices/invoice.ports.js';
import { toMinorUnits } from '../pricing/money.js';
import type { BillingAccountService } from './billing-account.service.js';
import { PaymentHoldSchema, PaymentSchema, type PaymentHold } from './payment.entity.js';
import type { PaymentMethodService } from './payment-method.service.js';
import { PaymentDeclinedError, type PaymentProvider } from './payment-provider.js';
import type { SessionSettlement, StartPaymentDecision, StartPaymentGate } from './payment.ports.js';
import type { PaymentSettings } from './payment-settings.js';

/**
 * Pay-as-you-go by card: a hold before a start (remote start or Authorize), attached to the
 * session when it starts, captured for the CDR's total after the stop (the rest released), or
 * released when no session ever came. Fleets pay by invoice instead; nobody else is charged.
 */
export class PaymentService implements StartPaymentGate, SessionSettlement {
  constructor(
    private readonly orm: MikroORM,
    private readonly provider: PaymentProvider | null,
    private readonly settings: PaymentSettings,
    private readonly methods: PaymentMethodService,
    private readonly accounts: BillingAccountService,
    private readonly billing: {
      cdrs: CdrSource | null;
      invoices: InvoiceIssuer | null;
      /** Whether a driver owes on an open invoice (for the PAYMENT_BLOCK_UNPAID policy). */
      hasUnpaid?: (userId: string) => Promise<boolean>;
    },
    private readonly log: Logger,
  ) {}

  async holdForStart(input: { userId: string; stationId: string; connectorId: number | null }): Promise<StartPaymentDecision> {
    // The operator's policy: a driver with an unpaid invoice pays it before charging again.
    if (this.settings.blockUnpaid && (await this.billing.hasUnpaid?.(input.userId))) {
      return { kind: 'REFUSED', reason: 'an invoice of yours is unpaid: settle it to charge again' };
    }
    // Card payment off and not required: nothing to ask (and no query on the start path).
    if (!this.provider && !this.settings.required) return { kind: 'NOT_NEEDED', method: 'NONE' };
    if (await this.accounts.accountOf(input.userId)) return { kind: 'NOT_NEEDED', method: 'INVOICE' };
    if (!this.provider) return { kind: 'REFUSED', reason: 'card payment is not available here and this operator requires payment' };
    const em = this.orm.em.fork();
    const now = new Date();
    const pending = await this.pendingHold(em, input, now);
    if (pending) return { kind: 'HELD', holdId: pending.id };

    const method = await this.methods.savedMethodOf(input.userId);
    if (!method) {
      return this.settings.required ? { kind: 'REFUSED', reason: 'add a payment method to charge here' } : { kind: 'NOT_NEEDED', method: 'NONE' };
    }
    // One hold per driver, station and minute: a second ask in the same minute (Authorize after
    // a remote start, a retry) gets the provider's first answer, not a second hold.
    const idempotencyKey = `hold:${input.userId}:${input.stationId}:${Math.floor(now.getTime() / 60_000)}`;
    const earlier = await em.findOne(PaymentHoldSchema, { idempotencyKey });
    if (earlier) return decisionOf(earlier);
    const row = {
      user: input.userId,
      station: input.stationId,
      connectorId: input.connectorId,
      idempotencyKey,
      amountMinor: this.settings.holdAmountMinor,
      currency: this.settings.currency,
      expiresAt: new Date(now.getTime() + this.settings.holdTtlMs),
    };
    let hold: PaymentHold;
    try {
      const intent = await this.provider.createHold({
        ...method,
        amountMinor: row.amountMinor,
        currency: row.currency,
        idempotencyKey,
        metadata: { userId: input.userId, stationId: input.stationId },
        offSession: true,
        confirm: true,
        description: 'Charging session (amount held, the final cost is taken after the session)',
      });
      const held = intent.status === 'requires_capture';
      hold = em.create(PaymentHoldSchema, {
        ...row,
        providerIntentId: intent.id,
        status: held ? 'HELD' : 'FAILED',
        failureReason: held ? null : (intent.lastError ?? `the card needs ${intent.status.replaceAll('_', ' ')}`),
      });
      // Not held (e.g. the bank wants the driver present): nothing may stay authorised.
      if (!held) await this.provider.cancel(intent.id).catch(() => undefined);
    } catch (err) {
      if (!(err instanceof PaymentDeclinedError)) throw err;
      hold = em.create(PaymentHoldSchema, { ...row, providerIntentId: err.intentId, status: 'FAILED', failureReason: err.reason });
    }
    try {
      await em.flush();
    } catch (err) {
      if (!(err instanceof UniqueConstraintViolationException)) throw err;
      const winner = await this.orm.em.fork().findOne(PaymentHoldSchema, { idempotencyKey });
      if (!winner) throw err;
      return decisionOf(winner);
    }
    return decisionOf(hold);
  }

  async attachToSession(input: { userId: string | null; idTag?: string; stationId: string; connectorId: number; sessionId: string }): Promise<void> {
    // Holds exist only with a provider; without one a start costs no query here.
    if (!this.provider || (!input.userId && !input.idTag)) return;
    try {
      const em = this.orm.em.fork();
      const owner = input.userId ? { user: input.userId } : { guestIdTag: input.idTag };
      const hold = await em.findOne(
        PaymentHoldSchema,
        { ...owner, station: input.stationId, status: 'HELD', session: null, $or: [{ connectorId: null }, { connectorId: input.connectorId }] },
        { orderBy: { createdAt: 'desc' } },
      );
      if (!hold) return;
      // Only a hold still HELD: the expiry job may be releasing it at this moment.
      await em.nativeUpdate(PaymentHoldSchema, { id: hold.id, status: 'HELD' }, { status: 'ATTACHED', session: input.sessionId, connectorId: input.connectorId, updatedAt: new Date() });
    } catch (err) {
      // The charger's StartTransaction is answered regardless; the hold then expires and is released.
      this.log.error('could not attach a payment hold to its session', { sessionId: input.sessionId, err });
    }
  }

  async settle(cdrId: string): Promise<void> {
    const { cdrs, invoices } = this.billing;
    if (!cdrs || !invoices) throw new Error('settling needs a CDR source and an invoice issuer');
    const cdr = await cdrs.byId(cdrId);
    if (!cdr) throw new Error(`no CDR ${cdrId}`);
    // A credit CDR is a correction; refunds are the operator's to make.
    if (cdr.kind !== 'SESSION') return;
    const em = this.orm.em.fork();
    const hold = await em.findOne(PaymentHoldSchema, { session: cdr.sessionId, status: { $in: ['ATTACHED', 'CAPTURED', 'FAILED', 'RELEASED'] } });
    if (!hold) return; // a fleet's CDR waits for its monthly invoice; one nobody pays for simply stands
    const billTo: BillTo = refId(hold.user) ? { kind: 'USER', userId: refId(hold.user)! } : { kind: 'GUEST', email: hold.guestEmail ?? '' };
    const invoice = await invoices.issueForSession(cdr.id, billTo);
    await this.capture(em, hold, cdr, invoice, invoices);
  }

  /** Releases holds never attached to a session within their time; returns how many. */
  async expireHolds(now: Date = new Date()): Promise<number> {
    const em = this.orm.em.fork();
    const stale = await em.find(PaymentHoldSchema, { status: { $in: ['HELD', 'PENDING_CONFIRMATION'] }, session: null, expiresAt: { $lte: now } }, { limit: 500 });
    let expired = 0;
    for (const hold of stale) {
      const claimed = await em.nativeUpdate(PaymentHoldSchema, { id: hold.id, status: hold.status, session: null }, { status: 'EXPIRED', updatedAt: new Date() });
      if (claimed === 0 || !hold.providerIntentId || !this.provider) continue;
      try {
        await this.provider.cancel(hold.providerIntentId);
        expired += 1;
      } catch (err) {
        if (err instanceof PaymentDeclinedError) continue; // already captured or cancelled at the provider
        await em.nativeUpdate(PaymentHoldSchema, { id: hold.id, status: 'EXPIRED' }, { status: hold.status });
        this.log.warn('could not release an expired hold; the next run tries again', { holdId: hold.id, err });
      }
    }
    return expired;
  }

  // Capture the CDR's total from the hold, once: the key per CDR makes a retry replay the first
  // capture at the provider, and the payment row makes it a no-op here.
  private async capture(em: EntityManager, hold: PaymentHold, cdr: CdrView, invoice: IssuedInvoice, invoices: InvoiceIssuer): Promise<void> {
    const key = `capture:${cdr.id}`;
    const done = await em.findOne(PaymentSchema, { idempotencyKey: key });
    if (done?.status === 'SUCCEEDED') {
      const paid = done.amountMinor === 0 ? { provider: 'NONE' as const, reference: null } : { provider: 'STRIPE' as const, reference: done.providerReference ?? null };
      return invoices.markPaid(invoice.id, { ...paid, at: done.createdAt });
    }
    if (done) return invoices.markPaymentFailed(invoice.id, done.failureReason ?? 'the capture failed');
    if (!this.provider || !hold.providerIntentId) throw new Error('card payment is off: a hold cannot be captured');

    const total = toMinorUnits(cdr.totalInclVat, cdr.currency);
    const record = (status: 'SUCCEEDED' | 'FAILED', amountMinor: number, failureReason: string | null) => {
      em.create(PaymentSchema, {
        kind: 'CAPTURE',
        status,
        hold: hold.id,
        user: refId(hold.user),
        cdrId: cdr.id,
        invoiceId: invoice.id,
        invoiceNumber: invoice.number,
        provider: 'STRIPE',
        providerReference: hold.providerIntentId,
        amountMinor,
        currency: cdr.currency,
        failureReason,
        idempotencyKey: key,
      });
    };
    const fail = async (reason: string) => {
      hold.failureReason = reason;
      if (hold.status === 'ATTACHED') hold.status = 'FAILED';
      record('FAILED', total, reason);
      await em.flush();
      await invoices.markPaymentFailed(invoice.id, reason);
    };
    if (hold.status !== 'ATTACHED') return fail(`the hold was ${hold.status.toLowerCase()} before the session was settled`);
    if (cdr.currency !== hold.currency) {
      await this.provider.cancel(hold.providerIntentId).catch(() => undefined);
      return fail(`the session was priced in ${cdr.currency} but ${hold.currency} was held`);
    }
    if (total <= 0) {
      // Nothing to take: release the whole hold.
      await this.provider.cancel(hold.providerIntentId).catch((err) => {
        if (!(err instanceof PaymentDeclinedError)) throw err;
      });
      hold.status = 'RELEASED';
      hold.capturedMinor = 0;
      record('SUCCEEDED', 0, null);
      await em.flush();
      return invoices.markPaid(invoice.id, { provider: 'NONE', reference: null, at: new Date() });
    }
    const amount = Math.min(total, hold.amountMinor);
    try {
      const intent = await this.provider.capture(hold.providerIntentId, amount, key);
      if (intent.status !== 'succeeded') return fail(intent.lastError ?? `the capture is ${intent.status}`);
    } catch (err) {
      if (!(err instanceof PaymentDeclinedError)) throw err; // the provider unreachable: the job retries
      return fail(err.reason);
    }
    hold.status = 'CAPTURED';
    hold.capturedMinor = amount;
    record('SUCCEEDED', amount, null);
    await em.flush();
    if (amount === total) return invoices.markPaid(invoice.id, { provider: 'STRIPE', reference: hold.providerIntentId, at: new Date() });

    // Cost more than was held: the rest from the driver's saved card; a guest's invoice stays open.
    const rest = total - amount;
    const userId = refId(hold.user);
    const charged = userId
      ? await this.methods.chargeSavedMethod({ userId, amountMinor: rest, currency: cdr.currency, description: `Charging session ${cdr.sessionId} (beyond the amount held)`, idempotencyKey: `rest:${cdr.id}` })
      : { status: 'FAILED' as const, reason: 'the cost exceeded the amount held' };
    if (charged.status === 'SUCCEEDED') return invoices.markPaid(invoice.id, { provider: 'STRIPE', reference: hold.providerIntentId, at: new Date() });
    await invoices.markPaymentFailed(invoice.id, `the amount held was taken; the rest is unpaid: ${charged.reason}`);
  }

  private async pendingHold(em: EntityManager, input: { userId: string; stationId: string; connectorId: number | null }, now: Date) {
    const connector = input.connectorId === null ? {} : { $or: [{ connectorId: null }, { connectorId: input.connectorId }] };
    return em.findOne(
      PaymentHoldSchema,
      { user: input.userId, station: input.stationId, status: 'HELD', session: null, expiresAt: { $gt: now }, ...connector },
      { orderBy: { createdAt: 'desc' } },
    );
  }
}

function decisionOf(hold: PaymentHold): StartPaymentDecision {
  if (hold.status === 'HELD' || hold.status === 'ATTACHED') return { kind: 'HELD', holdId: hold.id };
  return { kind: 'REFUSED', reason: hold.failureReason ?? 'the payment hold failed' };
}

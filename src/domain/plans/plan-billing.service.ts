import { LockMode, type MikroORM } from '@mikro-orm/postgresql';
import { requiredRefId } from '../../db/ref.js';
import type { InvoiceIssuer } from '../invoices/invoice.ports.js';
import type { JobQueue } from '../jobs.js';
import type { OffSessionCharger } from '../payments/payment.ports.js';
import { Dec } from '../pricing/money.js';
import { planFee } from './plan-fee.js';
import { describePeriod, periodContaining } from './plan-periods.js';
import { feeSourceKey, openPeriod } from './subscription-periods.js';
import { LIVE_STATUSES, SubscriptionPeriodSchema, SubscriptionSchema } from './subscription.entity.js';

/** A period fee that could not be charged; thrown so the job queue tries again. */
export class PlanFeeNotPaid extends Error {
  constructor(readonly periodId: string, readonly reason: string) {
    super(`plan fee of period ${periodId} not paid: ${reason}`);
    this.name = 'PlanFeeNotPaid';
  }
}

const ROLL_BATCH = 200;

/**
 * The scheduled side of plans, run by jobs: closing ended periods (and opening the next, or
 * ending the subscription) and billing each period's fee through the invoices and payments
 * areas' ports. Every step is idempotent, since jobs run at least once.
 */
export class PlanBillingService {
  constructor(
    private readonly orm: MikroORM,
    private readonly jobs: JobQueue,
    private readonly invoices: InvoiceIssuer,
    private readonly charger: OffSessionCharger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * For each live subscription whose period has ended: a cancelling one is CANCELLED; one still
   * PAST_DUE is CANCELLED too (its open invoice stays owed; no further fees pile up); any other
   * gets the period containing now, billed by a job sent in the same transaction. Periods that
   * passed while nothing ran are skipped, not billed.
   */
  async rollPeriods(): Promise<{ renewed: number; cancelled: number }> {
    const now = this.clock();
    const outcome = { renewed: 0, cancelled: 0 };
    for (;;) {
      const due = await this.orm.em
        .fork()
        .find(
          SubscriptionSchema,
          { status: { $in: [...LIVE_STATUSES] }, currentPeriodEnd: { $lte: now } },
          { fields: ['id'], orderBy: { currentPeriodEnd: 'asc' }, limit: ROLL_BATCH },
        );
      for (const { id } of due) {
        const result = await this.rollOne(id, now);
        if (result) outcome[result] += 1;
      }
      if (due.length < ROLL_BATCH) return outcome;
    }
  }

  private rollOne(subscriptionId: string, now: Date): Promise<'renewed' | 'cancelled' | null> {
    return this.orm.em.fork().transactional(async (tx) => {
      // Re-read under a lock: another node's run may have rolled it meanwhile.
      const sub = await tx.findOne(SubscriptionSchema, { id: subscriptionId }, { lockMode: LockMode.PESSIMISTIC_WRITE, populate: ['plan'] });
      if (!sub || !LIVE_STATUSES.includes(sub.status) || sub.currentPeriodEnd.getTime() > now.getTime()) return null;
      if (sub.cancelAtPeriodEnd || sub.status === 'PAST_DUE') {
        sub.status = 'CANCELLED';
        sub.cancelledAt = sub.currentPeriodEnd;
        await tx.flush();
        return 'cancelled';
      }
      const next = periodContaining(sub.startedAt, now)!;
      await openPeriod(tx, this.jobs, sub, sub.plan, next);
      return 'renewed';
    });
  }

  /**
   * Issues the period's fee invoice (idempotent per source key) and charges the driver's saved
   * method. Paid: the invoice is marked paid, a PAST_DUE subscription is back in force. Not
   * paid: the invoice is marked failed, the subscription PAST_DUE, and this throws so the job
   * is retried; the last failure leaves it PAST_DUE. A free plan's period is paid as it is.
   */
  async billPeriod(periodId: string): Promise<void> {
    const em = this.orm.em.fork();
    const period = await em.findOne(SubscriptionPeriodSchema, { id: periodId }, { populate: ['subscription', 'subscription.plan'] });
    if (!period || period.feeStatus === 'PAID') return;
    const sub = period.subscription;
    const plan = sub.plan;
    const userId = requiredRefId(sub.user);
    const fee = planFee({ currency: plan.currency, monthlyFee: plan.monthlyFee, feeVatRate: plan.feeVatRate ?? null });
    if (new Dec(fee.inclVat).isZero()) {
      period.feeStatus = 'PAID';
      await em.flush();
      return;
    }
    const sourceKey = feeSourceKey(sub.id, period.periodStart);
    const description = `Plan ${plan.name}, ${describePeriod({ start: period.periodStart, end: period.periodEnd })}`;
    const invoice = await this.invoices.issueForPeriod({
      organisationId: requiredRefId(plan.organisation),
      billTo: { kind: 'USER', userId },
      sourceKey,
      periodStart: period.periodStart,
      periodEnd: period.periodEnd,
      currency: plan.currency,
      lines: [
        {
          description,
          quantity: '1',
          unit: 'month',
          unitPriceExclVat: fee.exclVat,
          vatRate: fee.vatRate,
          exclVat: fee.exclVat,
          vat: fee.vat,
          inclVat: fee.inclVat,
        },
      ],
    });
    if (period.feeInvoiceId !== invoice.id) {
      period.feeInvoiceId = invoice.id;
      await em.flush();
    }
    // Each recorded attempt gets its own key (a provider replays a key's first answer, failures
    // included); an attempt that crashed before its outcome was recorded reuses its key, so it
    // never charges twice. The first attempt's key is the invoice's source key.
    const idempotencyKey = period.attempts === 0 ? sourceKey : `${sourceKey}:retry-${period.attempts}`;
    const charge = await this.charger.chargeSavedMethod({
      userId,
      amountMinor: invoice.totalInclVatMinor,
      currency: invoice.currency,
      description,
      idempotencyKey,
    });
    if (charge.status === 'SUCCEEDED') {
      await this.invoices.markPaid(invoice.id, { provider: 'STRIPE', reference: charge.reference, at: this.clock() });
      period.feeStatus = 'PAID';
      period.feeFailureReason = null;
      period.attempts += 1;
      if (sub.status === 'PAST_DUE') sub.status = sub.cancelAtPeriodEnd ? 'CANCELLING' : 'ACTIVE';
      await em.flush();
      return;
    }
    const reason = charge.status === 'NO_METHOD' ? `no saved payment method: ${charge.reason}` : charge.reason;
    await this.invoices.markPaymentFailed(invoice.id, reason);
    period.feeStatus = 'FAILED';
    period.feeFailureReason = reason.slice(0, 500);
    period.attempts += 1;
    if (sub.status === 'ACTIVE' || sub.status === 'CANCELLING') sub.status = 'PAST_DUE';
    await em.flush();
    throw new PlanFeeNotPaid(periodId, reason);
  }
}

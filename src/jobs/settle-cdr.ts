import { Dec } from '../domain/pricing/money.js';
import type { JobHandler } from './job-queue.js';
import type { JobServices } from './index.js';

/**
 * Bills a new CDR, once it is committed, in this order: the plan's allowance is counted; a
 * card hold is captured and its receipt invoice issued (the payments area); a fleet driver's
 * CDR waits for the account's monthly invoice; any other driver gets an open invoice to pay;
 * a credit record becomes a credit note on the invoice it corrects. A session of nobody (an
 * operator's own card) keeps its CDR and nothing more. Every step is idempotent per CDR, so a
 * retried job repeats nothing.
 */
export function settleCdrJob(s: Pick<JobServices, 'cdrs' | 'plans' | 'payments' | 'invoices' | 'billingAccounts'>): JobHandler<'billing.settle-cdr'> {
  return {
    name: 'billing.settle-cdr',
    run: async ({ cdrId }) => {
      const cdr = await s.cdrs.byId(cdrId);
      if (!cdr) return;
      if (cdr.kind === 'CREDIT') {
        if (cdr.creditsCdrId && (await s.invoices.invoiceOfCdr(cdr.creditsCdrId))) {
          await s.invoices.issueForSession(cdr.id, cdr.userId ? { kind: 'USER', userId: cdr.userId } : { kind: 'GUEST', email: '' });
        }
        return;
      }
      if (cdr.subscriptionId) {
        // Allowance lines are credits: their quantity is the (negative) kWh the plan covered.
        const coveredWh = cdr.lines
          .filter((l) => l.kind === 'PLAN_ALLOWANCE' && l.unit === 'kWh')
          .reduce((wh, l) => wh + new Dec(l.quantity).abs().times(1000).round().toNumber(), 0);
        await s.plans.recordUsage({ subscriptionId: cdr.subscriptionId, cdrId, coveredWh, at: cdr.stoppedAt });
      }
      await s.payments.settle(cdrId);
      if (!cdr.userId || !cdr.organisationId || (await s.invoices.invoiceOfCdr(cdr.id))) return;
      if (await s.billingAccounts.accountOf(cdr.userId)) return;
      await s.invoices.issueForSession(cdr.id, { kind: 'USER', userId: cdr.userId });
    },
  };
}

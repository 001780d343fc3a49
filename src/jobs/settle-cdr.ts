import { Dec } from '../domain/pricing/money.js';
import type { JobHandler } from './job-queue.js';
import type { JobServices } from './index.js';

/**
 * Bills a new CDR, once it is committed: the plan's allowance is counted, then whoever pays is
 * charged (the payments area decides: card capture and receipt invoice, a fleet's month, or
 * nobody). Every step is idempotent per CDR, so a retried job repeats nothing.
 */
export function settleCdrJob(s: JobServices): JobHandler<'billing.settle-cdr'> {
  return {
    name: 'billing.settle-cdr',
    run: async ({ cdrId }) => {
      const cdr = await s.cdrs.byId(cdrId);
      if (!cdr) return;
      if (cdr.kind === 'SESSION' && cdr.subscriptionId && s.plans) {
        // Allowance lines are credits: their quantity is the (negative) kWh the plan covered.
        const coveredWh = cdr.lines
          .filter((l) => l.kind === 'PLAN_ALLOWANCE' && l.unit === 'kWh')
          .reduce((wh, l) => wh + new Dec(l.quantity).abs().times(1000).round().toNumber(), 0);
        await s.plans.recordUsage({ subscriptionId: cdr.subscriptionId, cdrId, coveredWh, at: cdr.stoppedAt });
      }
      await s.settlement?.settle(cdrId);
    },
  };
}

import type { EntityManager } from '@mikro-orm/postgresql';
import type { JobQueue } from '../jobs.js';
import type { Plan } from './plan.entity.js';
import type { BillingPeriod } from './plan-periods.js';
import { SubscriptionPeriodSchema, type Subscription, type SubscriptionPeriod } from './subscription.entity.js';

/** A failed fee charge is tried again this often (after the first), backing off from the delay. */
export const BILL_RETRY = { retryLimit: 3, retryDelaySeconds: 60 } as const;

/**
 * Opens a period of a subscription with the plan's allowance and sends the job that bills it,
 * inside the caller's transaction: the period exists if and only if its billing job does.
 */
export async function openPeriod(
  tx: EntityManager,
  jobs: JobQueue,
  subscription: Subscription,
  plan: Plan,
  period: BillingPeriod,
): Promise<SubscriptionPeriod> {
  const row = tx.create(SubscriptionPeriodSchema, {
    subscription,
    periodStart: period.start,
    periodEnd: period.end,
    includedWh: plan.includedEnergyWh,
    usedWh: 0,
    feeStatus: 'PENDING',
    attempts: 0,
  });
  subscription.currentPeriodStart = period.start;
  subscription.currentPeriodEnd = period.end;
  await tx.flush();
  await jobs.send('plans.bill-period', { periodId: row.id }, { ...BILL_RETRY, within: tx });
  return row;
}

/** The invoice's source key: one fee invoice per subscription and period start. */
export function feeSourceKey(subscriptionId: string, periodStart: Date): string {
  return `plan:${subscriptionId}:${periodStart.toISOString().slice(0, 10)}`;
}

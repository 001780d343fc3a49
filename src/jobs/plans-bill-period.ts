import type { JobHandler } from './job-queue.js';
import type { JobServices } from './index.js';

/** One period's fee: issue the invoice and charge it. A failed charge throws, so the queue retries it. */
export const billPlanPeriod = (s: Pick<JobServices, 'planBilling'>): JobHandler<'plans.bill-period'> => ({
  name: 'plans.bill-period',
  run: ({ periodId }) => s.planBilling.billPeriod(periodId),
});

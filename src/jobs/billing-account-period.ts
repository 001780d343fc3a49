import type { JobHandler, JobSchedule } from './job-queue.js';
import type { JobServices } from './index.js';

/** Each fleet's invoices for the previous month, one per operator and currency (idempotent per account and month). */
export const billingAccountPeriodJob = (s: JobServices): JobHandler<'billing.account-period'> => ({
  name: 'billing.account-period',
  run: async () => {
    await s.billingAccounts.invoicePreviousMonth();
  },
});

// 02:00 UTC on the 1st: the month before is complete, sessions that stopped at midnight included.
export const billingAccountPeriodSchedule: JobSchedule<'billing.account-period'> = { name: 'billing.account-period', cron: '0 2 1 * *', data: {}, tz: 'UTC' };

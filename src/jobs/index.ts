import type { JobName } from '../domain/jobs.js';
import type { BillingAccountService } from '../domain/payments/billing-account.service.js';
import type { GuestCheckoutService } from '../domain/payments/guest-checkout.service.js';
import type { PaymentService } from '../domain/payments/payment.service.js';
import type { Logger } from '../logger.js';
import { billingAccountPeriodJob, billingAccountPeriodSchedule } from './billing-account-period.js';
import type { JobHandler, JobSchedule } from './job-queue.js';
import { expireHoldsJob, expireHoldsSchedule } from './payments-expire-holds.js';
import { guestStartJob } from './payments-guest-start.js';

/** What job handlers may reach: the domain's services, never the ORM. */
export interface JobServices {
  log: Logger;
  payments: PaymentService;
  guestCheckout: GuestCheckoutService;
  billingAccounts: BillingAccountService;
}

// The one list of job handlers and recurring schedules. A new job adds its file here.
export function jobHandlers(s: JobServices): JobHandler<JobName>[] {
  return [
    {
      name: 'system.ping',
      run: async ({ note }) => s.log.info('job queue ping', { note }),
    } satisfies JobHandler<'system.ping'>,
    expireHoldsJob(s),
    guestStartJob(s),
    billingAccountPeriodJob(s),
  ] as JobHandler<JobName>[];
}

export function jobSchedules(): JobSchedule<JobName>[] {
  return [expireHoldsSchedule, billingAccountPeriodSchedule] as JobSchedule<JobName>[];
}

import type { CdrService } from '../domain/cdrs/cdr.service.js';
import type { InvoiceService } from '../domain/invoices/invoice.service.js';
import type { JobName } from '../domain/jobs.js';
import type { LeaseSweepService } from '../domain/nodes/lease-sweep.service.js';
import type { BillingAccountService } from '../domain/payments/billing-account.service.js';
import type { GuestCheckoutService } from '../domain/payments/guest-checkout.service.js';
import type { PaymentService } from '../domain/payments/payment.service.js';
import type { PlanBenefitsSource } from '../domain/plans/plan-benefits.js';
import type { PlanBillingService } from '../domain/plans/plan-billing.service.js';
import type { MeterPartitionService } from '../domain/sessions/meter-partition.service.js';
import type { Logger } from '../logger.js';
import { billingAccountPeriodJob, billingAccountPeriodSchedule } from './billing-account-period.js';
import type { JobHandler, JobSchedule } from './job-queue.js';
import { expireHoldsJob, expireHoldsSchedule } from './payments-expire-holds.js';
import { sweepLeasesJob, sweepLeasesSchedule } from './nodes-sweep-leases.js';
import { guestStartJob } from './payments-guest-start.js';
import { billPlanPeriod } from './plans-bill-period.js';
import { rollPlanPeriods, rollPlanPeriodsSchedule } from './plans-roll-periods.js';
import { priceSessionJob } from './price-session.js';
import { settleCdrJob } from './settle-cdr.js';
import { meterPartitionsJob, meterPartitionsSchedule } from './sessions-meter-partitions.js';

/** What job handlers may reach: the domain's services, never the ORM. */
export interface JobServices {
  log: Logger;
  cdrs: CdrService;
  /** Counts a plan's included energy. */
  plans: PlanBenefitsSource;
  planBilling: PlanBillingService;
  /** Receipts, open invoices and credit notes of CDRs. */
  invoices: Pick<InvoiceService, 'invoiceOfCdr' | 'issueForSession'>;
  /** Holds and their expiry; charges whoever pays for a CDR (its SessionSettlement). */
  payments: PaymentService;
  guestCheckout: GuestCheckoutService;
  billingAccounts: BillingAccountService;
  meterPartitions: Pick<MeterPartitionService, 'ensure'>;
  /** Releases the stations of dead nodes. */
  leaseSweep: Pick<LeaseSweepService, 'sweep'>;
}

// The one list of job handlers and recurring schedules. A new job adds its file here.
export function jobHandlers(s: JobServices): JobHandler<JobName>[] {
  return [
    {
      name: 'system.ping',
      run: async ({ note }) => s.log.info('job queue ping', { note }),
    } satisfies JobHandler<'system.ping'>,
    priceSessionJob(s),
    settleCdrJob(s),
    rollPlanPeriods(s),
    billPlanPeriod(s),
    expireHoldsJob(s),
    guestStartJob(s),
    billingAccountPeriodJob(s),
    meterPartitionsJob(s),
    sweepLeasesJob(s),
  ] as JobHandler<JobName>[];
}

export function jobSchedules(): JobSchedule<JobName>[] {
  return [rollPlanPeriodsSchedule, expireHoldsSchedule, billingAccountPeriodSchedule, meterPartitionsSchedule, sweepLeasesSchedule] as JobSchedule<JobName>[];
}

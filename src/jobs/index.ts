import type { CdrService } from '../domain/cdrs/cdr.service.js';
import type { JobName } from '../domain/jobs.js';
import type { SessionSettlement } from '../domain/payments/payment.ports.js';
import type { PlanBenefitsSource } from '../domain/plans/plan-benefits.js';
import type { PlanBillingService } from '../domain/plans/plan-billing.service.js';
import type { Logger } from '../logger.js';
import { priceSessionJob } from './price-session.js';
import { settleCdrJob } from './settle-cdr.js';
import type { JobHandler, JobSchedule } from './job-queue.js';
import { billPlanPeriod } from './plans-bill-period.js';
import { rollPlanPeriods, rollPlanPeriodsSchedule } from './plans-roll-periods.js';

/** What job handlers may reach: the domain's services, never the ORM. */
export interface JobServices {
  log: Logger;
  cdrs: CdrService;
  /** Counts a plan's included energy; null until plans are wired. */
  plans: PlanBenefitsSource | null;
  /** Charges whoever pays for a CDR; null until payments are wired. */
  settlement: SessionSettlement | null;
  planBilling: PlanBillingService;
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
  ] as JobHandler<JobName>[];
}

export function jobSchedules(): JobSchedule<JobName>[] {
  return [rollPlanPeriodsSchedule] as JobSchedule<JobName>[];
}

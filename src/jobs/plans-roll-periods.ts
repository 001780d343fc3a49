import type { JobHandler, JobSchedule } from './job-queue.js';
import type { JobServices } from './index.js';

/** Closes ended subscription periods; renewals send their own bill jobs. */
export const rollPlanPeriods = (s: Pick<JobServices, 'planBilling' | 'log'>): JobHandler<'plans.roll-periods'> => ({
  name: 'plans.roll-periods',
  run: async () => {
    const { renewed, cancelled } = await s.planBilling.rollPeriods();
    if (renewed || cancelled) s.log.info('subscription periods rolled', { renewed, cancelled });
  },
});

// Periods end at the minute a driver subscribed; a quarter of an hour late is soon enough.
export const rollPlanPeriodsSchedule: JobSchedule<'plans.roll-periods'> = { name: 'plans.roll-periods', cron: '*/15 * * * *', data: {} };

import type { JobHandler, JobSchedule } from './job-queue.js';
import type { JobServices } from './index.js';

/** Holds never attached to a session within PAYMENT_HOLD_TTL are released: a driver who authorised but never plugged in gets the money back. */
export const expireHoldsJob = (s: JobServices): JobHandler<'payments.expire-holds'> => ({
  name: 'payments.expire-holds',
  run: async () => {
    const released = await s.payments.expireHolds();
    if (released) s.log.info('released expired payment holds', { count: released });
  },
});

export const expireHoldsSchedule: JobSchedule<'payments.expire-holds'> = { name: 'payments.expire-holds', cron: '*/10 * * * *', data: {} };

import type { JobHandler } from './job-queue.js';
import type { JobServices } from './index.js';

/** A guest's hold was authorised: start the station for them. */
export const guestStartJob = (s: JobServices): JobHandler<'payments.guest-start'> => ({
  name: 'payments.guest-start',
  run: ({ holdId }) => s.guestCheckout.startStation(holdId),
});

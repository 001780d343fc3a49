import type { JobHandler } from './job-queue.js';
import type { JobServices } from './index.js';

/**
 * The backstop of every stop: makes the session's CDR if the stop could not (a crash, a
 * database hiccup). Idempotent: a record that exists is left as it is.
 */
export function priceSessionJob(s: JobServices): JobHandler<'cdrs.price-session'> {
  return {
    name: 'cdrs.price-session',
    run: async ({ sessionId }) => {
      await s.cdrs.recordSession(sessionId);
    },
  };
}

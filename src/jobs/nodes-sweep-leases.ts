import type { JobHandler, JobSchedule } from './job-queue.js';
import type { JobServices } from './index.js';

/** Marks the stations of nodes whose lease expired (or that never had one) offline. */
export const sweepLeasesJob = (s: Pick<JobServices, 'leaseSweep'>): JobHandler<'nodes.sweep-leases'> => ({
  name: 'nodes.sweep-leases',
  run: async () => {
    await s.leaseSweep.sweep();
  },
});

// Every minute, pg-boss's finest cron. Its clock sends a schedule once per minute for all the
// nodes sharing the job tables (one node wins the cron slot, the send is a 60 s singleton), so no
// sendThrottled is needed; a retry overlapping the next run is harmless (leases are locked SKIP
// LOCKED while swept). A dead node's stations go offline within its TTL plus about a minute.
export const sweepLeasesSchedule: JobSchedule<'nodes.sweep-leases'> = {
  name: 'nodes.sweep-leases',
  cron: '* * * * *',
  data: {},
};

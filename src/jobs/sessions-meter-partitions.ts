import type { JobHandler, JobSchedule } from './job-queue.js';
import type { JobServices } from './index.js';

/** Creates the coming days' meter sample partitions and drops those past the retention. */
export const meterPartitionsJob = (s: Pick<JobServices, 'meterPartitions'>): JobHandler<'sessions.meter-partitions'> => ({
  name: 'sessions.meter-partitions',
  run: async () => {
    await s.meterPartitions.ensure();
  },
});

// Partitions are made a week ahead, so an hourly run has many chances before a day starts.
export const meterPartitionsSchedule: JobSchedule<'sessions.meter-partitions'> = {
  name: 'sessions.meter-partitions',
  cron: '7 * * * *',
  data: {},
};

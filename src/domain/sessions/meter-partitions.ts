// Which daily partitions of meter_sample should exist and which may go. Pure: no I/O.
// A partition covers one UTC day [from, to) and is named meter_sample_pYYYYMMDD.

const DAY_MS = 86_400_000;

export interface DayPartition {
  name: string;
  /** Inclusive lower bound, UTC midnight. */
  from: Date;
  /** Exclusive upper bound, the next UTC midnight. */
  to: Date;
}

export interface PartitionPlanInput {
  now: Date;
  /** Names of the day partitions that exist now (others, like the default partition, are ignored). */
  existing: readonly string[];
  /** Days back and ahead of today to have a partition for. */
  daysBehind: number;
  daysAhead: number;
  /** Drop a day partition once all of it is older than this many days; null keeps everything. */
  retentionDays: number | null;
}

export interface PartitionPlan {
  create: DayPartition[];
  drop: string[];
}

const NAME = /^meter_sample_p(\d{4})(\d{2})(\d{2})$/;

export function startOfUtcDay(t: Date): Date {
  return new Date(Math.floor(t.getTime() / DAY_MS) * DAY_MS);
}

export function dayPartition(day: Date): DayPartition {
  const from = startOfUtcDay(day);
  const iso = from.toISOString();
  return { name: `meter_sample_p${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}`, from, to: new Date(from.getTime() + DAY_MS) };
}

/** The day a partition name stands for, or null when the name is not a day partition. */
export function dayOfPartition(name: string): Date | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return Number.isNaN(day.getTime()) ? null : day;
}

export function planPartitions(input: PartitionPlanInput): PartitionPlan {
  const today = startOfUtcDay(input.now);
  // Nothing older than the retention is created, even if daysBehind would reach it.
  const cutoff = input.retentionDays === null ? null : new Date(input.now.getTime() - input.retentionDays * DAY_MS);
  const have = new Set(input.existing);
  const create: DayPartition[] = [];
  for (let d = -input.daysBehind; d <= input.daysAhead; d++) {
    const p = dayPartition(new Date(today.getTime() + d * DAY_MS));
    if (cutoff && p.to <= cutoff) continue;
    if (!have.has(p.name)) create.push(p);
  }
  const drop = cutoff
    ? input.existing.filter((name) => {
        const day = dayOfPartition(name);
        // A partition goes only when every instant in it is past the retention.
        return day !== null && day.getTime() + DAY_MS <= cutoff.getTime();
      })
    : [];
  return { create, drop: drop.sort() };
}

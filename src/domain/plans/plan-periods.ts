// A subscription's billing periods: calendar months counted from the instant it started, in
// UTC. A subscription started on the 15th at 10:00 runs 15th 10:00 to 15th 10:00; one started on
// the 31st ends its periods on the last day of shorter months (Feb 28th, or 29th in a leap
// year) and is back on the 31st when the month has one, because every period is counted from
// the start, not from the period before. Pure: no I/O, no clock.

export interface BillingPeriod {
  /** 0 for the period the subscription started in. */
  index: number;
  start: Date;
  /** Exclusive: the next period's start. */
  end: Date;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/** The start of period `index`: `months` calendar months after the anchor, the day clamped to the month. */
export function periodStart(anchor: Date, index: number): Date {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`not a period index: ${index}`);
  const months = anchor.getUTCMonth() + index;
  const year = anchor.getUTCFullYear() + Math.floor(months / 12);
  const month = months % 12;
  const day = Math.min(anchor.getUTCDate(), daysInMonth(year, month));
  return new Date(
    Date.UTC(year, month, day, anchor.getUTCHours(), anchor.getUTCMinutes(), anchor.getUTCSeconds(), anchor.getUTCMilliseconds()),
  );
}

export function periodAt(anchor: Date, index: number): BillingPeriod {
  return { index, start: periodStart(anchor, index), end: periodStart(anchor, index + 1) };
}

/** The period containing `at` (start inclusive, end exclusive); null before the subscription started. */
export function periodContaining(anchor: Date, at: Date): BillingPeriod | null {
  if (at.getTime() < anchor.getTime()) return null;
  let index = (at.getUTCFullYear() - anchor.getUTCFullYear()) * 12 + (at.getUTCMonth() - anchor.getUTCMonth());
  // The month difference is right or one too many (at is before the anchor's day in its month).
  if (index > 0 && periodStart(anchor, index).getTime() > at.getTime()) index -= 1;
  while (periodStart(anchor, index + 1).getTime() <= at.getTime()) index += 1;
  return periodAt(anchor, index);
}

/** "2026-01-15 – 2026-02-15", for invoice lines: the end shown is the next period's first day. */
export function describePeriod(period: { start: Date; end: Date }): string {
  return `${period.start.toISOString().slice(0, 10)} – ${period.end.toISOString().slice(0, 10)}`;
}

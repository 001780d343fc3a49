import { describe, expect, it } from 'vitest';
import { describePeriod, periodAt, periodContaining, periodStart } from '../../../src/domain/plans/plan-periods.js';

const d = (iso: string) => new Date(iso);
const iso = (date: Date) => date.toISOString();

// Expected boundaries written out by hand from the calendar, not from the code.
describe('periodStart: calendar months counted from the start, in UTC', () => {
  it.each([
    ['the 15th stays the 15th', '2026-01-15T10:30:00.000Z', 1, '2026-02-15T10:30:00.000Z'],
    ['across a year end', '2026-11-15T10:30:00.000Z', 2, '2027-01-15T10:30:00.000Z'],
    ['twelve months is a year', '2026-03-01T00:00:00.000Z', 12, '2027-03-01T00:00:00.000Z'],
    ['the 31st ends on the 28th of February', '2027-01-31T08:00:00.000Z', 1, '2027-02-28T08:00:00.000Z'],
    ['the 31st ends on the 29th of February in a leap year', '2028-01-31T08:00:00.000Z', 1, '2028-02-29T08:00:00.000Z'],
    ['back on the 31st in March (counted from the start, not from February)', '2027-01-31T08:00:00.000Z', 2, '2027-03-31T08:00:00.000Z'],
    ['the 31st on the 30th of April', '2027-01-31T08:00:00.000Z', 3, '2027-04-30T08:00:00.000Z'],
    ['the 30th on the 28th of February', '2026-11-30T23:59:59.999Z', 3, '2027-02-28T23:59:59.999Z'],
    ['the 29th of February, a year on: the 28th', '2028-02-29T12:00:00.000Z', 12, '2029-02-28T12:00:00.000Z'],
    ['the 29th of February, a month on: the 29th of March', '2028-02-29T12:00:00.000Z', 1, '2028-03-29T12:00:00.000Z'],
    ['index 0 is the start itself', '2026-05-17T06:07:08.009Z', 0, '2026-05-17T06:07:08.009Z'],
  ])('%s', (_name, anchor, index, expected) => {
    expect(iso(periodStart(d(anchor), index))).toBe(expected);
  });

  it('refuses a negative or fractional index', () => {
    expect(() => periodStart(d('2026-01-01T00:00:00Z'), -1)).toThrow(RangeError);
    expect(() => periodStart(d('2026-01-01T00:00:00Z'), 1.5)).toThrow(RangeError);
  });
});

describe('periodContaining', () => {
  const anchor = '2027-01-31T08:00:00.000Z';
  it.each([
    ['the start instant', '2027-01-31T08:00:00.000Z', 0, '2027-01-31T08:00:00.000Z', '2027-02-28T08:00:00.000Z'],
    ['a millisecond before the first end', '2027-02-28T07:59:59.999Z', 0, '2027-01-31T08:00:00.000Z', '2027-02-28T08:00:00.000Z'],
    ['the end belongs to the next period', '2027-02-28T08:00:00.000Z', 1, '2027-02-28T08:00:00.000Z', '2027-03-31T08:00:00.000Z'],
    ['early in a month, before the anchor day', '2027-03-02T00:00:00.000Z', 1, '2027-02-28T08:00:00.000Z', '2027-03-31T08:00:00.000Z'],
    ['late on the 31st, after the anchor time', '2027-03-31T09:00:00.000Z', 2, '2027-03-31T08:00:00.000Z', '2027-04-30T08:00:00.000Z'],
    ['a year and more later', '2028-03-01T00:00:00.000Z', 13, '2028-02-29T08:00:00.000Z', '2028-03-31T08:00:00.000Z'],
  ])('%s', (_name, at, index, start, end) => {
    const period = periodContaining(d(anchor), d(at))!;
    expect({ index: period.index, start: iso(period.start), end: iso(period.end) }).toEqual({ index, start, end });
  });

  it('is null before the subscription started', () => {
    expect(periodContaining(d(anchor), d('2027-01-31T07:59:59.999Z'))).toBeNull();
  });

  it('periods follow each other without gaps', () => {
    const a = d('2024-01-31T23:30:00Z');
    for (let i = 0; i < 60; i++) {
      expect(periodAt(a, i).end.getTime()).toBe(periodAt(a, i + 1).start.getTime());
      expect(periodContaining(a, periodAt(a, i).start)!.index).toBe(i);
    }
  });
});

it('describes a period by its first days', () => {
  expect(describePeriod(periodAt(d('2026-01-15T10:00:00Z'), 0))).toBe('2026-01-15 – 2026-02-15');
});

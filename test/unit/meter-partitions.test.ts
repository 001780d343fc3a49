import { describe, expect, it } from 'vitest';
import { dayOfPartition, dayPartition, planPartitions, type PartitionPlanInput } from '../../src/domain/sessions/meter-partitions.js';

const at = (iso: string) => new Date(iso);
const plan = (over: Partial<PartitionPlanInput>) =>
  planPartitions({ now: at('2026-12-03T11:00:00Z'), existing: [], daysBehind: 1, daysAhead: 2, retentionDays: null, ...over });

describe('meter sample partitions', () => {
  it.each([
    ['2026-12-03T00:00:00Z', 'meter_sample_p20261203', '2026-12-04T00:00:00.000Z'],
    ['2026-12-31T23:59:59.999Z', 'meter_sample_p20261231', '2027-01-01T00:00:00.000Z'],
    ['2028-02-29T12:00:00Z', 'meter_sample_p20280229', '2028-03-01T00:00:00.000Z'],
  ])('the day of %s is %s up to %s', (t, name, to) => {
    const p = dayPartition(at(t));
    expect(p.name).toBe(name);
    expect(p.to.toISOString()).toBe(to);
    expect(dayOfPartition(name)?.toISOString()).toBe(p.from.toISOString());
  });

  it.each(['meter_sample_default', 'meter_sample', 'meter_sample_p2026120', 'other_p20261203'])('%s is not a day partition', (name) => {
    expect(dayOfPartition(name)).toBeNull();
  });

  it.each<[string, Partial<PartitionPlanInput>, string[], string[]]>([
    ['an empty table gets yesterday to two days ahead', {}, ['p20261202', 'p20261203', 'p20261204', 'p20261205'], []],
    ['existing partitions are not created again', { existing: ['meter_sample_p20261203', 'meter_sample_p20261204'] }, ['p20261202', 'p20261205'], []],
    ['no retention keeps old partitions', { existing: ['meter_sample_p20200101'] }, ['p20261202', 'p20261203', 'p20261204', 'p20261205'], []],
    [
      'retention drops only partitions wholly older than it',
      // cutoff 2026-11-26T11:00: the 25th ends before it, the 26th does not.
      { retentionDays: 7, existing: ['meter_sample_p20261125', 'meter_sample_p20261126', 'meter_sample_p20200101', 'meter_sample_default'] },
      ['p20261202', 'p20261203', 'p20261204', 'p20261205'],
      ['meter_sample_p20200101', 'meter_sample_p20261125'],
    ],
    ['a day already past the retention is not created', { retentionDays: 1, daysBehind: 2 }, ['p20261202', 'p20261203', 'p20261204', 'p20261205'], []],
    ['a retention of one day still keeps a partition that ends after the cutoff', { retentionDays: 1, existing: ['meter_sample_p20261202', 'meter_sample_p20261201'] }, ['p20261203', 'p20261204', 'p20261205'], ['meter_sample_p20261201']],
  ])('%s', (_, over, create, drop) => {
    const p = plan(over);
    expect(p.create.map((c) => c.name.replace('meter_sample_', ''))).toEqual(create);
    expect(p.drop).toEqual(drop);
  });
});

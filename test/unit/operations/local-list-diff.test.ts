import { describe, expect, it } from 'vitest';
import { listContentOf, localListUpdate, type ListContent } from '../../../src/domain/operations/local-list-diff.js';

const token = (value: string, o: { expiresAt?: string | null; parentIdTag?: string | null } = {}) => ({
  value,
  expiresAt: o.expiresAt ?? null,
  parentIdTag: o.parentIdTag ?? null,
});
const accepted = (idTag: string, o: { expiresAt?: string | null; parentIdTag?: string | null } = {}) => ({
  idTag,
  authorization: { status: 'ACCEPTED', expiresAt: o.expiresAt ? new Date(o.expiresAt) : null, parentIdTag: o.parentIdTag ?? null },
});

// Applying a differential update to what the station holds must give what a full update would.
function apply(current: ListContent, entries: ReturnType<typeof localListUpdate>, full: boolean): string[] {
  const held = new Set(full ? [] : Object.values(current).map((e) => e.idTag));
  for (const e of entries) {
    if (e.authorization) held.add(e.idTag);
    else held.delete(e.idTag);
  }
  return [...held].sort();
}

describe('localListUpdate', () => {
  const current = listContentOf([token('A'), token('B', { parentIdTag: 'G' }), token('C')]);
  const desired = listContentOf([token('A'), token('B', { parentIdTag: 'H' }), token('D', { expiresAt: '2027-01-01T00:00:00.000Z' })]);

  it.each([
    { name: 'FULL sends everything desired', mode: 'FULL' as const, expected: [accepted('A'), accepted('B', { parentIdTag: 'H' }), accepted('D', { expiresAt: '2027-01-01T00:00:00.000Z' })] },
    { name: 'DIFFERENTIAL sends changes, additions and removals', mode: 'DIFFERENTIAL' as const, expected: [accepted('B', { parentIdTag: 'H' }), accepted('D', { expiresAt: '2027-01-01T00:00:00.000Z' }), { idTag: 'C', authorization: null }] },
  ])('$name', ({ mode, expected }) => {
    expect(localListUpdate(current, desired, mode)).toEqual(expected);
  });

  it.each(['FULL', 'DIFFERENTIAL'] as const)('%s leaves the station holding exactly the desired list', (mode) => {
    expect(apply(current, localListUpdate(current, desired, mode), mode === 'FULL')).toEqual(['A', 'B', 'D']);
  });

  it('an unchanged list is an empty differential', () => {
    expect(localListUpdate(current, current, 'DIFFERENTIAL')).toEqual([]);
  });

  it('keys entries case-insensitively, as stations compare idTags', () => {
    expect(Object.keys(listContentOf([token('abc1')]))).toEqual(['ABC1']);
  });
});

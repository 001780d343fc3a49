import { describe, expect, it } from 'vitest';
import { visibleRowsWhere, type Visibility } from '../../../src/domain/accounts/viewer.js';

const NONE = { id: { $in: [] } };

describe('visibleRowsWhere: which rows a caller reaches, as an ORM condition', () => {
  it.each<[string, Visibility, { organisation: string; driver?: string }, Record<string, unknown>]>([
    ['admins: every row', { kind: 'all' }, { organisation: 'organisation', driver: 'user' }, {}],
    ['an operator: its organisation', { kind: 'organisation', organisationId: 'o1' }, { organisation: 'organisation' }, { organisation: 'o1' }],
    ['through a relation', { kind: 'organisation', organisationId: 'o1' }, { organisation: 'station.organisation' }, { station: { organisation: 'o1' } }],
    ['a driver: their own', { kind: 'driver', userId: 'u1' }, { organisation: 'organisation', driver: 'user' }, { user: 'u1' }],
    ['a driver: none where rows name no driver', { kind: 'driver', userId: 'u1' }, { organisation: 'organisation' }, NONE],
    ['nobody: none', { kind: 'none' }, { organisation: 'organisation', driver: 'user' }, NONE],
  ])('%s', (_name, visibility, rows, expected) => {
    expect(visibleRowsWhere(visibility, rows)).toEqual(expected);
  });
});

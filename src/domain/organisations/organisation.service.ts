import { UniqueConstraintViolationException, type MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { AccountsError } from '../accounts/accounts.errors.js';
import type { Visibility } from '../accounts/viewer.js';
import type { Caller } from '../caller.js';
import { isUuid } from '../ids.js';
import { parseInput } from '../input.js';
import { OrganisationSchema, type Organisation } from './organisation.entity.js';

export interface OrganisationView {
  id: string;
  name: string;
  createdAt: string;
}

const createInput = z.object({ name: z.string().trim().min(1).max(200) });

export class OrganisationService {
  constructor(private readonly orm: MikroORM) {}

  async create(input: z.input<typeof createInput>): Promise<OrganisationView> {
    const data = parseInput(createInput, input, (message, field) => new AccountsError('INVALID_ACCOUNT_INPUT', message, { field }));
    const em = this.orm.em.fork();
    const org = em.create(OrganisationSchema, { name: data.name });
    try {
      await em.flush();
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) {
        throw new AccountsError('ORGANISATION_NAME_TAKEN', `an organisation named "${data.name}" exists`, { field: 'name' });
      }
      throw err;
    }
    return toView(org);
  }

  async get(caller: Caller, id: string): Promise<OrganisationView | null> {
    if (!isUuid(id) || !visible(caller.visibility, id)) return null;
    const org = await this.orm.em.fork().findOne(OrganisationSchema, { id });
    return org ? toView(org) : null;
  }

  async list(caller: Caller): Promise<OrganisationView[]> {
    const { visibility } = caller;
    if (visibility.kind !== 'all' && visibility.kind !== 'organisation') return [];
    const where = visibility.kind === 'organisation' ? { id: visibility.organisationId } : {};
    const rows = await this.orm.em.fork().find(OrganisationSchema, where, { orderBy: { name: 'asc' } });
    return rows.map(toView);
  }
}

function visible(visibility: Visibility, id: string): boolean {
  return visibility.kind === 'all' || (visibility.kind === 'organisation' && visibility.organisationId === id);
}

function toView(o: Organisation): OrganisationView {
  return { id: o.id, name: o.name, createdAt: o.createdAt.toISOString() };
}

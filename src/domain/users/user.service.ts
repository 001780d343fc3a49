import { UniqueConstraintViolationException, type EntityManager, type MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { refId } from '../../db/ref.js';
import { EMAIL, PASSWORD } from '../accounts/account-input.js';
import { ROLES, type Role } from '../accounts/permissions.js';
import type { Visibility } from '../accounts/viewer.js';
import type { AuditService } from '../audit/audit.service.js';
import { auditedBy, type Caller } from '../caller.js';
import { isUuid } from '../ids.js';
import { parseInput } from '../input.js';
import { OrganisationSchema } from '../organisations/organisation.entity.js';
import { decodeCursor, encodeCursor, toPage, type Page, type PageRequest } from '../pagination.js';
import { hashPassword } from '../password-hashing.js';
import { UserSchema, type User } from './user.entity.js';
import { UsersError } from './users.errors.js';

export interface UserView {
  id: string;
  name: string;
  email: string | null;
  role: Role;
  organisationId: string | null;
  disabled: boolean;
  createdAt: string;
}

const createInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    email: EMAIL.nullish(),
    role: z.enum(ROLES).default('DRIVER'),
    organisationId: z.string().uuid().nullish(),
    // Optional: without one the person sets theirs through a password reset.
    password: PASSWORD.nullish(),
  })
  .superRefine((u, ctx) => {
    if (u.role === 'OPERATOR' && !u.organisationId) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['organisationId'], message: 'operators belong to an organisation' });
    }
    if (u.role !== 'OPERATOR' && u.organisationId) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['organisationId'], message: 'only operators belong to an organisation' });
    }
  });

export type CreateUserInput = z.input<typeof createInput>;

const invalidUser = (message: string, field: string) => new UsersError('INVALID_USER_INPUT', message, { field });

export class UserService {
  constructor(
    private readonly orm: MikroORM,
    private readonly audit: AuditService,
  ) {}

  /** An account made by an admin: staff, or a driver the operator's desk signs up. */
  async create(caller: Caller, input: CreateUserInput): Promise<UserView> {
    const data = parseInput(createInput, input, invalidUser);
    const em = this.orm.em.fork();
    if (data.organisationId && !(await em.findOne(OrganisationSchema, { id: data.organisationId }))) {
      throw new UsersError('INVALID_USER_INPUT', `no organisation with id ${data.organisationId}`, { field: 'organisationId' });
    }
    const user = await insertUser(em, {
      name: data.name,
      email: data.email ?? null,
      password: data.password ?? null,
      role: data.role,
      organisationId: data.organisationId ?? null,
    });
    if (!user) throw new UsersError('EMAIL_TAKEN', 'a user with this email already exists', { field: 'email' });
    await this.audit.record('USER_CREATED', {
      ...auditedBy(caller),
      subject: user.email ?? user.id,
      organisationId: data.organisationId ?? null,
      details: { role: data.role },
    });
    return toUserView(user);
  }

  /** Changes a person's role (and organisation); their access tokens follow at the next request. */
  async setRole(caller: Caller, userId: string, role: Role, organisationId: string | null): Promise<UserView> {
    const data = parseInput(
      createInput.innerType().pick({ role: true, organisationId: true }).superRefine((u, ctx) => {
        if ((u.role === 'OPERATOR') !== Boolean(u.organisationId)) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['organisationId'], message: 'operators, and only operators, belong to an organisation' });
        }
      }),
      { role, organisationId },
      invalidUser,
    );
    const em = this.orm.em.fork();
    const user = isUuid(userId) ? await em.findOne(UserSchema, { id: userId }) : null;
    if (!user) throw new UsersError('USER_NOT_FOUND', `no user with id ${userId}`);
    if (data.organisationId && !(await em.findOne(OrganisationSchema, { id: data.organisationId }))) {
      throw new UsersError('INVALID_USER_INPUT', `no organisation with id ${data.organisationId}`, { field: 'organisationId' });
    }
    const before = { role: user.role, organisationId: refId(user.organisation) };
    user.role = data.role;
    user.organisation = (data.organisationId ?? null) as never;
    await em.flush();
    await this.audit.record('ROLE_CHANGED', {
      ...auditedBy(caller),
      subject: user.email ?? user.id,
      organisationId: data.organisationId ?? before.organisationId,
      details: { before, after: { role: data.role, organisationId: data.organisationId ?? null } },
    });
    return toUserView(user);
  }

  async setDisabled(userId: string, disabled: boolean): Promise<UserView> {
    const em = this.orm.em.fork();
    const user = isUuid(userId) ? await em.findOne(UserSchema, { id: userId }) : null;
    if (!user) throw new UsersError('USER_NOT_FOUND', `no user with id ${userId}`);
    user.disabledAt = disabled ? (user.disabledAt ?? new Date()) : null;
    await em.flush();
    return toUserView(user);
  }

  async get(caller: Caller, id: string): Promise<UserView | null> {
    if (!isUuid(id)) return null;
    const em = this.orm.em.fork();
    const user = await em.findOne(UserSchema, { $and: [{ id }, await this.visibleWhere(caller.visibility)] });
    return user ? toUserView(user) : null;
  }

  /** The person calling, when it is a person (an API key has no account). */
  async ownAccount(caller: Caller): Promise<UserView | null> {
    const { userId } = caller.actor;
    if (!userId) return null;
    const user = await this.orm.em.fork().findOne(UserSchema, { id: userId });
    return user ? toUserView(user) : null;
  }

  async list(caller: Caller, page: PageRequest, filter: { role?: Role | null } = {}): Promise<Page<UserView>> {
    const em = this.orm.em.fork();
    const where: Record<string, unknown> = { $and: [await this.visibleWhere(caller.visibility)] };
    if (filter.role) where.role = filter.role;
    if (page.after) {
      const after = decodeCursor(page.after, z.tuple([z.string(), z.string()]));
      if (!after) throw invalidUser('after is not a valid cursor', 'after');
      (where.$and as unknown[]).push({ $or: [{ createdAt: { $gt: new Date(after[0]) } }, { createdAt: new Date(after[0]), id: { $gt: after[1] } }] });
    }
    const rows = await em.find(UserSchema, where, { orderBy: { createdAt: 'asc', id: 'asc' }, limit: page.first + 1 });
    return toPage(rows, page.first, toUserView, (u) => encodeCursor([u.createdAt.toISOString(), u.id]));
  }

  /**
   * Drivers see themselves; operators their own staff and the drivers who hold a token their
   * organisation issued or charged at one of its stations; admins everyone.
   */
  private async visibleWhere(visibility: Visibility): Promise<Record<string, unknown>> {
    switch (visibility.kind) {
      case 'all':
        return {};
      case 'driver':
        return { id: visibility.userId };
      case 'none':
        return { id: null };
      case 'organisation': {
        const rows: { id: string }[] = await this.orm.em.getConnection().execute(
          `select u.id from app_user u where u.organisation_id = ?
             or exists (select 1 from id_token t where t.user_id = u.id and t.organisation_id = ?)
             or exists (select 1 from charging_session s join station st on st.id = s.station_id
                        where s.user_id = u.id and st.organisation_id = ?)`,
          [visibility.organisationId, visibility.organisationId, visibility.organisationId],
        );
        return { id: { $in: rows.map((r) => r.id) } };
      }
    }
  }
}

/**
 * Writes a new account (sign-up, the first admin, staff made by an admin); null when the
 * email is taken, including by a concurrent insert.
 */
export async function insertUser(
  em: EntityManager,
  account: { name: string; email: string | null; password: string | null; role: Role; organisationId: string | null },
): Promise<User | null> {
  const user = em.create(UserSchema, {
    name: account.name,
    email: account.email,
    passwordHash: account.password ? await hashPassword(account.password) : null,
    role: account.role,
    organisation: account.organisationId,
    tokenVersion: 0,
    disabledAt: null,
  });
  try {
    await em.flush();
    return user;
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) return null;
    throw err;
  }
}

export function toUserView(u: User): UserView {
  return {
    id: u.id,
    name: u.name,
    email: u.email ?? null,
    role: u.role,
    organisationId: refId(u.organisation),
    disabled: u.disabledAt != null,
    createdAt: u.createdAt.toISOString(),
  };
}

import { UniqueConstraintViolationException, type MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { ChargingSessionSchema, type AuthorizationStatus } from '../sessions/charging-session.entity.js';
import { isUuid } from '../ids.js';
import { parseInput } from '../input.js';
import { decodeCursor, encodeCursor, toPage, type Page, type PageRequest } from '../pagination.js';
import {
  ID_TOKEN_STATUSES,
  ID_TOKEN_TYPES,
  IdTokenSchema,
  type IdToken,
  type IdTokenStatus,
  type IdTokenType,
} from './id-token.entity.js';
import { UserSchema } from './user.entity.js';
import { UsersError } from './users.errors.js';

export interface IdTokenView {
  id: string;
  value: string;
  type: IdTokenType;
  status: IdTokenStatus;
  expiresAt: string | null;
  parentIdTag: string | null;
  label: string | null;
  userId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AuthorizationResult {
  status: AuthorizationStatus;
  expiresAt: Date | null;
  parentIdTag: string | null;
  tokenId: string | null;
}

// idTag values travel as OCPP CiString20 (1.6) or up to 36 characters (2.0.1 IdToken); eMAIDs fit too.
const tokenValue = z
  .string()
  .trim()
  .min(1)
  .max(36)
  .regex(/^[\x21-\x7E]+$/, 'printable ASCII without spaces');

const issueInput = z.object({
  value: tokenValue,
  type: z.enum(ID_TOKEN_TYPES).default('RFID'),
  userId: z.string().uuid().nullish(),
  expiresAt: z.date().nullish(),
  parentIdTag: tokenValue.nullish(),
  label: z.string().trim().max(100).nullish(),
});

const updateInput = z.object({
  status: z.enum(ID_TOKEN_STATUSES).optional(),
  expiresAt: z.date().nullish(),
  parentIdTag: tokenValue.nullish(),
  label: z.string().trim().max(100).nullish(),
  userId: z.string().uuid().nullish(),
});

export type IssueIdTokenInput = z.input<typeof issueInput>;
export type UpdateIdTokenInput = z.input<typeof updateInput>;

/** OCPP compares idTags case-insensitively; so do we. */
export function tokenLookupKey(value: string): string {
  return value.trim().toUpperCase();
}

export class IdTokenService {
  constructor(
    private readonly orm: MikroORM,
    private readonly options: { allowConcurrentTx: boolean },
  ) {}

  async issue(input: IssueIdTokenInput): Promise<IdTokenView> {
    const data = parseInput(issueInput, input, invalidToken);
    const em = this.orm.em.fork();
    if (data.userId && !(await em.findOne(UserSchema, { id: data.userId }))) {
      throw new UsersError('USER_NOT_FOUND', `no user with id ${data.userId}`);
    }
    const token = em.create(IdTokenSchema, {
      value: data.value,
      lookupKey: tokenLookupKey(data.value),
      type: data.type,
      status: 'ACTIVE',
      expiresAt: data.expiresAt ?? null,
      parentIdTag: data.parentIdTag ?? null,
      label: data.label ?? null,
      user: data.userId ?? null,
    });
    try {
      await em.flush();
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) {
        throw new UsersError('ID_TOKEN_TAKEN', `an id token with value "${data.value}" already exists`);
      }
      throw err;
    }
    return toIdTokenView(token);
  }

  async update(id: string, patch: UpdateIdTokenInput): Promise<IdTokenView> {
    const data = parseInput(updateInput, patch, invalidToken);
    const em = this.orm.em.fork();
    const token = isUuid(id) ? await em.findOne(IdTokenSchema, { id }) : null;
    if (!token) throw new UsersError('ID_TOKEN_NOT_FOUND', `no id token with id ${id}`);
    if (data.userId && !(await em.findOne(UserSchema, { id: data.userId }))) {
      throw new UsersError('USER_NOT_FOUND', `no user with id ${data.userId}`);
    }
    if (data.status !== undefined) token.status = data.status;
    if (data.expiresAt !== undefined) token.expiresAt = data.expiresAt ?? null;
    if (data.parentIdTag !== undefined) token.parentIdTag = data.parentIdTag ?? null;
    if (data.label !== undefined) token.label = data.label ?? null;
    if (data.userId !== undefined) token.user = (data.userId ?? null) as never;
    await em.flush();
    return toIdTokenView(token);
  }

  async get(id: string): Promise<IdTokenView | null> {
    if (!isUuid(id)) return null;
    const token = await this.orm.em.fork().findOne(IdTokenSchema, { id });
    return token ? toIdTokenView(token) : null;
  }

  async findByValue(value: string): Promise<IdTokenView | null> {
    const token = await this.orm.em.fork().findOne(IdTokenSchema, { lookupKey: tokenLookupKey(value) });
    return token ? toIdTokenView(token) : null;
  }

  async list(page: PageRequest, filter: { userId?: string | null; status?: IdTokenStatus | null } = {}): Promise<Page<IdTokenView>> {
    const em = this.orm.em.fork();
    const where: Record<string, unknown> = {};
    if (filter.userId) where.user = filter.userId;
    if (filter.status) where.status = filter.status;
    if (page.after) {
      const after = decodeCursor(page.after, z.tuple([z.string()]));
      if (!after) throw new UsersError('INVALID_ID_TOKEN_INPUT', 'after is not a valid cursor', { field: 'after' });
      where.lookupKey = { $gt: after[0] };
    }
    const rows = await em.find(IdTokenSchema, where, { orderBy: { lookupKey: 'asc' }, limit: page.first + 1 });
    return toPage(rows, page.first, toIdTokenView, (t) => encodeCursor([t.lookupKey]));
  }

  /** The token a user charges with when none is named: an app token first, else their oldest active one. */
  async preferredTokenOf(userId: string, now = new Date()): Promise<IdTokenView | null> {
    if (!isUuid(userId)) return null;
    const rows = await this.orm.em.fork().find(
      IdTokenSchema,
      { user: userId, status: 'ACTIVE', $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }] },
      { orderBy: { createdAt: 'asc' } },
    );
    const token = rows.find((t) => t.type === 'APP') ?? rows[0];
    return token ? toIdTokenView(token) : null;
  }

  /** Every token that may charge now (ACTIVE and not past its expiry), in lookup-key order. */
  async allowedTokens(now = new Date()): Promise<IdTokenView[]> {
    const rows = await this.orm.em.fork().find(
      IdTokenSchema,
      { status: 'ACTIVE', $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }] },
      { orderBy: { lookupKey: 'asc' } },
    );
    return rows.map(toIdTokenView);
  }

  /**
   * The answer to a charger's Authorize (and the idTagInfo of StartTransaction). A tag we do
   * not know is Invalid and nothing is stored about it. `exceptSessionId` leaves out the
   * session being started, so a retried StartTransaction does not count against itself.
   */
  async authorize(idTag: string, options: { exceptSessionId?: string; now?: Date } = {}): Promise<AuthorizationResult> {
    const now = options.now ?? new Date();
    const em = this.orm.em.fork();
    const token = await em.findOne(IdTokenSchema, { lookupKey: tokenLookupKey(idTag) });
    if (!token) return { status: 'INVALID', expiresAt: null, parentIdTag: null, tokenId: null };
    const base = { expiresAt: token.expiresAt ?? null, parentIdTag: token.parentIdTag ?? null, tokenId: token.id };
    if (token.status === 'BLOCKED') return { ...base, status: 'BLOCKED' };
    if (token.status === 'EXPIRED' || (token.expiresAt && token.expiresAt.getTime() <= now.getTime())) {
      return { ...base, status: 'EXPIRED' };
    }
    if (!this.options.allowConcurrentTx) {
      const where: Record<string, unknown> = { idToken: token.id, status: 'ACTIVE' };
      if (options.exceptSessionId) where.id = { $ne: options.exceptSessionId };
      if ((await em.count(ChargingSessionSchema, where)) > 0) return { ...base, status: 'CONCURRENT_TX' };
    }
    return { ...base, status: 'ACCEPTED' };
  }
}

const invalidToken = (message: string, field: string) =>
  new UsersError('INVALID_ID_TOKEN_INPUT', message, { field });

export function toIdTokenView(t: IdToken): IdTokenView {
  const user = t.user as unknown as { id: string } | string | null | undefined;
  return {
    id: t.id,
    value: t.value,
    type: t.type,
    status: t.status,
    expiresAt: t.expiresAt ? t.expiresAt.toISOString() : null,
    parentIdTag: t.parentIdTag ?? null,
    label: t.label ?? null,
    userId: user ? (typeof user === 'string' ? user : user.id) : null,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

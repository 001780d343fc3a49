import { randomBytes } from 'node:crypto';
import { UniqueConstraintViolationException, type EntityManager, type MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { auditedBy, type Caller } from '../caller.js';
import { AccountsError } from '../accounts/accounts.errors.js';
import { RateLimiter } from '../accounts/rate-limiter.js';
import type { Visibility } from '../accounts/viewer.js';
import type { AuditService } from '../audit/audit.service.js';
import { isUuid } from '../ids.js';
import { OrganisationSchema } from '../organisations/organisation.entity.js';
import { parseInput } from '../input.js';
import { decodeCursor, encodeCursor, toPage, type Page, type PageRequest } from '../pagination.js';
import { ChargingSessionSchema, type AuthorizationStatus } from '../sessions/charging-session.entity.js';
import {
  ID_TOKEN_STATUSES,
  ID_TOKEN_TYPES,
  IdTokenSchema,
  type IdToken,
  type IdTokenStatus,
  type IdTokenType,
} from './id-token.entity.js';
import { IMPORT_MAX_REPORTED_ERRORS, readTokenImport, type ImportLineError } from './id-token-import.js';
import { lookupCandidates, printedNumberKey, tokenValueOf } from './id-token-value.js';
import { parseRfidUid } from './rfid-uid.js';
import { UserSchema } from './user.entity.js';
import { UsersError } from './users.errors.js';

export { tokenLookupKey } from './id-token-value.js';

export interface IdTokenView {
  id: string;
  value: string;
  type: IdTokenType;
  status: IdTokenStatus;
  expiresAt: string | null;
  parentIdTag: string | null;
  label: string | null;
  printedNumber: string | null;
  maxConcurrentSessions: number | null;
  userId: string | null;
  organisationId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AuthorizationResult {
  status: AuthorizationStatus;
  expiresAt: Date | null;
  parentIdTag: string | null;
  tokenId: string | null;
  /** The token's owner: whose session a start is. */
  userId: string | null;
}

/** What a station's access list looks at in a token. */
export interface TokenHolder {
  userId: string | null;
  parentIdTag: string | null;
  organisationId: string | null;
}

export interface StationAccessRules {
  allows(stationId: string, holder: TokenHolder): Promise<boolean>;
}

export interface IdTokenServiceOptions {
  /** Parallel sessions a token may have unless it says otherwise; 0: no limit. */
  maxConcurrentSessions: number;
}

const optionalText = (max: number) => z.string().trim().max(max).nullish();
const concurrency = z.number().int().min(0).max(1000).nullish();

const issueInput = z.object({
  value: z.string().max(100),
  type: z.enum(ID_TOKEN_TYPES).default('RFID'),
  userId: z.string().uuid().nullish(),
  organisationId: z.string().uuid().nullish(),
  expiresAt: z.date().nullish(),
  parentIdTag: z.string().max(100).nullish(),
  label: optionalText(100),
  printedNumber: optionalText(64),
  maxConcurrentSessions: concurrency,
});

const updateInput = z.object({
  status: z.enum(ID_TOKEN_STATUSES).optional(),
  expiresAt: z.date().nullish(),
  parentIdTag: z.string().max(100).nullish(),
  label: optionalText(100),
  userId: z.string().uuid().nullish(),
  printedNumber: optionalText(64),
  maxConcurrentSessions: concurrency,
});

const claimInput = z.object({ printedNumber: z.string().trim().min(1).max(64), uid: z.string().max(100) });

export type IssueIdTokenInput = z.input<typeof issueInput>;
export type UpdateIdTokenInput = z.input<typeof updateInput>;

export interface IdTokenFilter {
  userId?: string | null;
  status?: IdTokenStatus | null;
}

// Failed claims per driver and window: a printed number and a UID are both needed, and guessing
// them should stay slow.
const CLAIM_FAILURES_ALLOWED = 10;
const CLAIM_WINDOW_MS = 15 * 60_000;

/**
 * Id tokens: the credentials drivers charge with, and the answer to a charger's Authorize.
 * Every caller-facing method filters by the caller's Visibility: drivers reach their own
 * tokens, operators those their organisation issued, admins all; anything else is NOT_FOUND.
 */
export class IdTokenService {
  private readonly claimFailures = new RateLimiter(CLAIM_FAILURES_ALLOWED, CLAIM_WINDOW_MS);

  constructor(
    private readonly orm: MikroORM,
    private readonly audit: AuditService,
    private readonly access: StationAccessRules,
    private readonly options: IdTokenServiceOptions,
  ) {}

  // --- staff: issue, update, block, import -------------------------------------------------

  async issue(caller: Caller, input: IssueIdTokenInput): Promise<IdTokenView> {
    const data = parseInput(issueInput, input, invalidToken);
    const value = checkedValue(data.type, data.value, 'value');
    const em = this.orm.em.fork();
    const organisationId = issuerOf(caller, data.organisationId ?? null);
    if (data.organisationId) await requireOrganisation(em, data.organisationId);
    if (data.userId) await this.requireAssignableUser(em, caller, data.userId);
    const token = em.create(IdTokenSchema, {
      value: value.value,
      lookupKey: value.lookupKey,
      type: data.type,
      status: 'ACTIVE',
      expiresAt: data.expiresAt ?? null,
      parentIdTag: data.parentIdTag ? checkedValue('CENTRAL', data.parentIdTag, 'parentIdTag').value : null,
      label: data.label || null,
      printedNumber: data.printedNumber || null,
      maxConcurrentSessions: data.maxConcurrentSessions ?? null,
      user: data.userId ?? null,
      organisation: organisationId,
    });
    await flushUnique(em, `an id token with value "${value.value}" already exists`);
    return toIdTokenView(token);
  }

  async update(caller: Caller, id: string, patch: UpdateIdTokenInput): Promise<IdTokenView> {
    requireStaff(caller);
    const data = parseInput(updateInput, patch, invalidToken);
    const em = this.orm.em.fork();
    const token = await this.requireVisible(em, caller.visibility, id);
    if (data.userId) await this.requireAssignableUser(em, caller, data.userId);
    const before = token.status;
    if (data.status !== undefined) token.status = data.status;
    if (data.expiresAt !== undefined) token.expiresAt = data.expiresAt ?? null;
    if (data.parentIdTag !== undefined) {
      token.parentIdTag = data.parentIdTag ? checkedValue('CENTRAL', data.parentIdTag, 'parentIdTag').value : null;
    }
    if (data.label !== undefined) token.label = data.label || null;
    if (data.printedNumber !== undefined) token.printedNumber = data.printedNumber || null;
    if (data.maxConcurrentSessions !== undefined) token.maxConcurrentSessions = data.maxConcurrentSessions ?? null;
    if (data.userId !== undefined) token.user = (data.userId ?? null) as never;
    await em.flush();
    await this.auditStatusChange(caller, token, before);
    return toIdTokenView(token);
  }

  /**
   * Blocks, reports lost or unblocks a token. Its owner may block it or report it lost;
   * lifting a block is staff's (a block may be theirs).
   */
  async setStatus(caller: Caller, id: string, status: 'ACTIVE' | 'BLOCKED' | 'LOST'): Promise<IdTokenView> {
    if (status === 'ACTIVE') requireStaff(caller);
    const em = this.orm.em.fork();
    const token = await this.requireVisible(em, caller.visibility, id);
    const before = token.status;
    if (before === status) return toIdTokenView(token);
    token.status = status;
    await em.flush();
    await this.auditStatusChange(caller, token, before);
    return toIdTokenView(token);
  }

  /** Imports tokens from CSV, all or nothing: any bad line and nothing is stored, every bad line reported. */
  async importCsv(caller: Caller, csv: string, options: { organisationId?: string | null } = {}): Promise<IdTokenView[]> {
    const organisationId = issuerOf(caller, options.organisationId ?? null);
    const { tokens, errors } = readTokenImport(csv);
    const em = this.orm.em.fork();
    if (options.organisationId) await requireOrganisation(em, options.organisationId);
    if (errors.length === 0) {
      // Tokens that exist already (in whatever spelling) are bad lines too.
      const byKey = new Map(tokens.map((t) => [t.lookupKey, t.line]));
      const keys = [...byKey.keys()];
      for (let i = 0; i < keys.length; i += 1000) {
        const taken = await em.find(IdTokenSchema, { lookupKey: { $in: keys.slice(i, i + 1000) } }, { fields: ['lookupKey'] });
        for (const t of taken) errors.push({ line: byKey.get(t.lookupKey)!, message: `${t.lookupKey} is already registered` });
      }
      errors.sort((a, b) => a.line - b.line);
    }
    if (errors.length > 0) throw importRefused(errors);

    const created = await em.transactional(async (tx) => {
      const rows = tokens.map((t) =>
        tx.create(IdTokenSchema, {
          value: t.value,
          lookupKey: t.lookupKey,
          type: t.type,
          status: 'ACTIVE',
          expiresAt: t.expiresAt,
          parentIdTag: t.parentIdTag,
          label: t.label,
          printedNumber: t.printedNumber,
          user: null,
          organisation: organisationId,
        }),
      );
      await flushUnique(tx, 'a token in the file was registered meanwhile; nothing was imported');
      return rows;
    });
    await this.audit.record('ID_TOKENS_IMPORTED', {
      ...auditedBy(caller),
      organisationId,
      details: { count: created.length },
    });
    return created.map(toIdTokenView);
  }

  // --- a driver's own tokens ---------------------------------------------------------------

  /**
   * Assigns an unclaimed card to the calling driver. Both the printed number and the UID must
   * match the same card; which one was wrong is not told.
   */
  async claim(caller: Caller, input: { printedNumber: string; uid: string }): Promise<IdTokenView> {
    const userId = requireDriver(caller);
    const data = parseInput(claimInput, input, invalidToken);
    const uid = parseRfidUid(data.uid);
    if (!uid.ok) throw invalidToken(`uid: not a card UID: it ${uid.reason}`, 'uid');
    const wait = this.claimFailures.retryAfter(userId);
    if (wait > 0) {
      throw new UsersError('ID_TOKEN_CLAIM_RATE_LIMITED', `too many failed claims; try again in ${wait} s`, { retryAfterSeconds: wait });
    }
    const em = this.orm.em.fork();
    const token = await em.findOne(IdTokenSchema, { lookupKey: uid.uid, type: 'RFID' });
    if (!token || !token.printedNumber || printedNumberKey(token.printedNumber) !== printedNumberKey(data.printedNumber)) {
      this.claimFailures.hit(userId);
      throw new UsersError('ID_TOKEN_NOT_FOUND', 'no card with this printed number and UID');
    }
    const owner = idOf(token.user);
    if (owner === userId) return toIdTokenView(token);
    if (owner) throw new UsersError('ID_TOKEN_ALREADY_CLAIMED', 'this card already belongs to someone; ask its operator');
    if (token.status !== 'ACTIVE' || (token.expiresAt && token.expiresAt.getTime() <= Date.now())) {
      throw new UsersError('ID_TOKEN_NOT_CLAIMABLE', `this card is ${token.status === 'ACTIVE' ? 'EXPIRED' : token.status}; ask its operator`);
    }
    // Only an unowned card changes hands, even when two drivers claim it at once.
    const claimed = await em.nativeUpdate(IdTokenSchema, { id: token.id, user: null }, { user: userId, updatedAt: new Date() });
    if (claimed === 0) throw new UsersError('ID_TOKEN_ALREADY_CLAIMED', 'this card already belongs to someone; ask its operator');
    await em.refresh(token);
    this.claimFailures.reset(userId);
    await this.audit.record('ID_TOKEN_CLAIMED', {
      ...auditedBy(caller),
      subject: token.value,
      organisationId: idOf(token.organisation),
      details: { tokenId: token.id },
    });
    return toIdTokenView(token);
  }

  /** The driver's app token: the active one they have, or a new one. */
  async createAppToken(caller: Caller): Promise<IdTokenView> {
    const userId = requireDriver(caller);
    const em = this.orm.em.fork();
    const existing = await em.findOne(IdTokenSchema, { user: userId, type: 'APP', status: 'ACTIVE' }, { orderBy: { createdAt: 'asc' } });
    if (existing) return toIdTokenView(existing);
    // Fits OCPP 1.6's 20-character idTag; 64 random bits.
    const value = `APP-${randomBytes(8).toString('hex').toUpperCase()}`;
    const token = em.create(IdTokenSchema, {
      value,
      lookupKey: value,
      type: 'APP',
      status: 'ACTIVE',
      label: 'App',
      user: userId,
      organisation: null,
    });
    await flushUnique(em, 'could not create an app token; try again');
    return toIdTokenView(token);
  }

  async rename(caller: Caller, id: string, label: string | null): Promise<IdTokenView> {
    const data = parseInput(z.object({ label: optionalText(100) }), { label }, invalidToken);
    const em = this.orm.em.fork();
    const token = await this.requireVisible(em, caller.visibility, id);
    token.label = data.label || null;
    await em.flush();
    return toIdTokenView(token);
  }

  /**
   * Takes a token away. A driver removing a card their operator issued hands it back: it is
   * unassigned and blocked (a finder cannot claim or use it); anything else is deleted.
   */
  async remove(caller: Caller, id: string): Promise<IdTokenView> {
    const em = this.orm.em.fork();
    const token = await this.requireVisible(em, caller.visibility, id);
    const view = toIdTokenView(token);
    if (caller.visibility.kind === 'driver' && idOf(token.organisation)) {
      const before = token.status;
      Object.assign(token, { user: null, label: null, status: before === 'LOST' ? 'LOST' : 'BLOCKED' });
      await em.flush();
      await this.auditStatusChange(caller, token, before);
      return { ...toIdTokenView(token), userId: null };
    }
    em.remove(token);
    await em.flush();
    return view;
  }

  // --- reads -------------------------------------------------------------------------------

  /** Among the tokens the caller sees; without `visibility` a system lookup, not for API callers. */
  async get(id: string, visibility?: Visibility): Promise<IdTokenView | null> {
    if (!isUuid(id)) return null;
    const token = await this.orm.em.fork().findOne(IdTokenSchema, { id, ...(visibility ? visibleWhere(visibility) : {}) });
    return token ? toIdTokenView(token) : null;
  }

  /** By the value a charger sends, in any spelling of it, among the tokens the caller sees. */
  async getByValue(value: string, visibility: Visibility): Promise<IdTokenView | null> {
    const token = await this.resolve(this.orm.em.fork(), value);
    return token && isVisible(token, visibility) ? toIdTokenView(token) : null;
  }

  async list(page: PageRequest, visibility: Visibility, filter: IdTokenFilter = {}): Promise<Page<IdTokenView>> {
    const em = this.orm.em.fork();
    const where: Record<string, unknown> = { ...visibleWhere(visibility) };
    if (filter.userId) {
      if (!isUuid(filter.userId)) return { items: [], hasNextPage: false };
      where.$and = [{ user: filter.userId }];
    }
    if (filter.status) where.status = filter.status;
    if (page.after) {
      const after = decodeCursor(page.after, z.tuple([z.string()]));
      if (!after) throw new UsersError('INVALID_ID_TOKEN_INPUT', 'after is not a valid cursor', { field: 'after' });
      where.lookupKey = { $gt: after[0] };
    }
    const rows = await em.find(IdTokenSchema, where, { orderBy: { lookupKey: 'asc' }, limit: page.first + 1 });
    return toPage(rows, page.first, toIdTokenView, (t) => encodeCursor([t.lookupKey]));
  }

  // --- system: charging --------------------------------------------------------------------

  /** The token a charger's idTag names, in any spelling; a lookup for the system, not for API callers. */
  async findByValue(value: string): Promise<IdTokenView | null> {
    const token = await this.resolve(this.orm.em.fork(), value);
    return token ? toIdTokenView(token) : null;
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

  /**
   * The answer to a charger's Authorize (and the idTagInfo of StartTransaction): the token's own
   * standing, then (with `stationId`) whether it may charge at that station, then its limit of
   * parallel sessions. A tag we do not know is Invalid and nothing is stored about it.
   * `exceptSessionId` leaves out the session being started, so a retried StartTransaction does
   * not count against itself.
   */
  async authorize(
    idTag: string,
    options: { stationId?: string; exceptSessionId?: string; now?: Date } = {},
  ): Promise<AuthorizationResult> {
    const now = options.now ?? new Date();
    const em = this.orm.em.fork();
    const token = await this.resolve(em, idTag);
    if (!token) return { status: 'INVALID', expiresAt: null, parentIdTag: null, tokenId: null, userId: null };
    const userId = idOf(token.user);
    const base = { expiresAt: token.expiresAt ?? null, parentIdTag: token.parentIdTag ?? null, tokenId: token.id, userId };
    if (token.status === 'BLOCKED' || token.status === 'LOST') return { ...base, status: 'BLOCKED' };
    if (token.status === 'EXPIRED' || (token.expiresAt && token.expiresAt.getTime() <= now.getTime())) {
      return { ...base, status: 'EXPIRED' };
    }
    if (options.stationId) {
      const holder = { userId, parentIdTag: token.parentIdTag ?? null, organisationId: idOf(token.organisation) };
      if (!(await this.access.allows(options.stationId, holder))) return { ...base, status: 'NOT_ALLOWED_HERE' };
    }
    const limit = token.maxConcurrentSessions ?? this.options.maxConcurrentSessions;
    if (limit > 0) {
      const where: Record<string, unknown> = { idToken: token.id, status: 'ACTIVE' };
      if (options.exceptSessionId) where.id = { $ne: options.exceptSessionId };
      if ((await em.count(ChargingSessionSchema, where)) >= limit) return { ...base, status: 'CONCURRENT_TX' };
    }
    return { ...base, status: 'ACCEPTED' };
  }

  // --- helpers -----------------------------------------------------------------------------

  // The idTag as sent, or for a card the same UID in another spelling.
  private async resolve(em: EntityManager, idTag: string): Promise<IdToken | null> {
    if (idTag.length > 100) return null;
    const { exact, uid } = lookupCandidates(idTag);
    const rows = await em.find(IdTokenSchema, { lookupKey: { $in: uid ? [exact, uid] : [exact] } });
    return rows.find((t) => t.lookupKey === exact) ?? rows.find((t) => t.type === 'RFID') ?? null;
  }

  private async requireVisible(em: EntityManager, visibility: Visibility, id: string): Promise<IdToken> {
    const token = isUuid(id) ? await em.findOne(IdTokenSchema, { id, ...visibleWhere(visibility) }) : null;
    if (!token) throw new UsersError('ID_TOKEN_NOT_FOUND', `no id token with id ${id}`);
    return token;
  }

  // Admins assign tokens to anyone; an operator only to their own staff (drivers claim cards).
  private async requireAssignableUser(em: EntityManager, caller: Caller, userId: string): Promise<void> {
    const where: Record<string, unknown> = { id: userId };
    if (caller.visibility.kind === 'organisation') where.organisation = caller.visibility.organisationId;
    else if (caller.visibility.kind !== 'all') where.id = null;
    if (!(await em.findOne(UserSchema, where))) {
      throw new UsersError('USER_NOT_FOUND', `no user with id ${userId}`, { field: 'userId' });
    }
  }

  private async auditStatusChange(caller: Caller, token: IdToken, before: IdTokenStatus): Promise<void> {
    const refused = (s: IdTokenStatus) => s === 'BLOCKED' || s === 'LOST';
    const kind = !refused(before) && refused(token.status) ? 'ID_TOKEN_BLOCKED' : refused(before) && token.status === 'ACTIVE' ? 'ID_TOKEN_UNBLOCKED' : null;
    if (!kind) return;
    await this.audit.record(kind, {
      ...auditedBy(caller),
      subject: token.value,
      organisationId: idOf(token.organisation),
      details: { tokenId: token.id, from: before, to: token.status },
    });
  }
}

function visibleWhere(visibility: Visibility): Record<string, unknown> {
  switch (visibility.kind) {
    case 'all':
      return {};
    case 'organisation':
      return { organisation: visibility.organisationId };
    case 'driver':
      return { user: visibility.userId };
    case 'none':
      return { id: null };
  }
}

function isVisible(token: IdToken, visibility: Visibility): boolean {
  switch (visibility.kind) {
    case 'all':
      return true;
    case 'organisation':
      return idOf(token.organisation) === visibility.organisationId;
    case 'driver':
      return idOf(token.user) === visibility.userId;
    case 'none':
      return false;
  }
}

// The organisation a staff caller issues for: an operator's own; an admin's choice (or none).
function issuerOf(caller: Caller, requested: string | null): string | null {
  const v = caller.visibility;
  if (v.kind === 'organisation') return v.organisationId;
  if (v.kind === 'all') {
    if (requested !== null && !isUuid(requested)) throw invalidToken('organisationId: not an id', 'organisationId');
    return requested;
  }
  throw new UsersError('FORBIDDEN', 'only operators and admins issue tokens');
}

async function requireOrganisation(em: EntityManager, id: string): Promise<void> {
  if (!(await em.findOne(OrganisationSchema, { id }))) {
    throw new AccountsError('ORGANISATION_NOT_FOUND', `no organisation with id ${id}`, { field: 'organisationId' });
  }
}

function requireStaff(caller: Caller): void {
  if (caller.visibility.kind !== 'all' && caller.visibility.kind !== 'organisation') {
    throw new UsersError('FORBIDDEN', 'only operators and admins may do this');
  }
}

function requireDriver(caller: Caller): string {
  if (caller.visibility.kind !== 'driver') throw new UsersError('FORBIDDEN', 'only a driver has tokens of their own');
  return caller.visibility.userId;
}

function checkedValue(type: IdTokenType, raw: string, field: string): { value: string; lookupKey: string } {
  const parsed = tokenValueOf(type, raw);
  if (!parsed.ok) throw invalidToken(`${field}: ${parsed.reason}`, field);
  return parsed;
}

async function flushUnique(em: EntityManager, message: string): Promise<void> {
  try {
    await em.flush();
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) throw new UsersError('ID_TOKEN_TAKEN', message);
    throw err;
  }
}

function importRefused(errors: ImportLineError[]): UsersError {
  const lines = errors.filter((e) => e.line > 0).length;
  const summary = lines > 0 ? `${lines} line${lines === 1 ? ' is' : 's are'} invalid` : errors[0]!.message;
  return new UsersError('INVALID_ID_TOKEN_IMPORT', `${summary}; nothing was imported`, {
    field: 'csv',
    errors: errors.slice(0, IMPORT_MAX_REPORTED_ERRORS),
    errorCount: errors.length,
  });
}

const invalidToken = (message: string, field: string) =>
  new UsersError('INVALID_ID_TOKEN_INPUT', message, { field });

function idOf(ref: unknown): string | null {
  if (!ref) return null;
  return typeof ref === 'string' ? ref : (ref as { id: string }).id;
}

export function toIdTokenView(t: IdToken): IdTokenView {
  return {
    id: t.id,
    value: t.value,
    type: t.type,
    status: t.status,
    expiresAt: t.expiresAt ? t.expiresAt.toISOString() : null,
    parentIdTag: t.parentIdTag ?? null,
    label: t.label ?? null,
    printedNumber: t.printedNumber ?? null,
    maxConcurrentSessions: t.maxConcurrentSessions ?? null,
    userId: idOf(t.user),
    organisationId: idOf(t.organisation),
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

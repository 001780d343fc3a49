import { randomBytes } from 'node:crypto';
import { UniqueConstraintViolationException, type EntityManager, type MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { refId } from '../../db/ref.js';
import { auditedBy, type Caller } from '../caller.js';
import { AccountsError } from '../accounts/accounts.errors.js';
import { RateLimiter } from '../accounts/rate-limiter.js';
import type { AuditService } from '../audit/audit.service.js';
import { isUuid } from '../ids.js';
import { OrganisationSchema } from '../organisations/organisation.entity.js';
import { parseInput } from '../input.js';
import { decodeCursor, encodeCursor, toPage, type Page, type PageRequest } from '../pagination.js';
import {
  findTokenByTag,
  IdTokenAuthorization,
  type AuthorizationResult,
  type AuthorizeOptions,
  type IdTokenServiceOptions,
  type StationAccessRules,
  type TokenAuthorizer,
} from './id-token-authorization.js';
import { IdTokenSchema, type IdToken, type IdTokenStatus } from './id-token.entity.js';
import { readTokenImport } from './id-token-import.js';
import {
  checkedValue,
  claimInput,
  importRefused,
  invalidToken,
  issueInput,
  renameInput,
  updateInput,
  type IssueIdTokenInput,
  type UpdateIdTokenInput,
} from './id-token-input.js';
import { issuerOf, requireDriver, requireStaff, seesToken, visibleTokensWhere } from './id-token-scope.js';
import { printedNumberKey } from './id-token-value.js';
import { toIdTokenView, type IdTokenView } from './id-token.views.js';
import { parseRfidUid } from './rfid-uid.js';
import { UserSchema } from './user.entity.js';
import { UsersError } from './users.errors.js';

// Other areas import these from here.
export { tokenLookupKey } from './id-token-value.js';
export { toIdTokenView, type IdTokenView } from './id-token.views.js';
export type { AuthorizationResult, IdTokenServiceOptions, StationAccessRules, TokenHolder } from './id-token-authorization.js';
export type { IssueIdTokenInput, UpdateIdTokenInput } from './id-token-input.js';

export interface IdTokenFilter {
  userId?: string | null;
  status?: IdTokenStatus | null;
}

// Failed claims per driver and window: a printed number and a UID are both needed, and guessing
// them should stay slow.
const CLAIM_FAILURES_ALLOWED = 10;
const CLAIM_WINDOW_MS = 15 * 60_000;

/**
 * Id tokens: the credentials drivers charge with. Every caller-facing method takes the Caller
 * and filters by what it sees (id-token-scope.ts): drivers reach their own tokens, operators
 * those their organisation issued, admins all; anything else is NOT_FOUND. The answer to a
 * charger's Authorize is IdTokenAuthorization's; it is reached through here too.
 */
export class IdTokenService implements TokenAuthorizer {
  private readonly claimFailures = new RateLimiter(CLAIM_FAILURES_ALLOWED, CLAIM_WINDOW_MS);
  private readonly authorization: IdTokenAuthorization;

  constructor(
    private readonly orm: MikroORM,
    private readonly audit: AuditService,
    access: StationAccessRules,
    options: IdTokenServiceOptions,
  ) {
    this.authorization = new IdTokenAuthorization(orm, access, options);
  }

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
    const token = await this.requireVisible(em, caller, id);
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
    const token = await this.requireVisible(em, caller, id);
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
    const owner = refId(token.user);
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
      organisationId: refId(token.organisation),
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
    const data = parseInput(renameInput, { label }, invalidToken);
    const em = this.orm.em.fork();
    const token = await this.requireVisible(em, caller, id);
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
    const token = await this.requireVisible(em, caller, id);
    const view = toIdTokenView(token);
    if (caller.visibility.kind === 'driver' && refId(token.organisation)) {
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

  async get(caller: Caller, id: string): Promise<IdTokenView | null> {
    return (await this.getByIds(caller, [id]))[0];
  }

  /** For batched per-row lookups: one view or null per id, in the order asked. */
  async getByIds(caller: Caller, ids: readonly string[]): Promise<(IdTokenView | null)[]> {
    const valid = ids.filter(isUuid);
    const where = { $and: [{ id: { $in: valid } }, visibleTokensWhere(caller.visibility)] };
    const rows = valid.length ? await this.orm.em.fork().find(IdTokenSchema, where) : [];
    const byId = new Map(rows.map((t) => [t.id, toIdTokenView(t)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** By the value a charger sends, in any spelling of it, among the tokens the caller sees. */
  async getByValue(caller: Caller, value: string): Promise<IdTokenView | null> {
    const token = await findTokenByTag(this.orm.em.fork(), value);
    return token && seesToken(caller.visibility, token) ? toIdTokenView(token) : null;
  }

  async list(caller: Caller, page: PageRequest, filter: IdTokenFilter = {}): Promise<Page<IdTokenView>> {
    const em = this.orm.em.fork();
    const where: Record<string, unknown> = { ...visibleTokensWhere(caller.visibility) };
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

  // --- system: charging (IdTokenAuthorization's, for the sessions and command services) -----

  findByValue(value: string): Promise<IdTokenView | null> {
    return this.authorization.findByValue(value);
  }

  preferredTokenOf(userId: string, now?: Date): Promise<IdTokenView | null> {
    return this.authorization.preferredTokenOf(userId, now);
  }

  authorize(idTag: string, options?: AuthorizeOptions): Promise<AuthorizationResult> {
    return this.authorization.authorize(idTag, options);
  }

  // --- helpers -----------------------------------------------------------------------------

  private async requireVisible(em: EntityManager, caller: Caller, id: string): Promise<IdToken> {
    const token = isUuid(id) ? await em.findOne(IdTokenSchema, { id, ...visibleTokensWhere(caller.visibility) }) : null;
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
      organisationId: refId(token.organisation),
      details: { tokenId: token.id, from: before, to: token.status },
    });
  }
}

async function requireOrganisation(em: EntityManager, id: string): Promise<void> {
  if (!(await em.findOne(OrganisationSchema, { id }))) {
    throw new AccountsError('ORGANISATION_NOT_FOUND', `no organisation with id ${id}`, { field: 'organisationId' });
  }
}

async function flushUnique(em: EntityManager, message: string): Promise<void> {
  try {
    await em.flush();
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) throw new UsersError('ID_TOKEN_TAKEN', message);
    throw err;
  }
}

import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { refId } from '../../db/ref.js';
import { isUuid } from '../ids.js';
import { ChargingSessionSchema, type AuthorizationStatus } from '../sessions/charging-session.entity.js';
import { IdTokenSchema, type IdToken } from './id-token.entity.js';
import { lookupCandidates } from './id-token-value.js';
import { toIdTokenView, type IdTokenView } from './id-token.views.js';

export interface AuthorizationResult {
  status: AuthorizationStatus;
  expiresAt: Date | null;
  parentIdTag: string | null;
  tokenId: string | null;
  /** The token's owner: whose session a start is. */
  userId: string | null;
}

export interface AuthorizeOptions {
  stationId?: string;
  exceptSessionId?: string;
  now?: Date;
}

/** What a charger's Authorize and StartTransaction need of id tokens. */
export interface TokenAuthorizer {
  authorize(idTag: string, options?: AuthorizeOptions): Promise<AuthorizationResult>;
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

/**
 * The system's side of id tokens: answering a charger's Authorize, and finding the token a
 * charger's idTag names or a user charges with. Lookups for the system, not for API callers.
 */
export class IdTokenAuthorization implements TokenAuthorizer {
  constructor(
    private readonly orm: MikroORM,
    private readonly access: StationAccessRules,
    private readonly options: IdTokenServiceOptions,
  ) {}

  /** The token a charger's idTag names, in any spelling. */
  async findByValue(value: string): Promise<IdTokenView | null> {
    const token = await findTokenByTag(this.orm.em.fork(), value);
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
  async authorize(idTag: string, options: AuthorizeOptions = {}): Promise<AuthorizationResult> {
    const now = options.now ?? new Date();
    const em = this.orm.em.fork();
    const token = await findTokenByTag(em, idTag);
    if (!token) return { status: 'INVALID', expiresAt: null, parentIdTag: null, tokenId: null, userId: null };
    const userId = refId(token.user);
    const base = { expiresAt: token.expiresAt ?? null, parentIdTag: token.parentIdTag ?? null, tokenId: token.id, userId };
    if (token.status === 'BLOCKED' || token.status === 'LOST') return { ...base, status: 'BLOCKED' };
    if (token.status === 'EXPIRED' || (token.expiresAt && token.expiresAt.getTime() <= now.getTime())) {
      return { ...base, status: 'EXPIRED' };
    }
    if (options.stationId) {
      const holder = { userId, parentIdTag: token.parentIdTag ?? null, organisationId: refId(token.organisation) };
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
}

/** The token an idTag names: as sent, or for a card the same UID in another spelling. */
export async function findTokenByTag(em: EntityManager, idTag: string): Promise<IdToken | null> {
  if (idTag.length > 100) return null;
  const { exact, uid } = lookupCandidates(idTag);
  const rows = await em.find(IdTokenSchema, { lookupKey: { $in: uid ? [exact, uid] : [exact] } });
  return rows.find((t) => t.lookupKey === exact) ?? rows.find((t) => t.type === 'RFID') ?? null;
}

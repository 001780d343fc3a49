import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { refId, requiredRefId } from '../../db/ref.js';
import type { AuditService } from '../audit/audit.service.js';
import { auditedBy, type Caller } from '../caller.js';
import { isUuid } from '../ids.js';
import { parseInput } from '../input.js';
import { OrganisationSchema } from '../organisations/organisation.entity.js';
import { hashToken, newSecretToken, tokenMatches } from '../secret-token.js';
import { isoOrNull } from '../timestamps.js';
import { ApiKeySchema, type ApiKey } from './api-key.entity.js';
import { AccountsError } from './accounts.errors.js';
import { API_KEY_SCOPES, type ApiKeyScope } from './permissions.js';
import type { Viewer } from './viewer.js';

export interface ApiKeyView {
  id: string;
  name: string;
  /** The public part, `vk_<prefix>`, to tell keys apart; the secret is never shown again. */
  prefix: string;
  scopes: ApiKeyScope[];
  organisationId: string;
  createdByUserId: string | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const createInput = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.enum(API_KEY_SCOPES)).min(1).max(API_KEY_SCOPES.length),
  // Operators' keys are their organisation's; an admin names one.
  organisationId: z.string().uuid().nullish(),
  expiresAt: z.date().nullish(),
});
export type CreateApiKeyInput = z.input<typeof createInput>;

const KEY_FORMAT = /^vk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
// Writing lastUsedAt on every request would turn each read into a write; once a minute is enough.
const LAST_USED_RESOLUTION_MS = 60_000;

const invalid = (message: string, field: string) => new AccountsError('INVALID_ACCOUNT_INPUT', message, { field });

export class ApiKeyService {
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(
    private readonly orm: MikroORM,
    private readonly audit: AuditService,
  ) {}

  /** Creates a key; `key` is returned here and nowhere else. */
  async create(caller: Caller, input: CreateApiKeyInput): Promise<{ key: string; apiKey: ApiKeyView }> {
    // Keys are made by people; nobody hands out more than a person of that organisation has.
    if (caller.actor.apiKeyId) throw new AccountsError('FORBIDDEN', 'API keys cannot create API keys');
    const data = parseInput(createInput, input, invalid);
    const { visibility } = caller;
    const organisationId =
      visibility.kind === 'all' ? data.organisationId : visibility.kind === 'organisation' ? visibility.organisationId : null;
    if (!organisationId) throw invalid('organisationId: an API key belongs to an organisation; name one', 'organisationId');
    if (data.expiresAt && data.expiresAt.getTime() <= Date.now()) throw invalid('expiresAt: must be in the future', 'expiresAt');
    const em = this.orm.em.fork();
    if (!(await em.findOne(OrganisationSchema, { id: organisationId }))) {
      throw new AccountsError('ORGANISATION_NOT_FOUND', `no organisation with id ${organisationId}`, { field: 'organisationId' });
    }
    const prefix = randomBytes(6).toString('hex');
    const secret = newSecretToken();
    const key = `vk_${prefix}_${secret.token}`;
    const row = em.create(ApiKeySchema, {
      name: data.name,
      prefix,
      secretHash: hashToken(secret.token),
      scopes: [...new Set(data.scopes)],
      organisation: organisationId,
      createdBy: caller.actor.userId,
      expiresAt: data.expiresAt ?? null,
      lastUsedAt: null,
      revokedAt: null,
    });
    await em.flush();
    await this.audit.record('API_KEY_CREATED', {
      ...auditedBy(caller),
      subject: `vk_${prefix}`,
      organisationId,
      details: { name: data.name, scopes: row.scopes },
    });
    return { key, apiKey: toView(row) };
  }

  async list(caller: Caller, includeRevoked = false): Promise<ApiKeyView[]> {
    const { visibility } = caller;
    const where: Record<string, unknown> = {};
    if (visibility.kind === 'organisation') where.organisation = visibility.organisationId;
    else if (visibility.kind !== 'all') return [];
    if (!includeRevoked) where.revokedAt = null;
    const rows = await this.orm.em.fork().find(ApiKeySchema, where, { orderBy: { createdAt: 'desc' } });
    return rows.map(toView);
  }

  async revoke(caller: Caller, id: string): Promise<ApiKeyView> {
    const { visibility } = caller;
    const em = this.orm.em.fork();
    const row = isUuid(id) ? await em.findOne(ApiKeySchema, { id }) : null;
    const orgId = row ? requiredRefId(row.organisation) : null;
    const visible = row && (visibility.kind === 'all' || (visibility.kind === 'organisation' && visibility.organisationId === orgId));
    if (!row || !visible) throw new AccountsError('API_KEY_NOT_FOUND', `no API key with id ${id}`);
    if (!row.revokedAt) {
      row.revokedAt = new Date();
      await em.flush();
      await this.audit.record('API_KEY_REVOKED', {
        ...auditedBy(caller),
        subject: `vk_${row.prefix}`,
        organisationId: orgId,
      });
    }
    return toView(row);
  }

  /** The viewer behind a presented key, or null (audited) for a wrong, revoked or expired one. */
  async authenticate(key: string, remoteAddress?: string | null): Promise<Viewer | null> {
    const match = KEY_FORMAT.exec(key);
    const em = this.orm.em.fork();
    const row = match ? await em.findOne(ApiKeySchema, { prefix: match[1]! }) : null;
    const now = Date.now();
    if (!match || !row || !tokenMatches(row.secretHash, match[2]!) || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= now)) {
      await this.audit.record('API_KEY_REJECTED', {
        subject: match ? `vk_${match[1]}` : 'malformed key',
        organisationId: row ? requiredRefId(row.organisation) : null,
        remoteAddress,
      });
      return null;
    }
    if ((this.lastUsedWritten.get(row.id) ?? 0) + LAST_USED_RESOLUTION_MS <= now) {
      this.lastUsedWritten.set(row.id, now);
      await em.nativeUpdate(ApiKeySchema, { id: row.id }, { lastUsedAt: new Date(now) });
    }
    return {
      kind: 'apiKey',
      apiKeyId: row.id,
      organisationId: requiredRefId(row.organisation),
      scopes: row.scopes.filter((s): s is ApiKeyScope => (API_KEY_SCOPES as readonly string[]).includes(s)),
      label: row.name,
    };
  }
}

function toView(k: ApiKey): ApiKeyView {
  return {
    id: k.id,
    name: k.name,
    prefix: `vk_${k.prefix}`,
    scopes: k.scopes as ApiKeyScope[],
    organisationId: requiredRefId(k.organisation),
    createdByUserId: refId(k.createdBy),
    createdAt: k.createdAt.toISOString(),
    expiresAt: isoOrNull(k.expiresAt),
    lastUsedAt: isoOrNull(k.lastUsedAt),
    revokedAt: isoOrNull(k.revokedAt),
  };
}

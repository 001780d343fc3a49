import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Logger } from '../../logger.js';
import type { Caller } from '../caller.js';
import { decodeCursor, encodeCursor, toPage, type Page, type PageRequest } from '../pagination.js';
import { AuditEventSchema, type AuditEvent, type AuditEventKind } from './audit-event.entity.js';

export interface AuditRecord {
  actorUserId?: string | null;
  actorApiKeyId?: string | null;
  actorLabel?: string | null;
  subject?: string | null;
  organisationId?: string | null;
  remoteAddress?: string | null;
  details?: Record<string, unknown> | null;
}

export interface AuditEventView {
  id: string;
  at: string;
  kind: AuditEventKind;
  actorUserId: string | null;
  actorApiKeyId: string | null;
  actorLabel: string | null;
  subject: string | null;
  organisationId: string | null;
  remoteAddress: string | null;
  details: Record<string, unknown> | null;
}

export interface AuditFilter {
  kinds?: AuditEventKind[] | null;
  from?: Date | null;
  to?: Date | null;
}

export class AuditService {
  constructor(
    private readonly orm: MikroORM,
    private readonly log: Logger,
  ) {}

  /**
   * Appends an event. A failure to audit is logged, never thrown: the action it describes
   * (often a refusal) has already been decided.
   */
  async record(kind: AuditEventKind, record: AuditRecord = {}): Promise<void> {
    try {
      const em = this.orm.em.fork();
      em.create(AuditEventSchema, {
        at: new Date(),
        kind,
        actorUserId: record.actorUserId ?? null,
        actorApiKeyId: record.actorApiKeyId ?? null,
        actorLabel: record.actorLabel ?? null,
        subject: record.subject?.slice(0, 320) ?? null,
        organisationId: record.organisationId ?? null,
        remoteAddress: record.remoteAddress?.slice(0, 64) ?? null,
        details: record.details ?? null,
      });
      await em.flush();
    } catch (err) {
      this.log.error('could not write an audit event', { kind, err });
    }
  }

  /** Newest first. Admins read every event, operators and API keys their organisation's, anyone else none. */
  async list(caller: Caller, page: PageRequest, filter: AuditFilter): Promise<Page<AuditEventView>> {
    const { visibility } = caller;
    if (visibility.kind !== 'all' && visibility.kind !== 'organisation') return { items: [], hasNextPage: false };
    const em = this.orm.em.fork();
    const where: Record<string, unknown> = {};
    if (filter.kinds?.length) where.kind = { $in: filter.kinds };
    if (visibility.kind === 'organisation') where.organisationId = visibility.organisationId;
    const at: Record<string, Date> = {};
    if (filter.from) at.$gte = filter.from;
    if (filter.to) at.$lt = filter.to;
    if (Object.keys(at).length) where.at = at;
    if (page.after) {
      const after = decodeCursor(page.after, z.tuple([z.number().int()]));
      if (after) where.id = { $lt: after[0] };
    }
    const rows = await em.find(AuditEventSchema, where, { orderBy: { id: 'desc' }, limit: page.first + 1 });
    return toPage(rows, page.first, toView, (e) => encodeCursor([e.id]));
  }
}

function toView(e: AuditEvent): AuditEventView {
  return {
    id: String(e.id),
    at: e.at.toISOString(),
    kind: e.kind,
    actorUserId: e.actorUserId ?? null,
    actorApiKeyId: e.actorApiKeyId ?? null,
    actorLabel: e.actorLabel ?? null,
    subject: e.subject ?? null,
    organisationId: e.organisationId ?? null,
    remoteAddress: e.remoteAddress ?? null,
    details: e.details ?? null,
  };
}

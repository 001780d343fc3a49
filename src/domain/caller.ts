import { ALL, type Visibility } from './accounts/viewer.js';
import type { AuditRecord } from './audit/audit.service.js';

/**
 * Who asked for something, as recorded in audit trails and command histories. The GraphQL edge
 * fills it from the authenticated caller; work the system does on its own is 'system'.
 */
export interface Actor {
  /** Human-readable: a user's name or email, an API client's name, 'system'. */
  label: string;
  userId: string | null;
  apiKeyId?: string | null;
}

/**
 * Who is asking a service for something: which rows they may see, how to name them in the
 * audit log, and where they asked from. Every service method that acts for someone takes one,
 * first; the service, not the edge, decides what the caller sees.
 */
export interface Caller {
  visibility: Visibility;
  actor: Actor;
  remoteAddress?: string | null;
}

export const SYSTEM_ACTOR: Actor = { label: 'system', userId: null };

/** The system itself (auto-registration, jobs, a charger's own messages): sees every row. */
export const SYSTEM_CALLER: Caller = { visibility: ALL, actor: SYSTEM_ACTOR, remoteAddress: null };

/** The caller's part of an audit record. */
export function auditedBy(caller: Caller): AuditRecord {
  return {
    actorUserId: caller.actor.userId,
    actorApiKeyId: caller.actor.apiKeyId ?? null,
    actorLabel: caller.actor.label,
    remoteAddress: caller.remoteAddress ?? null,
  };
}

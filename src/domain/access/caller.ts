import type { Visibility } from '../accounts/viewer.js';
import type { Actor } from '../actor.js';
import type { AuditRecord } from '../audit/audit.service.js';

/** Who is asking a service for something: what they may see, and how to name them in the audit log. */
export interface Caller {
  visibility: Visibility;
  actor: Actor;
  remoteAddress?: string | null;
}

export function auditedBy(caller: Caller): AuditRecord {
  return {
    actorUserId: caller.actor.userId,
    actorApiKeyId: caller.actor.apiKeyId ?? null,
    actorLabel: caller.actor.label,
    remoteAddress: caller.remoteAddress ?? null,
  };
}

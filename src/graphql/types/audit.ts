import { AUDIT_EVENT_KINDS } from '../../domain/audit/audit-event.entity.js';
import type { AuditEventView } from '../../domain/audit/audit.service.js';
import { builder } from '../builder.js';
import { pageRequest, toConnection } from '../pagination.js';

const AuditEventKindEnum = builder.enumType('AuditEventKind', { values: AUDIT_EVENT_KINDS });

const AuditEventRef = builder.objectRef<AuditEventView>('AuditEvent').implement({
  description: 'A security event: logins, refusals, key and token changes. Append-only.',
  authScopes: { permission: 'audit:read' },
  fields: (t) => ({
    id: t.exposeID('id'),
    at: t.expose('at', { type: 'DateTime' }),
    kind: t.expose('kind', { type: AuditEventKindEnum }),
    actorUserId: t.exposeID('actorUserId', { nullable: true }),
    actorApiKeyId: t.exposeID('actorApiKeyId', { nullable: true }),
    actorLabel: t.exposeString('actorLabel', { nullable: true }),
    subject: t.exposeString('subject', { nullable: true }),
    organisationId: t.exposeID('organisationId', { nullable: true }),
    remoteAddress: t.exposeString('remoteAddress', { nullable: true }),
    details: t.expose('details', { type: 'JSON', nullable: true }),
  }),
});

const AuditFilter = builder.inputType('AuditEventFilter', {
  fields: (t) => ({
    kinds: t.field({ type: [AuditEventKindEnum] }),
    from: t.field({ type: 'DateTime' }),
    to: t.field({ type: 'DateTime' }),
  }),
});

builder.queryField('auditEvents', (t) =>
  t.connection({
    type: AuditEventRef,
    description: 'Newest first. Operators see their organisation\'s events; admins all.',
    args: { filter: t.arg({ type: AuditFilter }) },
    authScopes: { permission: 'audit:read' },
    resolve: async (_root, args, ctx) =>
      toConnection(
        await ctx.services.audit.list(ctx.caller, pageRequest(args), {
          kinds: args.filter?.kinds ?? null,
          from: args.filter?.from ?? null,
          to: args.filter?.to ?? null,
        }),
      ),
  }),
);

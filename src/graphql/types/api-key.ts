import { API_KEY_SCOPES } from '../../domain/accounts/permissions.js';
import type { ApiKeyView } from '../../domain/accounts/api-key.service.js';
import { builder } from '../builder.js';

const ApiKeyScopeEnum = builder.enumType('ApiKeyScope', {
  values: Object.fromEntries(API_KEY_SCOPES.map((s) => [s.replace(':', '_').toUpperCase(), { value: s }])) as Record<
    string,
    { value: (typeof API_KEY_SCOPES)[number] }
  >,
  description: 'What a key may do, e.g. STATIONS_READ = the permission stations:read.',
});

const ApiKeyRef = builder.objectRef<ApiKeyView>('ApiKey').implement({
  description: 'A partner app\'s credential. The secret is shown once, at creation; only its hash is kept.',
  authScopes: { permission: 'apiKeys:manage' },
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    prefix: t.exposeString('prefix', { description: 'The public start of the key, to tell keys apart.' }),
    scopes: t.field({ type: [ApiKeyScopeEnum], resolve: (k) => k.scopes }),
    organisationId: t.exposeID('organisationId'),
    createdByUserId: t.exposeID('createdByUserId', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true, description: 'To the minute.' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
  }),
});

const CreatedApiKeyRef = builder.objectRef<{ key: string; apiKey: ApiKeyView }>('CreatedApiKey').implement({
  authScopes: { permission: 'apiKeys:manage' },
  fields: (t) => ({
    key: t.exposeString('key', { description: 'Send as `Authorization: Bearer <key>`. Shown only now.' }),
    apiKey: t.field({ type: ApiKeyRef, resolve: (c) => c.apiKey }),
  }),
});

const CreateApiKeyInput = builder.inputType('CreateApiKeyInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    scopes: t.field({ type: [ApiKeyScopeEnum], required: true }),
    organisationId: t.id({ description: 'Admins only; an operator\'s key is their organisation\'s.' }),
    expiresAt: t.field({ type: 'DateTime' }),
  }),
});

builder.queryField('apiKeys', (t) =>
  t.field({
    type: [ApiKeyRef],
    args: { includeRevoked: t.arg.boolean() },
    authScopes: { permission: 'apiKeys:manage' },
    resolve: (_root, args, ctx) => ctx.services.apiKeys.list(ctx.caller, args.includeRevoked ?? false),
  }),
);

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreatedApiKeyRef,
    args: { input: t.arg({ type: CreateApiKeyInput, required: true }) },
    authScopes: { permission: 'apiKeys:manage' },
    resolve: (_root, { input }, ctx) =>
      ctx.services.apiKeys.create(ctx.caller, { ...input, organisationId: input.organisationId ? String(input.organisationId) : null }),
  }),
  revokeApiKey: t.field({
    type: ApiKeyRef,
    args: { id: t.arg.id({ required: true }) },
    authScopes: { permission: 'apiKeys:manage' },
    resolve: (_root, args, ctx) => ctx.services.apiKeys.revoke(ctx.caller, String(args.id)),
  }),
}));

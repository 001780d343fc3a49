import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { GraphQLError } from 'graphql';
import type { Permission } from '../domain/accounts/permissions.js';
import { viewerCan } from '../domain/accounts/viewer.js';
import type { GraphQLContext } from './context.js';

// The builder only; types live in types/<area>.ts and register themselves on import.
// Authorization: every root field and every object type names its rule (see schema.ts, which
// refuses to build a schema with a field that has none):
//   public        anyone, logged in or not (sign-up, login, token refresh)
//   authenticated any logged-in person or API key
//   permission    the caller's role (or API key's scopes) grants this permission
// Which rows a caller sees is the services' business (Visibility), not the schema's.
export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  AuthScopes: { public: boolean; authenticated: boolean; permission: Permission };
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: false;
  Scalars: {
    DateTime: { Input: Date; Output: string | Date };
    WattHours: { Input: number; Output: number };
    JSON: { Input: unknown; Output: unknown };
    Decimal: { Input: string; Output: string };
    ID: { Input: string; Output: string };
  };
}>({
  // Relay first, so scope checks see decoded arguments; scope-auth wraps every resolver after it.
  // Dataloader batches per-row lookups (a row's station) into one read per response.
  plugins: [RelayPlugin, ScopeAuthPlugin, DataloaderPlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeQueryOptions: false,
    nodesQueryOptions: false,
  },
  scopeAuth: {
    // A subscription is refused when it is made, not silently at its first event.
    authorizeOnSubscribe: true,
    authScopes: (ctx) => ({
      public: true,
      authenticated: ctx.viewer != null,
      permission: (permission) => viewerCan(ctx.viewer, permission),
    }),
    unauthorizedError: (_parent, ctx) => {
      if (ctx.viewer) return new GraphQLError('you are not allowed to do this', { extensions: { code: 'FORBIDDEN' } });
      const message = ctx.credentialRejected
        ? 'the access token or API key is invalid, revoked or expired'
        : 'log in first: send Authorization: Bearer <token>';
      return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED' } });
    },
  },
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

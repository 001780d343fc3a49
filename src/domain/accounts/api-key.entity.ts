import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { OrganisationSchema } from '../organisations/organisation.entity.js';
import { UserSchema } from '../users/user.entity.js';

// A partner app's credential: `vk_<prefix>_<secret>`, shown once. The prefix finds the row,
// the secret's SHA-256 proves it. Always bound to one organisation and a set of scopes.
export const ApiKeySchema = defineEntity({
  name: 'ApiKey',
  tableName: 'api_key',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    name: p.string().length(100),
    prefix: p.string().length(16).unique(),
    secretHash: p.string().length(64),
    scopes: p.json<string[]>(),
    organisation: p.manyToOne(OrganisationSchema).deleteRule('cascade'),
    createdBy: p.manyToOne(UserSchema).nullable().deleteRule('set null'),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime().nullable(),
    lastUsedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
});

export type ApiKey = InferEntity<typeof ApiKeySchema>;

import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { UserSchema } from '../users/user.entity.js';

// One refresh token of a login. Each use rotates it: the old one is marked rotated and a new
// one of the same family issued. A rotated token presented again means it was stolen (or the
// client is confused): the whole family is revoked.
export const RefreshTokenSchema = defineEntity({
  name: 'RefreshToken',
  tableName: 'refresh_token',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    user: p.manyToOne(UserSchema).deleteRule('cascade'),
    familyId: p.uuid().index(),
    tokenHash: p.string().length(64).unique(),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime(),
    rotatedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
    remoteAddress: p.string().length(64).nullable(),
  },
});

export type RefreshToken = InferEntity<typeof RefreshTokenSchema>;

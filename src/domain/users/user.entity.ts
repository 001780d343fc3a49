import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { ROLES } from '../accounts/permissions.js';
import { OrganisationSchema } from '../organisations/organisation.entity.js';

// A person: an EV driver, an operator's staff member or an admin.
export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'app_user',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    name: p.string().length(200),
    // Stored trimmed and lower-cased; the login name.
    email: p.string().length(320).nullable().unique(),
    // argon2id; null for accounts that cannot log in yet (created by staff, awaiting a reset).
    passwordHash: p.string().length(255).nullable(),
    role: p.enum([...ROLES]).default('DRIVER'),
    // The operator a staff member works for; drivers belong to none.
    organisation: p.manyToOne(OrganisationSchema).nullable().deleteRule('set null'),
    // Bumped on password change and "log out everywhere": access tokens carrying an older
    // version stop working at once, not when they expire.
    tokenVersion: p.integer().default(0),
    disabledAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

export type User = InferEntity<typeof UserSchema>;

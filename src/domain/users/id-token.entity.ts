import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { OrganisationSchema } from '../organisations/organisation.entity.js';
import { UserSchema } from './user.entity.js';

export const ID_TOKEN_TYPES = ['RFID', 'APP', 'KEY_CODE', 'MAC_ADDRESS', 'EMAID', 'CENTRAL', 'LOCAL'] as const;
export type IdTokenType = (typeof ID_TOKEN_TYPES)[number];

// LOST: reported lost by its holder or staff; refused like BLOCKED (OCPP has no "lost").
export const ID_TOKEN_STATUSES = ['ACTIVE', 'BLOCKED', 'EXPIRED', 'LOST'] as const;
export type IdTokenStatus = (typeof ID_TOKEN_STATUSES)[number];

export const IdTokenSchema = defineEntity({
  name: 'IdToken',
  tableName: 'id_token',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    value: p.string().length(64),
    // OCPP idTags are case-insensitive (CiString): lookups go through this normalised key.
    lookupKey: p.string().length(64).unique(),
    type: p.enum([...ID_TOKEN_TYPES]),
    status: p.enum([...ID_TOKEN_STATUSES]).default('ACTIVE'),
    expiresAt: p.datetime().nullable(),
    parentIdTag: p.string().length(64).nullable(),
    label: p.string().length(100).nullable(),
    // The number printed on a card an operator hands out; with the UID it proves possession when
    // a driver claims the card.
    printedNumber: p.string().length(64).nullable(),
    // Parallel sessions this token may have; null: the configured default (0: no limit).
    maxConcurrentSessions: p.smallint().nullable(),
    user: p.manyToOne(UserSchema).nullable().deleteRule('set null'),
    // The operator that issued it (null: issued by an admin or created by its driver).
    organisation: p.manyToOne(OrganisationSchema).nullable().deleteRule('set null'),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  // A driver's tokens; an operator's tokens in list order.
  indexes: [{ properties: ['user'] }, { properties: ['organisation', 'lookupKey'] }],
});

export type IdToken = InferEntity<typeof IdTokenSchema>;

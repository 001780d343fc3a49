import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { OrganisationSchema } from '../organisations/organisation.entity.js';
import { StationSchema } from '../stations/station.entity.js';
import { UserSchema } from '../users/user.entity.js';

// Who may charge at a RESTRICTED station: a driver's tokens (USER), the tokens of a group
// (GROUP: their parentIdTag), or the tokens an organisation issued (ORGANISATION).
export const ACCESS_GRANT_KINDS = ['USER', 'GROUP', 'ORGANISATION'] as const;
export type AccessGrantKind = (typeof ACCESS_GRANT_KINDS)[number];

export const StationAccessGrantSchema = defineEntity({
  name: 'StationAccessGrant',
  tableName: 'station_access_grant',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    station: p.manyToOne(StationSchema).deleteRule('cascade'),
    kind: p.enum([...ACCESS_GRANT_KINDS]),
    // What the grant names, one per kind; the foreign keys take the grant away with its subject.
    user: p.manyToOne(UserSchema).nullable().deleteRule('cascade'),
    organisation: p.manyToOne(OrganisationSchema).nullable().deleteRule('cascade'),
    // GROUP: the parentIdTag as given; `subject` holds its case-insensitive key.
    parentIdTag: p.string().length(64).nullable(),
    // The user id, organisation id or upper-cased parentIdTag: one grant per subject and station.
    subject: p.string().length(64),
    createdBy: p.string().length(320).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ properties: ['station', 'kind', 'subject'] }],
});

export type StationAccessGrant = InferEntity<typeof StationAccessGrantSchema>;

import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { OrganisationSchema } from '../organisations/organisation.entity.js';

// A tariff: a name and an owner over a series of immutable versions (tariff_version). Editing
// a tariff adds a version; `currentVersion` says which one new sessions get.
export const TariffSchema = defineEntity({
  name: 'Tariff',
  tableName: 'tariff',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    // The operator it belongs to; null: a platform tariff an admin made.
    organisation: p.manyToOne(OrganisationSchema).nullable(),
    name: p.string().length(200),
    // The current version's currency, kept here to filter lists by it.
    currency: p.string().length(3),
    currentVersion: p.integer(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  indexes: [{ properties: ['organisation', 'name'] }],
});

export type Tariff = InferEntity<typeof TariffSchema>;

import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

// A charge point operator: owns stations and employs operator staff.
export const OrganisationSchema = defineEntity({
  name: 'Organisation',
  tableName: 'organisation',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    name: p.string().length(200).unique(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export type Organisation = InferEntity<typeof OrganisationSchema>;

import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { TariffDefinition } from './tariff.model.js';
import { TariffSchema } from './tariff.entity.js';

// One version of a tariff, as it was saved. Rows are only ever inserted: a session started under
// a version is priced by it to the end, and its CDR points at it.
export const TariffVersionSchema = defineEntity({
  name: 'TariffVersion',
  tableName: 'tariff_version',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    tariff: p.manyToOne(TariffSchema).deleteRule('cascade'),
    version: p.integer(),
    definition: p.json<TariffDefinition>(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ properties: ['tariff', 'version'] }],
});

export type TariffVersion = InferEntity<typeof TariffVersionSchema>;

import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { OrganisationSchema } from '../organisations/organisation.entity.js';

// A firmware image operators uploaded; stations download it through a per-job URL.
export const FirmwareFileSchema = defineEntity({
  name: 'FirmwareFile',
  tableName: 'firmware_file',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    fileName: p.string().length(255),
    // The operator whose staff (or API key) uploaded it, who alone may use it; null: an admin's.
    organisation: p.manyToOne(OrganisationSchema).nullable().deleteRule('set null'),
    contentType: p.string().length(255).nullable(),
    size: p.bigint('number'),
    sha256: p.string().length(64),
    storageKey: p.string().length(300),
    uploadedAt: p.datetime(),
  },
  indexes: [{ properties: ['uploadedAt'] }],
});

export type FirmwareFile = InferEntity<typeof FirmwareFileSchema>;

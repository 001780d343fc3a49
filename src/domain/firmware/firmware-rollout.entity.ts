import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { FirmwareFileSchema } from './firmware-file.entity.js';

// One updateFirmware: the same firmware to a list of stations, one job each.
export const FirmwareRolloutSchema = defineEntity({
  name: 'FirmwareRollout',
  tableName: 'firmware_rollout',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    // Either a file hosted here or an external location, never both.
    firmwareFile: p.manyToOne(FirmwareFileSchema).nullable(),
    externalLocation: p.string().length(2000).nullable(),
    retrieveAt: p.datetime(),
    retries: p.integer().nullable(),
    retryInterval: p.integer().nullable(),
    // The node that sends the jobs; after a crash it fails the ones it never sent.
    nodeId: p.string().length(200),
    createdAt: p.datetime(),
  },
  indexes: [{ properties: ['createdAt'] }],
});

export type FirmwareRollout = InferEntity<typeof FirmwareRolloutSchema>;

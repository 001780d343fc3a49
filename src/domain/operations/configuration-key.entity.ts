import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { StationSchema } from '../stations/station.entity.js';

// A station's configuration key as the station last reported it (or as we last changed it).
export const ConfigurationKeySchema = defineEntity({
  name: 'ConfigurationKey',
  tableName: 'configuration_key',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    station: p.manyToOne(StationSchema).deleteRule('cascade'),
    key: p.string().length(50),
    value: p.text().nullable(),
    readonly: p.boolean(),
    // When the station accepted a value that takes effect only after a reboot; a boot after
    // this instant means it took effect.
    rebootRequiredSince: p.datetime().nullable(),
    updatedAt: p.datetime(),
  },
  uniques: [{ properties: ['station', 'key'] }],
});

export type ConfigurationKey = InferEntity<typeof ConfigurationKeySchema>;

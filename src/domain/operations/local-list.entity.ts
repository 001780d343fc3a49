import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { StationSchema } from '../stations/station.entity.js';

/** One entry as the station holds it after our last accepted update (stored by tag lookup key). */
export interface StoredListEntry {
  idTag: string;
  status: string;
  expiresAt: string | null;
  parentIdTag: string | null;
}

// A station's local authorization list: its version, and its content when we know it.
export const StationLocalListSchema = defineEntity({
  name: 'StationLocalList',
  tableName: 'station_local_list',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    station: p.manyToOne(StationSchema).unique().deleteRule('cascade'),
    // As the station last reported or accepted it; null when it has no local list support.
    version: p.integer().nullable(),
    // False when the station reported a version we did not send: a differential update would
    // be computed against a list we do not know, so only a full one may follow.
    inSync: p.boolean(),
    entries: p.json<Record<string, StoredListEntry>>(),
    updatedAt: p.datetime(),
  },
});

export type StationLocalList = InferEntity<typeof StationLocalListSchema>;

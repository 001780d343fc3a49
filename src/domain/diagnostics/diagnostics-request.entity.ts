import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { StationSchema } from '../stations/station.entity.js';
import { DIAGNOSTICS_STATUSES } from './diagnostics-status.js';

// One GetDiagnostics asked of a station, and the file it uploaded to us.
export const DiagnosticsRequestSchema = defineEntity({
  name: 'DiagnosticsRequest',
  tableName: 'diagnostics_request',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    station: p.manyToOne(StationSchema).deleteRule('cascade'),
    status: p.enum([...DIAGNOSTICS_STATUSES]),
    // SHA-256 of the token in the upload URL; the token itself is only in the URL sent to the station.
    uploadTokenHash: p.string().length(64),
    startTime: p.datetime().nullable(),
    stopTime: p.datetime().nullable(),
    retries: p.integer().nullable(),
    retryInterval: p.integer().nullable(),
    // The name the station said it would upload (GetDiagnostics answer).
    fileName: p.string().length(255).nullable(),
    // What arrived at the upload endpoint.
    uploadedFileName: p.string().length(255).nullable(),
    contentType: p.string().length(255).nullable(),
    size: p.bigint('number').nullable(),
    sha256: p.string().length(64).nullable(),
    storageKey: p.string().length(300).nullable(),
    // The last upload status the station reported, in domain words.
    stationStatus: p.string().length(32).nullable(),
    failureReason: p.string().length(500).nullable(),
    requestedAt: p.datetime(),
    uploadedAt: p.datetime().nullable(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  indexes: [{ properties: ['station', 'requestedAt'] }],
});

export type DiagnosticsRequest = InferEntity<typeof DiagnosticsRequestSchema>;

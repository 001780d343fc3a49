import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { StationSchema } from '../stations/station.entity.js';
import { FirmwareRolloutSchema } from './firmware-rollout.entity.js';
import { FIRMWARE_JOB_STATUSES } from './firmware-status.js';

// The update of one station within a rollout, driven by FirmwareStatusNotification.
export const FirmwareJobSchema = defineEntity({
  name: 'FirmwareJob',
  tableName: 'firmware_job',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    rollout: p.manyToOne(FirmwareRolloutSchema).deleteRule('cascade'),
    station: p.manyToOne(StationSchema).deleteRule('cascade'),
    status: p.enum([...FIRMWARE_JOB_STATUSES]),
    // SHA-256 of the token in the job's download URL (hosted files only).
    downloadTokenHash: p.string().length(64).nullable(),
    // The last progress the station reported, in domain words.
    stationStatus: p.string().length(32).nullable(),
    failureReason: p.string().length(500).nullable(),
    sentAt: p.datetime().nullable(),
    finishedAt: p.datetime().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  indexes: [{ properties: ['rollout'] }, { properties: ['station', 'createdAt'] }],
});

export type FirmwareJob = InferEntity<typeof FirmwareJobSchema>;

import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { StationSchema } from '../stations/station.entity.js';
import { REBOOT_REASONS } from './monitoring.types.js';

// A reboot we caused or were told about (a reset, a firmware install), so the boot that follows
// is reported as expected rather than as a surprise. Consumed by that boot.
export const ExpectedRebootSchema = defineEntity({
  name: 'ExpectedReboot',
  tableName: 'expected_reboot',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    station: p.manyToOne(StationSchema).deleteRule('cascade').unique(),
    reason: p.enum([...REBOOT_REASONS]),
    expectedUntil: p.datetime(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export type ExpectedReboot = InferEntity<typeof ExpectedRebootSchema>;

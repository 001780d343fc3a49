import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { StationSchema } from '../stations/station.entity.js';
import { ALERT_KINDS, ALERT_SEVERITIES, ALERT_SUBJECTS } from './monitoring.types.js';

// Something an operator should know about a station, kept so a dashboard that was closed can catch up.
export const AlertSchema = defineEntity({
  name: 'Alert',
  tableName: 'alert',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    station: p.manyToOne(StationSchema).deleteRule('cascade'),
    kind: p.enum([...ALERT_KINDS]),
    severity: p.enum([...ALERT_SEVERITIES]),
    connectorId: p.integer().nullable(),
    message: p.string().length(500),
    details: p.json<Record<string, string>>(),
    // The record the alert is about (a fault, a firmware job, a diagnostics request), if any.
    // No foreign key: those live in other areas and an alert outlives them.
    subjectType: p.enum([...ALERT_SUBJECTS]).nullable(),
    subjectId: p.uuid().nullable(),
    at: p.datetime(),
  },
  indexes: [{ properties: ['station', 'at'] }, { properties: ['at'] }],
});

export type Alert = InferEntity<typeof AlertSchema>;

import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { StationSchema } from './station.entity.js';

export const STATION_REPORT_KINDS = [
  'DATA_TRANSFER',
  'DIAGNOSTICS_STATUS',
  'FIRMWARE_STATUS',
  'UNKNOWN_TRANSACTION_STOP',
] as const;
export type StationReportKind = (typeof STATION_REPORT_KINDS)[number];

// Messages a charger sent that are kept for operators rather than driving state machines.
export const StationReportSchema = defineEntity({
  name: 'StationReport',
  tableName: 'station_report',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    station: p.manyToOne(StationSchema).deleteRule('cascade'),
    kind: p.enum([...STATION_REPORT_KINDS]),
    status: p.string().length(64).nullable(),
    vendorId: p.string().length(255).nullable(),
    messageId: p.string().length(50).nullable(),
    data: p.text().nullable(),
    payload: p.json<Record<string, unknown>>().nullable(),
    receivedAt: p.datetime(),
  },
  indexes: [{ properties: ['station', 'receivedAt'] }],
});

export type StationReport = InferEntity<typeof StationReportSchema>;

// Domain vocabulary for monitoring: faults, alerts and connection history. Nothing here knows
// an OCPP version.
import type { ConnectorErrorCode, ConnectorStatus } from '../stations/station.types.js';
import type { Availability } from './availability.js';

export const ALERT_KINDS = [
  'FAULT_OPENED',
  'FAULT_CLEARED',
  'STATION_OFFLINE',
  'STATION_ONLINE',
  'STATION_BOOTED',
  'FIRMWARE_FAILED',
  'FIRMWARE_INSTALLED',
  'DIAGNOSTICS_FAILED',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const ALERT_SEVERITIES = ['INFO', 'WARNING', 'CRITICAL'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** What an alert is about, when it is about a record of its own. */
export const ALERT_SUBJECTS = ['FAULT', 'FIRMWARE_JOB', 'DIAGNOSTICS_REQUEST'] as const;
export type AlertSubject = (typeof ALERT_SUBJECTS)[number];

/** Why a station booted, as far as we can tell. */
export const BOOT_NOTES = ['FIRST_BOOT', 'AFTER_RESET', 'AFTER_FIRMWARE_UPDATE', 'UNEXPECTED'] as const;
export type BootNote = (typeof BOOT_NOTES)[number];

/** Why a reboot is about to happen; a boot that follows one in time is not a surprise. */
export const REBOOT_REASONS = ['RESET', 'FIRMWARE_UPDATE'] as const;
export type RebootReason = (typeof REBOOT_REASONS)[number];

export interface AlertInput {
  kind: AlertKind;
  severity: AlertSeverity;
  message: string;
  connectorId?: number | null;
  details?: Record<string, string>;
  subject?: { type: AlertSubject; id: string } | null;
  at?: Date;
}

export interface AlertView {
  id: string;
  stationId: string;
  stationIdentity: string;
  /** The station's operator: who may see the alert. */
  organisationId: string | null;
  kind: AlertKind;
  severity: AlertSeverity;
  connectorId: number | null;
  message: string;
  details: Record<string, string>;
  subjectType: AlertSubject | null;
  subjectId: string | null;
  at: string;
}

/** A status report's own columns, as a fault and a status record both keep them. */
export interface ReportedStatusView {
  status: ConnectorStatus;
  errorCode: ConnectorErrorCode;
  info: string | null;
  vendorId: string | null;
  vendorErrorCode: string | null;
}

export interface FaultView extends ReportedStatusView {
  id: string;
  stationId: string;
  stationIdentity: string;
  organisationId: string | null;
  connectorId: number;
  open: boolean;
  openedAt: string;
  closedAt: string | null;
}

export interface ConnectionEventView {
  online: boolean;
  reason: string | null;
  at: string;
}

export interface StatusEventView extends ReportedStatusView {
  connectorId: number;
  occurredAt: string;
  receivedAt: string;
  /** False when a newer status was already known when this one arrived. */
  applied: boolean;
}

export interface UptimeView extends Availability {
  from: string;
  /** The end of the window actually measured: `to`, or now when `to` is in the future. */
  to: string;
}

export interface FaultFilter {
  stationIdentity?: string | null;
  stationId?: string | null;
  connectorId?: number | null;
  open?: boolean | null;
  /** Faults that were open at some time in [from, to). */
  from?: Date | null;
  to?: Date | null;
}

export interface AlertFilter {
  stationIdentity?: string | null;
  stationId?: string | null;
  kinds?: AlertKind[] | null;
  severities?: AlertSeverity[] | null;
  from?: Date | null;
  to?: Date | null;
}

export interface HistoryRange {
  from?: Date | null;
  to?: Date | null;
  limit: number;
}

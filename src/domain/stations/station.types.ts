import type { StationReportKind } from './station-report.entity.js';

// Domain vocabulary for stations. Protocol mappers (src/ocpp/v16, later v201) translate into these;
// nothing here knows an OCPP version.

export const CONNECTOR_STATUSES = [
  'UNKNOWN',
  'AVAILABLE',
  'PREPARING',
  'CHARGING',
  'SUSPENDED_EVSE',
  'SUSPENDED_EV',
  'FINISHING',
  'RESERVED',
  'UNAVAILABLE',
  'FAULTED',
  'OCCUPIED',
] as const;
export type ConnectorStatus = (typeof CONNECTOR_STATUSES)[number];

export const CONNECTOR_ERROR_CODES = [
  'NO_ERROR',
  'CONNECTOR_LOCK_FAILURE',
  'EV_COMMUNICATION_ERROR',
  'GROUND_FAILURE',
  'HIGH_TEMPERATURE',
  'INTERNAL_ERROR',
  'LOCAL_LIST_CONFLICT',
  'OTHER_ERROR',
  'OVER_CURRENT_FAILURE',
  'OVER_VOLTAGE',
  'POWER_METER_FAILURE',
  'POWER_SWITCH_FAILURE',
  'READER_FAILURE',
  'RESET_FAILURE',
  'UNDER_VOLTAGE',
  'WEAK_SIGNAL',
] as const;
export type ConnectorErrorCode = (typeof CONNECTOR_ERROR_CODES)[number];

export interface BootInfo {
  vendor: string;
  model: string;
  serialNumber?: string;
  chargeBoxSerialNumber?: string;
  firmwareVersion?: string;
  iccid?: string;
  imsi?: string;
  meterType?: string;
  meterSerialNumber?: string;
}

export interface ConnectorStatusReport {
  connectorId: number;
  status: ConnectorStatus;
  errorCode: ConnectorErrorCode;
  info?: string;
  vendorId?: string;
  vendorErrorCode?: string;
  /** When the status began per the charger; receipt time when it did not say. */
  occurredAt?: Date;
}

export interface ConnectorView {
  connectorId: number;
  status: ConnectorStatus;
  errorCode: ConnectorErrorCode;
  info: string | null;
  vendorId: string | null;
  vendorErrorCode: string | null;
  statusAt: string | null;
  updatedAt: string;
}

export interface StationView {
  id: string;
  identity: string;
  name: string;
  /** The operator that owns it; null for stations only admins manage. */
  organisationId: string | null;
  address: string | null;
  latitude: string | null;
  longitude: string | null;
  timeZone: string;
  /** OCPP security profile the station must connect with: the highest it reached, or what an operator set. */
  securityProfile: number;
  /** Whether it has a Basic auth password; the hash itself never leaves the service. */
  hasPassword: boolean;
  ocppProtocol: string | null;
  vendor: string | null;
  model: string | null;
  serialNumber: string | null;
  chargeBoxSerialNumber: string | null;
  firmwareVersion: string | null;
  iccid: string | null;
  imsi: string | null;
  meterType: string | null;
  meterSerialNumber: string | null;
  online: boolean;
  connectedAt: string | null;
  disconnectedAt: string | null;
  lastSeenAt: string | null;
  lastBootAt: string | null;
  lastHeartbeatAt: string | null;
  diagnosticsStatus: string | null;
  diagnosticsStatusAt: string | null;
  firmwareStatus: string | null;
  firmwareStatusAt: string | null;
  connectors: ConnectorView[];
  createdAt: string;
  updatedAt: string;
}

export interface StationReportView {
  id: string;
  kind: StationReportKind;
  status: string | null;
  vendorId: string | null;
  messageId: string | null;
  data: string | null;
  receivedAt: string;
}

/** The columns a status report fills wherever it is kept (connector, history, fault). */
export function statusColumns(report: ConnectorStatusReport) {
  return {
    status: report.status,
    errorCode: report.errorCode,
    info: report.info ?? null,
    vendorId: report.vendorId ?? null,
    vendorErrorCode: report.vendorErrorCode ?? null,
  };
}

/** Published on `station.status` once the change is committed. */
export interface StationStatusEvent {
  stationId: string;
  stationIdentity: string;
  /** The station's operator; null for stations only admins operate. */
  organisationId: string | null;
  /** What changed: a connector's status, the socket coming or going, or a boot. */
  kind: 'CONNECTOR_STATUS' | 'CONNECTION' | 'BOOT';
  /** Null for connection and boot events; 0 is the station itself. */
  connectorId: number | null;
  status: ConnectorStatus | null;
  errorCode: ConnectorErrorCode | null;
  info: string | null;
  vendorErrorCode: string | null;
  online: boolean;
  /** When it happened, per the charger where it said so. */
  occurredAt: string;
}

/** OCPP security profiles we serve: 0 none, 1 Basic auth, 2 TLS + Basic auth. */
export type SecurityProfile = 0 | 1 | 2;

/** A stored profile as the type: anything above 2 is 2, anything below 0 is 0. */
export const toProfile = (n: number): SecurityProfile => (n >= 2 ? 2 : n <= 0 ? 0 : 1);

/** What the handshake needs to decide about a station; never leaves the domain. */
export interface StationCredentials {
  id: string;
  organisationId: string | null;
  passwordHash: string | null;
  securityProfile: SecurityProfile;
}

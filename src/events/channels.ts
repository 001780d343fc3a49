import type { AuthorizationStatus, SessionStatus } from '../domain/sessions/charging-session.entity.js';
import type { FirmwareJobView } from '../domain/firmware/firmware.types.js';
import type { AlertView } from '../domain/monitoring/monitoring.types.js';
import type { StopReason } from '../domain/sessions/session.types.js';
import type { ConnectorErrorCode, ConnectorStatus } from '../domain/stations/station.types.js';

// The typed map of every event the system publishes. Events are small JSON objects
// (ids, numbers, ISO timestamps), never entities, so they cross Redis unchanged.
// Every event names the organisation of its station (and a session's events its driver), so a
// subscription passes on only what its subscriber may see without reading the database.

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

export interface MeterSampleEvent {
  sampledAt: string;
  measurand: string;
  phase: string | null;
  unit: string | null;
  context: string | null;
  location: string | null;
  value: string;
}

export interface MeterValuesEvent {
  stationId: string;
  stationIdentity: string;
  organisationId: string | null;
  /** The driver whose session it is; null outside a session or for a session of no known driver. */
  userId: string | null;
  connectorId: number;
  sessionId: string | null;
  transactionId: number | null;
  /** The session's energy after this batch, when the batch belonged to a session. */
  sessionEnergyWh: number | null;
  samples: MeterSampleEvent[];
  receivedAt: string;
}

export interface SessionView {
  id: string;
  transactionId: number;
  stationId: string;
  stationIdentity: string;
  /** The station's operator. */
  organisationId: string | null;
  /** The driver whose session it is (the token's owner when it started). */
  userId: string | null;
  connectorId: number;
  idTag: string;
  idTokenId: string | null;
  authorizationStatus: AuthorizationStatus;
  status: SessionStatus;
  reservationId: number | null;
  startedAt: string;
  stoppedAt: string | null;
  meterStartWh: number;
  meterStopWh: number | null;
  energyWh: number;
  lastSampleAt: string | null;
  stopReason: StopReason | null;
  stopIdTag: string | null;
  updatedAt: string;
}

export interface SessionUpdatedEvent {
  change: 'STARTED' | 'METER' | 'STOPPED';
  session: SessionView;
}

export interface Channels {
  'station.status': StationStatusEvent;
  'meter.values': MeterValuesEvent;
  'session.updated': SessionUpdatedEvent;
  /** Faults, offline/online, boots, firmware and diagnostics failures: what operators are told about. */
  'station.alert': AlertView;
  /** A firmware job was created or moved (sent, progress reported, failed, superseded). */
  'firmware.job': FirmwareJobView;
}

export type ChannelName = keyof Channels;

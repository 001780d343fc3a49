import type { ChargingLimitStatus } from './charging-limit.entity.js';
import type {
  ChargingLimitScope,
  ChargingRateUnit,
  CommandAnswer,
  CommandStatus,
  CompositeSchedule,
  ConfigurationKeyReport,
  StationCommandKind,
} from './command.types.js';
import type { ReservationStatus } from './reservation.entity.js';

// Plain views the operations services return; the GraphQL edge exposes these, never entities.

export interface StationCommandView {
  id: string;
  stationId: string;
  stationIdentity: string;
  command: StationCommandKind;
  protocol: string | null;
  action: string | null;
  payload: unknown;
  status: CommandStatus;
  answer: CommandAnswer | null;
  response: unknown;
  errorCode: string | null;
  errorDescription: string | null;
  requestedBy: string;
  requestedByUserId: string | null;
  requestedAt: string;
  completedAt: string | null;
  durationMs: number | null;
}

/** A command's record with what its answer means. */
export interface CommandOutcome<R = { answer: CommandAnswer }> {
  command: StationCommandView;
  result: R;
}

export interface ConfigurationKeyView {
  key: string;
  value: string | null;
  readonly: boolean;
  rebootRequired: boolean;
  updatedAt: string;
}

export interface ReservationView {
  id: number;
  stationId: string;
  stationIdentity: string;
  /** The station's operator. */
  organisationId: string | null;
  connectorId: number;
  idTag: string;
  idTokenId: string | null;
  /** The driver whose token holds it. */
  userId: string | null;
  parentIdTag: string | null;
  expiresAt: string;
  status: ReservationStatus;
  transactionId: number | null;
  requestedBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface ChargingLimitView {
  profileId: number;
  stationId: string;
  scope: ChargingLimitScope;
  connectorId: number;
  limit: number;
  unit: ChargingRateUnit;
  status: ChargingLimitStatus;
  setBy: string;
  createdAt: string;
  endedAt: string | null;
}

export interface LocalListView {
  /** Null when the station has no local list support. */
  version: number | null;
  /** Whether we know what the list holds (we sent it, or it is empty). */
  inSync: boolean;
  /** Entries the station holds, when known. */
  size: number | null;
  updatedAt: string;
}

export type { CompositeSchedule, ConfigurationKeyReport };

// Domain vocabulary for charging sessions; protocol mappers translate into these.
import type { SessionCost } from '../pricing/pricing.types.js';
import type { AuthorizationStatus, SessionStatus } from './charging-session.entity.js';

export const ENERGY_REGISTER = 'Energy.Active.Import.Register';

/** One sampled value as the charger reported it, with protocol defaults already applied. */
export interface SampledValue {
  sampledAt: Date;
  measurand: string;
  phase: string | null;
  unit: string | null;
  context: string | null;
  location: string | null;
  format: string | null;
  value: string;
}

export interface TransactionStart {
  connectorId: number;
  idTag: string;
  meterStartWh: number;
  startedAt: Date;
  reservationId?: number;
}

export const STOP_REASONS = [
  'EMERGENCY_STOP',
  'EV_DISCONNECTED',
  'HARD_RESET',
  'LOCAL',
  'OTHER',
  'POWER_LOSS',
  'REBOOT',
  'REMOTE',
  'SOFT_RESET',
  'UNLOCK_COMMAND',
  'DE_AUTHORIZED',
] as const;
export type StopReason = (typeof STOP_REASONS)[number];

export interface TransactionStop {
  transactionId: number;
  idTag?: string;
  meterStopWh: number;
  stoppedAt: Date;
  reason: StopReason;
  samples: SampledValue[];
}

export interface MeterReport {
  connectorId: number;
  transactionId?: number;
  samples: SampledValue[];
}

export interface MeterSampleView {
  sampledAt: string;
  measurand: string;
  phase: string | null;
  unit: string | null;
  context: string | null;
  location: string | null;
  format: string | null;
  value: string;
  numericValue: string | null;
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
  /** The tariff version pinned at start; null when none applied. */
  tariffId: string | null;
  tariffVersionId: string | null;
  updatedAt: string;
  /** The running (or, once a CDR exists, final) cost, when the event that carries the view knows it. */
  cost?: SessionCost | null;
}

/** A sample as `meter.values` carries it: the view without what subscribers do not need. */
export type MeterSampleEvent = Omit<MeterSampleView, 'format' | 'numericValue'>;

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

/** Published on `session.updated` once the change is committed. */
export interface SessionUpdatedEvent {
  change: 'STARTED' | 'METER' | 'STOPPED';
  session: SessionView;
}

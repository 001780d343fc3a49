// Domain vocabulary for charging sessions; protocol mappers translate into these.

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

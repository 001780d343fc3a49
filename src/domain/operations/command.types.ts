import type { AuthorizationStatus } from '../sessions/charging-session.entity.js';

// Commands the CSMS sends to a station, in domain terms. Protocol mappers (src/ocpp/v16, later
// v201) turn each into a message and the station's answer back into a result; nothing here
// knows an OCPP version.

export const STATION_COMMAND_KINDS = [
  'START_CHARGING',
  'STOP_CHARGING',
  'RESET',
  'UNLOCK_CONNECTOR',
  'CHANGE_AVAILABILITY',
  'GET_CONFIGURATION',
  'CHANGE_CONFIGURATION',
  'CLEAR_CACHE',
  'TRIGGER_MESSAGE',
  'DATA_TRANSFER',
  'GET_LOCAL_LIST_VERSION',
  'SEND_LOCAL_LIST',
  'RESERVE_NOW',
  'CANCEL_RESERVATION',
  'SET_CHARGING_LIMIT',
  'CLEAR_CHARGING_LIMIT',
  'GET_COMPOSITE_SCHEDULE',
  'GET_DIAGNOSTICS',
  'UPDATE_FIRMWARE',
] as const;
export type StationCommandKind = (typeof STATION_COMMAND_KINDS)[number];

/** How a recorded command ended. PENDING while the station has not answered yet. */
export const COMMAND_STATUSES = [
  'PENDING',
  'ACCEPTED',
  'REJECTED',
  'OFFLINE',
  'TIMEOUT',
  'CHARGER_ERROR',
  'FAILED',
] as const;
export type CommandStatus = (typeof COMMAND_STATUSES)[number];

/** What the station answered, as precisely as it said it. */
export const COMMAND_ANSWERS = [
  'ACCEPTED',
  'REJECTED',
  'SCHEDULED',
  'REBOOT_REQUIRED',
  'NOT_SUPPORTED',
  'NOT_IMPLEMENTED',
  'UNLOCKED',
  'UNLOCK_FAILED',
  'FAILED',
  'VERSION_MISMATCH',
  'OCCUPIED',
  'FAULTED',
  'UNAVAILABLE',
  'UNKNOWN',
  'UNKNOWN_VENDOR_ID',
  'UNKNOWN_MESSAGE_ID',
] as const;
export type CommandAnswer = (typeof COMMAND_ANSWERS)[number];

// Answers that mean the station did (or will do) what was asked.
const SUCCESSFUL_ANSWERS: ReadonlySet<CommandAnswer> = new Set(['ACCEPTED', 'SCHEDULED', 'REBOOT_REQUIRED', 'UNLOCKED']);

export function statusOfAnswer(answer: CommandAnswer): 'ACCEPTED' | 'REJECTED' {
  return SUCCESSFUL_ANSWERS.has(answer) ? 'ACCEPTED' : 'REJECTED';
}

export const RESET_KINDS = ['SOFT', 'HARD'] as const;
export type ResetKind = (typeof RESET_KINDS)[number];

export const AVAILABILITY_KINDS = ['OPERATIVE', 'INOPERATIVE'] as const;
export type AvailabilityKind = (typeof AVAILABILITY_KINDS)[number];

export const TRIGGER_MESSAGE_KINDS = [
  'BOOT_NOTIFICATION',
  'DIAGNOSTICS_STATUS_NOTIFICATION',
  'FIRMWARE_STATUS_NOTIFICATION',
  'HEARTBEAT',
  'METER_VALUES',
  'STATUS_NOTIFICATION',
] as const;
export type TriggerMessageKind = (typeof TRIGGER_MESSAGE_KINDS)[number];

export const LOCAL_LIST_MODES = ['FULL', 'DIFFERENTIAL'] as const;
export type LocalListMode = (typeof LOCAL_LIST_MODES)[number];

export const CHARGING_RATE_UNITS = ['W', 'A'] as const;
export type ChargingRateUnit = (typeof CHARGING_RATE_UNITS)[number];

/** Which cap a charging limit is: the whole station's, or every session's on one connector. */
export const CHARGING_LIMIT_SCOPES = ['STATION', 'CONNECTOR'] as const;
export type ChargingLimitScope = (typeof CHARGING_LIMIT_SCOPES)[number];

/** One entry of a station's local authorization list; no authorization removes the entry. */
export interface LocalListEntry {
  idTag: string;
  authorization: { status: AuthorizationStatus; expiresAt: Date | null; parentIdTag: string | null } | null;
}

/**
 * A URL handed to a station (an upload or download location). `recorded` is what the command
 * history keeps: the same URL without the secret token it may carry.
 */
export interface StationUrl {
  url: string;
  recorded: string;
}

export type StationCommand =
  | { kind: 'START_CHARGING'; connectorId: number | null; idTag: string }
  | { kind: 'STOP_CHARGING'; transactionId: number }
  | { kind: 'RESET'; type: ResetKind }
  | { kind: 'UNLOCK_CONNECTOR'; connectorId: number }
  | { kind: 'CHANGE_AVAILABILITY'; connectorId: number; availability: AvailabilityKind }
  | { kind: 'GET_CONFIGURATION'; keys: string[] }
  | { kind: 'CHANGE_CONFIGURATION'; key: string; value: string }
  | { kind: 'CLEAR_CACHE' }
  | { kind: 'TRIGGER_MESSAGE'; message: TriggerMessageKind; connectorId: number | null }
  | { kind: 'DATA_TRANSFER'; vendorId: string; messageId: string | null; data: string | null }
  | { kind: 'GET_LOCAL_LIST_VERSION' }
  | { kind: 'SEND_LOCAL_LIST'; version: number; mode: LocalListMode; entries: LocalListEntry[] }
  | {
      kind: 'RESERVE_NOW';
      reservationId: number;
      connectorId: number;
      idTag: string;
      parentIdTag: string | null;
      expiresAt: Date;
    }
  | { kind: 'CANCEL_RESERVATION'; reservationId: number }
  | {
      kind: 'SET_CHARGING_LIMIT';
      profileId: number;
      scope: ChargingLimitScope;
      connectorId: number;
      stackLevel: number;
      limit: number;
      unit: ChargingRateUnit;
      startsAt: Date;
    }
  | { kind: 'CLEAR_CHARGING_LIMIT'; profileId: number | null; scope: ChargingLimitScope; connectorId: number; stackLevel: number }
  | { kind: 'GET_COMPOSITE_SCHEDULE'; connectorId: number; durationSeconds: number; unit: ChargingRateUnit | null }
  | {
      kind: 'GET_DIAGNOSTICS';
      /** Where the station uploads the file (HTTP(S) PUT or POST). */
      location: StationUrl;
      startTime: Date | null;
      stopTime: Date | null;
      retries: number | null;
      retryIntervalSeconds: number | null;
    }
  | {
      kind: 'UPDATE_FIRMWARE';
      /** Where the station downloads the firmware. */
      location: StationUrl;
      /** From when the station may download it. */
      retrieveAt: Date;
      retries: number | null;
      retryIntervalSeconds: number | null;
    };

export type CommandOf<K extends StationCommandKind> = Extract<StationCommand, { kind: K }>;

export interface ConfigurationKeyReport {
  key: string;
  value: string | null;
  readonly: boolean;
}

export interface SchedulePeriod {
  /** Seconds from the start of the schedule. */
  startSeconds: number;
  limit: number;
  numberPhases: number | null;
}

export interface CompositeSchedule {
  connectorId: number;
  scheduleStart: Date | null;
  durationSeconds: number | null;
  unit: ChargingRateUnit;
  minChargingRate: number | null;
  periods: SchedulePeriod[];
}

interface Answered {
  answer: CommandAnswer;
}

/** What each command's answer means, per command kind. */
export interface CommandResults {
  START_CHARGING: Answered;
  STOP_CHARGING: Answered;
  RESET: Answered;
  UNLOCK_CONNECTOR: Answered;
  CHANGE_AVAILABILITY: Answered;
  GET_CONFIGURATION: Answered & { keys: ConfigurationKeyReport[]; unknownKeys: string[] };
  CHANGE_CONFIGURATION: Answered;
  CLEAR_CACHE: Answered;
  TRIGGER_MESSAGE: Answered;
  DATA_TRANSFER: Answered & { data: string | null };
  /** version null: the station has no local list support. */
  GET_LOCAL_LIST_VERSION: Answered & { version: number | null };
  SEND_LOCAL_LIST: Answered;
  RESERVE_NOW: Answered;
  CANCEL_RESERVATION: Answered;
  SET_CHARGING_LIMIT: Answered;
  CLEAR_CHARGING_LIMIT: Answered;
  GET_COMPOSITE_SCHEDULE: Answered & { schedule: CompositeSchedule | null };
  /** fileName null: the station has no diagnostics to upload. */
  GET_DIAGNOSTICS: Answered & { fileName: string | null };
  UPDATE_FIRMWARE: Answered;
}

export type ResultOf<K extends StationCommandKind> = CommandResults[K];

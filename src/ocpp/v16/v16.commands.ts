// OCPP 1.6J, CSMS to charger: domain commands to 1.6 messages, 1.6 answers back to domain
// results. Like v16.mapper.ts, the only place these 1.6 names meet the domain.
import type {
  CancelReservationRequest,
  CancelReservationResponse,
  ChangeAvailabilityRequest,
  ChangeAvailabilityResponse,
  ChangeConfigurationRequest,
  ChangeConfigurationResponse,
  ClearCacheResponse,
  ClearChargingProfileRequest,
  ClearChargingProfileResponse,
  DataTransferRequest,
  DataTransferResponse,
  GetCompositeScheduleRequest,
  GetCompositeScheduleResponse,
  GetConfigurationRequest,
  GetConfigurationResponse,
  GetDiagnosticsRequest,
  GetDiagnosticsResponse,
  GetLocalListVersionResponse,
  RemoteStartTransactionRequest,
  RemoteStartTransactionResponse,
  RemoteStopTransactionRequest,
  RemoteStopTransactionResponse,
  ReserveNowRequest,
  ReserveNowResponse,
  ResetRequest,
  ResetResponse,
  SendLocalListRequest,
  SendLocalListResponse,
  SetChargingProfileRequest,
  SetChargingProfileResponse,
  TriggerMessageRequest,
  TriggerMessageResponse,
  UnlockConnectorResponse,
  UpdateFirmwareRequest,
} from './v16.types.js';
import type {
  AvailabilityKind,
  ChargingLimitScope,
  CommandAnswer,
  CommandOf,
  CompositeSchedule,
  ResetKind,
  ResultOf,
  StationCommandKind,
  TriggerMessageKind,
} from '../../domain/operations/command.types.js';
import { OperationsError } from '../../domain/operations/operations.errors.js';
import type { EncodedCommand } from '../../domain/operations/station-link.js';
import { toIdTagInfo } from './v16.mapper.js';

// 1.6 idTags are CiString20.
const MAX_ID_TAG = 20;

type V16Status =
  | CancelReservationResponse['status']
  | ChangeAvailabilityResponse['status']
  | ChangeConfigurationResponse['status']
  | ClearCacheResponse['status']
  | ClearChargingProfileResponse['status']
  | DataTransferResponse['status']
  | GetCompositeScheduleResponse['status']
  | RemoteStartTransactionResponse['status']
  | RemoteStopTransactionResponse['status']
  | ReserveNowResponse['status']
  | ResetResponse['status']
  | SendLocalListResponse['status']
  | SetChargingProfileResponse['status']
  | TriggerMessageResponse['status']
  | UnlockConnectorResponse['status'];

const ANSWER: Record<V16Status, CommandAnswer> = {
  Accepted: 'ACCEPTED',
  Rejected: 'REJECTED',
  Scheduled: 'SCHEDULED',
  RebootRequired: 'REBOOT_REQUIRED',
  NotSupported: 'NOT_SUPPORTED',
  NotImplemented: 'NOT_IMPLEMENTED',
  Unlocked: 'UNLOCKED',
  UnlockFailed: 'UNLOCK_FAILED',
  Failed: 'FAILED',
  VersionMismatch: 'VERSION_MISMATCH',
  Occupied: 'OCCUPIED',
  Faulted: 'FAULTED',
  Unavailable: 'UNAVAILABLE',
  Unknown: 'UNKNOWN',
  UnknownVendorId: 'UNKNOWN_VENDOR_ID',
  UnknownMessageId: 'UNKNOWN_MESSAGE_ID',
};

const RESET: Record<ResetKind, ResetRequest['type']> = { SOFT: 'Soft', HARD: 'Hard' };

const AVAILABILITY: Record<AvailabilityKind, ChangeAvailabilityRequest['type']> = {
  OPERATIVE: 'Operative',
  INOPERATIVE: 'Inoperative',
};

const TRIGGER: Record<TriggerMessageKind, TriggerMessageRequest['requestedMessage']> = {
  BOOT_NOTIFICATION: 'BootNotification',
  DIAGNOSTICS_STATUS_NOTIFICATION: 'DiagnosticsStatusNotification',
  FIRMWARE_STATUS_NOTIFICATION: 'FirmwareStatusNotification',
  HEARTBEAT: 'Heartbeat',
  METER_VALUES: 'MeterValues',
  STATUS_NOTIFICATION: 'StatusNotification',
};

// A station-wide cap is the charge point's maximum; a connector's applies to every transaction on it.
const PURPOSE: Record<ChargingLimitScope, 'ChargePointMaxProfile' | 'TxDefaultProfile'> = {
  STATION: 'ChargePointMaxProfile',
  CONNECTOR: 'TxDefaultProfile',
};

// `recorded`: the payload as the history keeps it, for one that carries a secret.
function message<Req, Res, R>(action: string, payload: Req, decode: (response: Res) => R, recorded?: Req): EncodedCommand<R> {
  return { action, payload, ...(recorded === undefined ? {} : { recorded }), decode: (response) => decode(response as Res) };
}

const answered = (r: { status: V16Status }) => ({ answer: ANSWER[r.status] });

function idTag16(idTag: string): string {
  if (idTag.length > MAX_ID_TAG) {
    throw new OperationsError('COMMAND_NOT_SUPPORTED', `OCPP 1.6 stations take idTags of at most ${MAX_ID_TAG} characters`, {
      field: 'idTag',
    });
  }
  return idTag;
}

type Encoders = { [K in StationCommandKind]: (command: CommandOf<K>) => EncodedCommand<ResultOf<K>> };

const ENCODERS: Encoders = {
  START_CHARGING: (c) =>
    message<RemoteStartTransactionRequest, RemoteStartTransactionResponse, ResultOf<'START_CHARGING'>>(
      'RemoteStartTransaction',
      { ...(c.connectorId === null ? {} : { connectorId: c.connectorId }), idTag: idTag16(c.idTag) },
      answered,
    ),

  STOP_CHARGING: (c) =>
    message<RemoteStopTransactionRequest, RemoteStopTransactionResponse, ResultOf<'STOP_CHARGING'>>(
      'RemoteStopTransaction',
      { transactionId: c.transactionId },
      answered,
    ),

  RESET: (c) => message<ResetRequest, ResetResponse, ResultOf<'RESET'>>('Reset', { type: RESET[c.type] }, answered),

  UNLOCK_CONNECTOR: (c) =>
    message<{ connectorId: number }, UnlockConnectorResponse, ResultOf<'UNLOCK_CONNECTOR'>>(
      'UnlockConnector',
      { connectorId: c.connectorId },
      answered,
    ),

  CHANGE_AVAILABILITY: (c) =>
    message<ChangeAvailabilityRequest, ChangeAvailabilityResponse, ResultOf<'CHANGE_AVAILABILITY'>>(
      'ChangeAvailability',
      { connectorId: c.connectorId, type: AVAILABILITY[c.availability] },
      answered,
    ),

  GET_CONFIGURATION: (c) =>
    message<GetConfigurationRequest, GetConfigurationResponse, ResultOf<'GET_CONFIGURATION'>>(
      'GetConfiguration',
      c.keys.length > 0 ? { key: c.keys } : {},
      (r) => ({
        answer: 'ACCEPTED',
        keys: (r.configurationKey ?? []).map((k) => ({ key: k.key, value: k.value ?? null, readonly: k.readonly })),
        unknownKeys: r.unknownKey ?? [],
      }),
    ),

  CHANGE_CONFIGURATION: (c) =>
    message<ChangeConfigurationRequest, ChangeConfigurationResponse, ResultOf<'CHANGE_CONFIGURATION'>>(
      'ChangeConfiguration',
      { key: c.key, value: c.value },
      answered,
    ),

  CLEAR_CACHE: () => message<object, ClearCacheResponse, ResultOf<'CLEAR_CACHE'>>('ClearCache', {}, answered),

  TRIGGER_MESSAGE: (c) =>
    message<TriggerMessageRequest, TriggerMessageResponse, ResultOf<'TRIGGER_MESSAGE'>>(
      'TriggerMessage',
      { requestedMessage: TRIGGER[c.message], ...(c.connectorId === null ? {} : { connectorId: c.connectorId }) },
      answered,
    ),

  DATA_TRANSFER: (c) =>
    message<DataTransferRequest, DataTransferResponse, ResultOf<'DATA_TRANSFER'>>(
      'DataTransfer',
      {
        vendorId: c.vendorId,
        ...(c.messageId === null ? {} : { messageId: c.messageId }),
        ...(c.data === null ? {} : { data: c.data }),
      },
      (r) => ({ answer: ANSWER[r.status], data: r.data ?? null }),
    ),

  GET_LOCAL_LIST_VERSION: () =>
    message<object, GetLocalListVersionResponse, ResultOf<'GET_LOCAL_LIST_VERSION'>>('GetLocalListVersion', {}, (r) =>
      // -1: the station does not support a local list; 0: it has none (empty).
      r.listVersion === -1 ? { answer: 'NOT_SUPPORTED', version: null } : { answer: 'ACCEPTED', version: r.listVersion },
    ),

  SEND_LOCAL_LIST: (c) =>
    message<SendLocalListRequest, SendLocalListResponse, ResultOf<'SEND_LOCAL_LIST'>>(
      'SendLocalList',
      {
        listVersion: c.version,
        updateType: c.mode === 'FULL' ? 'Full' : 'Differential',
        localAuthorizationList: c.entries
          // A 1.6 station cannot present a longer idTag, so such tokens have no place on its list.
          .filter((e) => e.idTag.length <= MAX_ID_TAG)
          .map((e) =>
            e.authorization
              ? { idTag: e.idTag, idTagInfo: toIdTagInfo({ ...e.authorization, tokenId: null }) }
              : { idTag: e.idTag },
          ),
      },
      answered,
    ),

  RESERVE_NOW: (c) =>
    message<ReserveNowRequest, ReserveNowResponse, ResultOf<'RESERVE_NOW'>>(
      'ReserveNow',
      {
        connectorId: c.connectorId,
        expiryDate: c.expiresAt.toISOString(),
        idTag: idTag16(c.idTag),
        // A cut-down group id could match another group: leave out one that does not fit.
        ...(c.parentIdTag !== null && c.parentIdTag.length <= MAX_ID_TAG ? { parentIdTag: c.parentIdTag } : {}),
        reservationId: c.reservationId,
      },
      answered,
    ),

  CANCEL_RESERVATION: (c) =>
    message<CancelReservationRequest, CancelReservationResponse, ResultOf<'CANCEL_RESERVATION'>>(
      'CancelReservation',
      { reservationId: c.reservationId },
      answered,
    ),

  SET_CHARGING_LIMIT: (c) =>
    message<SetChargingProfileRequest, SetChargingProfileResponse, ResultOf<'SET_CHARGING_LIMIT'>>(
      'SetChargingProfile',
      {
        connectorId: c.connectorId,
        csChargingProfiles: {
          chargingProfileId: c.profileId,
          stackLevel: c.stackLevel,
          chargingProfilePurpose: PURPOSE[c.scope],
          // From now on, without end: one period from the start of the schedule.
          chargingProfileKind: 'Absolute',
          chargingSchedule: {
            startSchedule: c.startsAt.toISOString(),
            chargingRateUnit: c.unit,
            chargingSchedulePeriod: [{ startPeriod: 0, limit: c.limit }],
          },
        },
      },
      answered,
    ),

  CLEAR_CHARGING_LIMIT: (c) =>
    message<ClearChargingProfileRequest, ClearChargingProfileResponse, ResultOf<'CLEAR_CHARGING_LIMIT'>>(
      'ClearChargingProfile',
      // Our own profile by its id when we know it; otherwise whatever sits at our purpose and level.
      c.profileId !== null
        ? { id: c.profileId }
        : { connectorId: c.connectorId, chargingProfilePurpose: PURPOSE[c.scope], stackLevel: c.stackLevel },
      answered,
    ),

  GET_COMPOSITE_SCHEDULE: (c) =>
    message<GetCompositeScheduleRequest, GetCompositeScheduleResponse, ResultOf<'GET_COMPOSITE_SCHEDULE'>>(
      'GetCompositeSchedule',
      { connectorId: c.connectorId, duration: c.durationSeconds, ...(c.unit === null ? {} : { chargingRateUnit: c.unit }) },
      (r) => ({ answer: ANSWER[r.status], schedule: toSchedule(r, c.connectorId) }),
    ),

  GET_DIAGNOSTICS: (c) =>
    message<GetDiagnosticsRequest, GetDiagnosticsResponse, ResultOf<'GET_DIAGNOSTICS'>>(
      'GetDiagnostics',
      getDiagnostics(c, c.location.url),
      // "fileName ... is not present when no diagnostic information is available."
      (r) => ({ answer: 'ACCEPTED', fileName: r.fileName ? r.fileName : null }),
      getDiagnostics(c, c.location.recorded),
    ),

  UPDATE_FIRMWARE: (c) =>
    // UpdateFirmware.conf is empty: a CALLRESULT is the acceptance.
    message<UpdateFirmwareRequest, object, ResultOf<'UPDATE_FIRMWARE'>>(
      'UpdateFirmware',
      updateFirmware(c, c.location.url),
      () => ({ answer: 'ACCEPTED' }),
      updateFirmware(c, c.location.recorded),
    ),
};

function getDiagnostics(c: CommandOf<'GET_DIAGNOSTICS'>, location: string): GetDiagnosticsRequest {
  return {
    location,
    ...(c.startTime ? { startTime: c.startTime.toISOString() } : {}),
    ...(c.stopTime ? { stopTime: c.stopTime.toISOString() } : {}),
    ...(c.retries === null ? {} : { retries: c.retries }),
    ...(c.retryIntervalSeconds === null ? {} : { retryInterval: c.retryIntervalSeconds }),
  };
}

function updateFirmware(c: CommandOf<'UPDATE_FIRMWARE'>, location: string): UpdateFirmwareRequest {
  return {
    location,
    retrieveDate: c.retrieveAt.toISOString(),
    ...(c.retries === null ? {} : { retries: c.retries }),
    ...(c.retryIntervalSeconds === null ? {} : { retryInterval: c.retryIntervalSeconds }),
  };
}

function toSchedule(r: GetCompositeScheduleResponse, connectorId: number): CompositeSchedule | null {
  const s = r.chargingSchedule;
  if (r.status !== 'Accepted' || !s) return null;
  const start = r.scheduleStart ?? s.startSchedule;
  return {
    connectorId: r.connectorId ?? connectorId,
    scheduleStart: start ? new Date(start) : null,
    durationSeconds: s.duration ?? null,
    unit: s.chargingRateUnit,
    minChargingRate: s.minChargingRate ?? null,
    periods: s.chargingSchedulePeriod.map((p) => ({
      startSeconds: p.startPeriod,
      limit: p.limit,
      numberPhases: p.numberPhases ?? null,
    })),
  };
}

/** The 1.6 message for a domain command, and how to read the station's answer to it. */
export function encodeV16Command<K extends StationCommandKind>(command: CommandOf<K>): EncodedCommand<ResultOf<K>> {
  const encode = ENCODERS[command.kind as K] as (c: CommandOf<K>) => EncodedCommand<ResultOf<K>>;
  return encode(command);
}

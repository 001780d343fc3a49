// The one place where OCPP 1.6 vocabulary meets the domain's. Nothing outside src/ocpp/v16
// sees a 1.6 type, and nothing in here holds a rule of the business.
import type {
  AuthorizeResponse,
  BootNotificationRequest,
  DiagnosticsStatusNotificationRequest,
  FirmwareStatusNotificationRequest,
  MeterValuesRequest,
  StartTransactionRequest,
  StatusNotificationRequest,
  StopTransactionRequest,
} from './v16.types.js';
import type { DiagnosticsUploadStatus } from '../../domain/diagnostics/diagnostics-status.js';
import type { FirmwareProgress } from '../../domain/firmware/firmware-status.js';
import type { AuthorizationStatus } from '../../domain/sessions/charging-session.entity.js';
import {
  ENERGY_REGISTER,
  type MeterReport,
  type SampledValue,
  type StopReason,
  type TransactionStart,
  type TransactionStop,
} from '../../domain/sessions/session.types.js';
import type {
  BootInfo,
  ConnectorErrorCode,
  ConnectorStatus,
  ConnectorStatusReport,
} from '../../domain/stations/station.types.js';
import type { AuthorizationResult } from '../../domain/users/id-token.service.js';
import { isStorableReading } from '../../domain/sessions/energy.js';
import { OcppError } from '../ocpp-error.js';

type IdTagInfo = AuthorizeResponse['idTagInfo'];
type MeterValue = MeterValuesRequest['meterValue'][number];

const STATUS: Record<StatusNotificationRequest['status'], ConnectorStatus> = {
  Available: 'AVAILABLE',
  Preparing: 'PREPARING',
  Charging: 'CHARGING',
  SuspendedEVSE: 'SUSPENDED_EVSE',
  SuspendedEV: 'SUSPENDED_EV',
  Finishing: 'FINISHING',
  Reserved: 'RESERVED',
  Unavailable: 'UNAVAILABLE',
  Faulted: 'FAULTED',
};

const ERROR_CODE: Record<StatusNotificationRequest['errorCode'], ConnectorErrorCode> = {
  ConnectorLockFailure: 'CONNECTOR_LOCK_FAILURE',
  EVCommunicationError: 'EV_COMMUNICATION_ERROR',
  GroundFailure: 'GROUND_FAILURE',
  HighTemperature: 'HIGH_TEMPERATURE',
  InternalError: 'INTERNAL_ERROR',
  LocalListConflict: 'LOCAL_LIST_CONFLICT',
  NoError: 'NO_ERROR',
  OtherError: 'OTHER_ERROR',
  OverCurrentFailure: 'OVER_CURRENT_FAILURE',
  PowerMeterFailure: 'POWER_METER_FAILURE',
  PowerSwitchFailure: 'POWER_SWITCH_FAILURE',
  ReaderFailure: 'READER_FAILURE',
  ResetFailure: 'RESET_FAILURE',
  UnderVoltage: 'UNDER_VOLTAGE',
  OverVoltage: 'OVER_VOLTAGE',
  WeakSignal: 'WEAK_SIGNAL',
};

const STOP_REASON: Record<NonNullable<StopTransactionRequest['reason']>, StopReason> = {
  EmergencyStop: 'EMERGENCY_STOP',
  EVDisconnected: 'EV_DISCONNECTED',
  HardReset: 'HARD_RESET',
  Local: 'LOCAL',
  Other: 'OTHER',
  PowerLoss: 'POWER_LOSS',
  Reboot: 'REBOOT',
  Remote: 'REMOTE',
  SoftReset: 'SOFT_RESET',
  UnlockCommand: 'UNLOCK_COMMAND',
  DeAuthorized: 'DE_AUTHORIZED',
};

const AUTHORIZATION: Record<AuthorizationStatus, IdTagInfo['status']> = {
  ACCEPTED: 'Accepted',
  BLOCKED: 'Blocked',
  EXPIRED: 'Expired',
  INVALID: 'Invalid',
  CONCURRENT_TX: 'ConcurrentTx',
  // 1.6 has no status for "reserved for someone else"; Invalid is "not allowed for charging"
  // without claiming the token is blocked or expired.
  RESERVED: 'Invalid',
  // Likewise "not at this station" (2.0.1's NotAtThisLocation) is Invalid in 1.6.
  NOT_ALLOWED_HERE: 'Invalid',
};

const DIAGNOSTICS_STATUS: Record<DiagnosticsStatusNotificationRequest['status'], DiagnosticsUploadStatus> = {
  Idle: 'IDLE',
  Uploading: 'UPLOADING',
  Uploaded: 'UPLOADED',
  UploadFailed: 'UPLOAD_FAILED',
};

const FIRMWARE_STATUS: Record<FirmwareStatusNotificationRequest['status'], FirmwareProgress> = {
  Idle: 'IDLE',
  Downloading: 'DOWNLOADING',
  Downloaded: 'DOWNLOADED',
  DownloadFailed: 'DOWNLOAD_FAILED',
  Installing: 'INSTALLING',
  Installed: 'INSTALLED',
  InstallationFailed: 'INSTALLATION_FAILED',
};

export function toBootInfo(p: BootNotificationRequest): BootInfo {
  return {
    vendor: p.chargePointVendor,
    model: p.chargePointModel,
    serialNumber: p.chargePointSerialNumber,
    chargeBoxSerialNumber: p.chargeBoxSerialNumber,
    firmwareVersion: p.firmwareVersion,
    iccid: p.iccid,
    imsi: p.imsi,
    meterType: p.meterType,
    meterSerialNumber: p.meterSerialNumber,
  };
}

export function toConnectorStatus(p: StatusNotificationRequest): ConnectorStatusReport {
  return {
    connectorId: p.connectorId,
    status: STATUS[p.status],
    errorCode: ERROR_CODE[p.errorCode],
    info: p.info,
    vendorId: p.vendorId,
    vendorErrorCode: p.vendorErrorCode,
    occurredAt: p.timestamp ? new Date(p.timestamp) : undefined,
  };
}

export function toTransactionStart(p: StartTransactionRequest): TransactionStart {
  return {
    connectorId: p.connectorId,
    idTag: p.idTag,
    // 1.6 meterStart is an integer in Wh.
    meterStartWh: p.meterStart,
    startedAt: new Date(p.timestamp),
    reservationId: p.reservationId,
  };
}

export function toTransactionStop(p: StopTransactionRequest): TransactionStop {
  return {
    transactionId: p.transactionId,
    idTag: p.idTag,
    meterStopWh: p.meterStop,
    stoppedAt: new Date(p.timestamp),
    // 1.6: "In case of a normal stop the reason MAY be omitted: Local is assumed."
    reason: p.reason ? STOP_REASON[p.reason] : 'LOCAL',
    samples: toSamples(p.transactionData ?? []),
  };
}

export function toMeterReport(p: MeterValuesRequest): MeterReport {
  return { connectorId: p.connectorId, transactionId: p.transactionId, samples: toSamples(p.meterValue) };
}

function toSamples(meterValues: MeterValue[]): SampledValue[] {
  const out: SampledValue[] = [];
  for (const mv of meterValues) {
    const sampledAt = new Date(mv.timestamp);
    for (const sv of mv.sampledValue) {
      // 1.6 defaults: measurand Energy.Active.Import.Register, unit Wh for energy, location Outlet,
      // context Sample.Periodic, format Raw. Stored explicitly so queries need not know them.
      const measurand = sv.measurand ?? ENERGY_REGISTER;
      const format = sv.format ?? 'Raw';
      if (format === 'Raw' && !isStorableReading(sv.value)) {
        throw new OcppError('PropertyConstraintViolation', `sampledValue.value ${JSON.stringify(sv.value.slice(0, 40))} is out of range`, {
          path: 'sampledValue.value',
        });
      }
      out.push({
        sampledAt,
        measurand,
        phase: sv.phase ?? null,
        unit: sv.unit ?? (measurand.startsWith('Energy') ? 'Wh' : null),
        context: sv.context ?? 'Sample.Periodic',
        location: sv.location ?? 'Outlet',
        format,
        value: sv.value,
      });
    }
  }
  return out;
}

export function toIdTagInfo(result: Pick<AuthorizationResult, 'status' | 'expiresAt' | 'parentIdTag'> & Partial<AuthorizationResult>): IdTagInfo {
  const info: IdTagInfo = { status: AUTHORIZATION[result.status] };
  if (result.expiresAt) info.expiryDate = result.expiresAt.toISOString();
  if (result.parentIdTag) info.parentIdTag = result.parentIdTag.slice(0, 20);
  return info;
}

export const toDiagnosticsUploadStatus = (p: DiagnosticsStatusNotificationRequest): DiagnosticsUploadStatus => DIAGNOSTICS_STATUS[p.status];

export const toFirmwareProgress = (p: FirmwareStatusNotificationRequest): FirmwareProgress => FIRMWARE_STATUS[p.status];

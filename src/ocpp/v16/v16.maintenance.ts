// OCPP 1.6 diagnostics and firmware: domain commands to payloads, payloads to domain words.
// Like v16.mapper.ts, this holds vocabulary only, no rules.
import type {
  DiagnosticsStatusNotificationRequest,
  FirmwareStatusNotificationRequest,
  GetDiagnosticsRequest,
  GetDiagnosticsResponse,
  UpdateFirmwareRequest,
} from './v16.types.js';
import type { DiagnosticsUploadStatus } from '../../domain/diagnostics/diagnostics-status.js';
import type { FirmwareProgress } from '../../domain/firmware/firmware-status.js';
import type { DiagnosticsUploadCommand, FirmwareUpdateCommand } from '../../domain/station-maintenance.js';

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

export function toGetDiagnosticsRequest(c: DiagnosticsUploadCommand): GetDiagnosticsRequest {
  const payload: GetDiagnosticsRequest = { location: c.location };
  if (c.startTime) payload.startTime = c.startTime.toISOString();
  if (c.stopTime) payload.stopTime = c.stopTime.toISOString();
  if (c.retries !== undefined && c.retries !== null) payload.retries = c.retries;
  if (c.retryIntervalSeconds !== undefined && c.retryIntervalSeconds !== null) payload.retryInterval = c.retryIntervalSeconds;
  return payload;
}

// 1.6: "fileName ... This field is not present when no diagnostic information is available."
export function fromGetDiagnosticsResponse(r: GetDiagnosticsResponse): { fileName: string | null } {
  return { fileName: r.fileName ? r.fileName : null };
}

export function toUpdateFirmwareRequest(c: FirmwareUpdateCommand): UpdateFirmwareRequest {
  const payload: UpdateFirmwareRequest = { location: c.location, retrieveDate: c.retrieveAt.toISOString() };
  if (c.retries !== undefined && c.retries !== null) payload.retries = c.retries;
  if (c.retryIntervalSeconds !== undefined && c.retryIntervalSeconds !== null) payload.retryInterval = c.retryIntervalSeconds;
  return payload;
}

export const toDiagnosticsUploadStatus = (p: DiagnosticsStatusNotificationRequest): DiagnosticsUploadStatus => DIAGNOSTICS_STATUS[p.status];

export const toFirmwareProgress = (p: FirmwareStatusNotificationRequest): FirmwareProgress => FIRMWARE_STATUS[p.status];

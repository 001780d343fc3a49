import type { FirmwareJobStatus, FirmwareProgress } from './firmware-status.js';

export interface FirmwareFileView {
  id: string;
  fileName: string;
  /** The operator it belongs to; null: an admin's, for admins only. */
  organisationId: string | null;
  contentType: string | null;
  size: number;
  sha256: string;
  uploadedAt: string;
  downloadUrl: string;
}

export interface RolloutInput {
  stationIdentities: string[];
  /** A file uploaded to POST /firmware; or else `location`. */
  firmwareFileId?: string | null;
  /** An external URL stations download from (http, https, ftp, ftps). */
  location?: string | null;
  /** From when stations may download; default now. */
  retrieveAt?: Date | null;
  retries?: number | null;
  retryInterval?: number | null;
}

export interface FirmwareJobView {
  id: string;
  rolloutId: string;
  stationId: string;
  stationIdentity: string;
  /** The station's operator. */
  organisationId: string | null;
  status: FirmwareJobStatus;
  stationStatus: FirmwareProgress | null;
  failureReason: string | null;
  sentAt: string | null;
  finishedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface FirmwareRolloutView {
  id: string;
  /** The hosted file, or else */
  firmwareFileId: string | null;
  /** the external location stations download from. */
  externalLocation: string | null;
  retrieveAt: string;
  retries: number | null;
  retryInterval: number | null;
  createdAt: string;
}

export interface RolloutCounts {
  total: number;
  /** SCHEDULED or SENT: the station has not reported progress yet. */
  pending: number;
  /** Downloading, downloaded or installing. */
  inProgress: number;
  installed: number;
  /** SEND_FAILED, DOWNLOAD_FAILED or INSTALLATION_FAILED. */
  failed: number;
  superseded: number;
  byStatus: { status: FirmwareJobStatus; count: number }[];
}

export interface ReportedFirmwareProgress {
  progress: FirmwareProgress;
  reported: string;
}

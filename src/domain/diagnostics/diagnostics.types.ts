import type { DiagnosticsStatus, DiagnosticsUploadStatus } from './diagnostics-status.js';

export interface DiagnosticsRequestInput {
  startTime?: Date | null;
  stopTime?: Date | null;
  retries?: number | null;
  retryInterval?: number | null;
}

export interface DiagnosticsRequestView {
  id: string;
  stationId: string;
  stationIdentity: string;
  /** The station's operator: who may see the request and its file. */
  organisationId: string | null;
  status: DiagnosticsStatus;
  startTime: string | null;
  stopTime: string | null;
  fileName: string | null;
  uploadedFileName: string | null;
  contentType: string | null;
  size: number | null;
  sha256: string | null;
  /** Where operators download the file, once it arrived. */
  downloadUrl: string | null;
  stationStatus: DiagnosticsUploadStatus | null;
  failureReason: string | null;
  requestedAt: string;
  uploadedAt: string | null;
  updatedAt: string;
}

/** What a station reported: in domain words, and its own word for the station's report log. */
export interface ReportedUploadStatus {
  status: DiagnosticsUploadStatus;
  reported: string;
}

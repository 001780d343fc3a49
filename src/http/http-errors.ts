import type { DiagnosticsErrorCode } from '../domain/diagnostics/diagnostics.errors.js';
import { DomainError } from '../domain/domain-error.js';
import type { FirmwareErrorCode } from '../domain/firmware/firmware.errors.js';
import type { StationErrorCode } from '../domain/stations/station.errors.js';
import { MultipartError } from './multipart-file-reader.js';

type HttpCode = DiagnosticsErrorCode | FirmwareErrorCode | StationErrorCode;

/** The HTTP status for each domain error a file endpoint can meet; anything else is a 500. */
function statusOf(code: HttpCode): number {
  switch (code) {
    case 'DIAGNOSTICS_REQUEST_NOT_FOUND':
    case 'DIAGNOSTICS_FILE_NOT_FOUND':
    case 'FIRMWARE_FILE_NOT_FOUND':
    case 'STATION_NOT_FOUND':
      return 404;
    case 'DIAGNOSTICS_UPLOAD_FORBIDDEN':
    case 'FIRMWARE_DOWNLOAD_FORBIDDEN':
      return 403;
    case 'DIAGNOSTICS_UPLOAD_TOO_LARGE':
    case 'FIRMWARE_FILE_TOO_LARGE':
      return 413;
    case 'INVALID_DIAGNOSTICS_INPUT':
    case 'INVALID_FIRMWARE_INPUT':
    case 'INVALID_STATION_INPUT':
      return 400;
    case 'STATION_IDENTITY_TAKEN':
      return 409;
    default: {
      const unhandled: never = code;
      return unhandled;
    }
  }
}

export interface HttpProblem {
  status: number;
  code: string;
  message: string;
}

/** Null when the error is not one the caller caused: log it and answer 500. */
export function httpProblem(error: unknown): HttpProblem | null {
  if (error instanceof DomainError) return { status: statusOf(error.code as HttpCode), code: error.code, message: error.message };
  if (error instanceof MultipartError) return { status: 400, code: 'INVALID_MULTIPART_BODY', message: error.message };
  return null;
}

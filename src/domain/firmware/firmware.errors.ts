import { DomainError } from '../domain-error.js';

export type FirmwareErrorCode =
  | 'FIRMWARE_FILE_NOT_FOUND'
  | 'INVALID_FIRMWARE_INPUT'
  | 'FIRMWARE_DOWNLOAD_FORBIDDEN'
  | 'FIRMWARE_FILE_TOO_LARGE';

export class FirmwareError extends DomainError<FirmwareErrorCode> {
  readonly area = 'firmware';
}

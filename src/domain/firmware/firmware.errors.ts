import { DomainError } from '../domain-error.js';

export type FirmwareErrorCode =
  | 'FIRMWARE_FILE_NOT_FOUND'
  | 'INVALID_FIRMWARE_INPUT'
  | 'FIRMWARE_DOWNLOAD_FORBIDDEN'
  | 'FIRMWARE_FILE_TOO_LARGE';

export class FirmwareError extends DomainError<FirmwareErrorCode> {
  readonly area = 'firmware';
}

export const firmwareFileNotFound = () => new FirmwareError('FIRMWARE_FILE_NOT_FOUND', 'no such firmware file');

export const invalidFirmwareInput = (message: string, field: string) => new FirmwareError('INVALID_FIRMWARE_INPUT', message, { field });

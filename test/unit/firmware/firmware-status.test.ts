import { describe, expect, it } from 'vitest';
import { nextFirmwareJobStatus, type FirmwareJobEvent, type FirmwareJobStatus } from '../../../src/domain/firmware/firmware-status.js';

describe('nextFirmwareJobStatus', () => {
  it.each<[FirmwareJobStatus, FirmwareJobEvent, FirmwareJobStatus]>([
    ['SCHEDULED', { kind: 'SENT' }, 'SENT'],
    ['SCHEDULED', { kind: 'SEND_FAILED' }, 'SEND_FAILED'],
    // Downloading arrived before the answer to UpdateFirmware was processed.
    ['DOWNLOADING', { kind: 'SENT' }, 'DOWNLOADING'],
    ['DOWNLOADING', { kind: 'SEND_FAILED' }, 'DOWNLOADING'],
    ['SCHEDULED', { kind: 'REPORTED', progress: 'DOWNLOADING' }, 'DOWNLOADING'],
    ['SENT', { kind: 'REPORTED', progress: 'DOWNLOADING' }, 'DOWNLOADING'],
    ['DOWNLOADING', { kind: 'REPORTED', progress: 'DOWNLOADED' }, 'DOWNLOADED'],
    ['DOWNLOADED', { kind: 'REPORTED', progress: 'INSTALLING' }, 'INSTALLING'],
    ['INSTALLING', { kind: 'REPORTED', progress: 'INSTALLED' }, 'INSTALLED'],
    ['DOWNLOADING', { kind: 'REPORTED', progress: 'DOWNLOAD_FAILED' }, 'DOWNLOAD_FAILED'],
    ['INSTALLING', { kind: 'REPORTED', progress: 'INSTALLATION_FAILED' }, 'INSTALLATION_FAILED'],
    // A charger retrying reports progress again after a failure.
    ['DOWNLOAD_FAILED', { kind: 'REPORTED', progress: 'DOWNLOADING' }, 'DOWNLOADING'],
    ['INSTALLING', { kind: 'REPORTED', progress: 'IDLE' }, 'INSTALLING'],
    ['INSTALLED', { kind: 'REPORTED', progress: 'DOWNLOADING' }, 'INSTALLED'],
    ['SEND_FAILED', { kind: 'REPORTED', progress: 'INSTALLED' }, 'SEND_FAILED'],
    ['SENT', { kind: 'SUPERSEDED' }, 'SUPERSEDED'],
    ['DOWNLOAD_FAILED', { kind: 'SUPERSEDED' }, 'SUPERSEDED'],
    ['INSTALLED', { kind: 'SUPERSEDED' }, 'INSTALLED'],
  ])('%s + %j -> %s', (current, event, expected) => {
    expect(nextFirmwareJobStatus(current, event)).toBe(expected);
  });
});

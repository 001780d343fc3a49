// The life of a firmware job, as a pure rule. A job is created SCHEDULED in the same transaction
// as its rollout and leaves that state as soon as the UpdateFirmware call is answered or fails,
// so no job is ever without a meaningful state.

export const FIRMWARE_JOB_STATUSES = [
  'SCHEDULED',
  'SENT',
  'DOWNLOADING',
  'DOWNLOADED',
  'INSTALLING',
  'INSTALLED',
  'DOWNLOAD_FAILED',
  'INSTALLATION_FAILED',
  'SEND_FAILED',
  'SUPERSEDED',
] as const;
export type FirmwareJobStatus = (typeof FIRMWARE_JOB_STATUSES)[number];

/** What the charger says about the update, in domain words. */
export type FirmwareProgress =
  | 'IDLE'
  | 'DOWNLOADING'
  | 'DOWNLOADED'
  | 'DOWNLOAD_FAILED'
  | 'INSTALLING'
  | 'INSTALLED'
  | 'INSTALLATION_FAILED';

/**
 * Jobs a FirmwareStatusNotification can refer to. SCHEDULED is included because the charger
 * may report Downloading before its answer to UpdateFirmware was processed; the failed states
 * because a charger retrying (the `retries` of the request) reports progress again.
 */
export const ATTRIBUTABLE_FIRMWARE_STATUSES: readonly FirmwareJobStatus[] = [
  'SCHEDULED',
  'SENT',
  'DOWNLOADING',
  'DOWNLOADED',
  'INSTALLING',
  'DOWNLOAD_FAILED',
  'INSTALLATION_FAILED',
];

export const FAILED_FIRMWARE_STATUSES: readonly FirmwareJobStatus[] = ['DOWNLOAD_FAILED', 'INSTALLATION_FAILED', 'SEND_FAILED'];
export const FINAL_FIRMWARE_STATUSES: readonly FirmwareJobStatus[] = ['INSTALLED', 'SEND_FAILED', 'SUPERSEDED'];

export type FirmwareJobEvent =
  | { kind: 'SENT' }
  | { kind: 'SEND_FAILED' }
  | { kind: 'REPORTED'; progress: FirmwareProgress }
  | { kind: 'SUPERSEDED' };

export function nextFirmwareJobStatus(current: FirmwareJobStatus, event: FirmwareJobEvent): FirmwareJobStatus {
  switch (event.kind) {
    case 'SENT':
      return current === 'SCHEDULED' ? 'SENT' : current;
    case 'SEND_FAILED':
      return current === 'SCHEDULED' ? 'SEND_FAILED' : current;
    case 'SUPERSEDED':
      return FINAL_FIRMWARE_STATUSES.includes(current) ? current : 'SUPERSEDED';
    case 'REPORTED':
      // The charger is the authority on its own progress, retries included.
      if (!ATTRIBUTABLE_FIRMWARE_STATUSES.includes(current) || event.progress === 'IDLE') return current;
      return event.progress;
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

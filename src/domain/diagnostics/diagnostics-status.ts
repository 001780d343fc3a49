// The life of a diagnostics request, as a pure rule. 1.6 messages carry no request id, so the
// charger's notifications and our own call's answer can arrive in either order: each event moves
// the request only from the states where it makes sense, never backwards.

export const DIAGNOSTICS_STATUSES = [
  'REQUESTED',
  'ACCEPTED',
  'NO_DIAGNOSTICS',
  'UPLOADING',
  'UPLOADED',
  'UPLOAD_FAILED',
  'REJECTED',
  'SEND_FAILED',
  'SUPERSEDED',
] as const;
export type DiagnosticsStatus = (typeof DIAGNOSTICS_STATUSES)[number];

/** States in which a request still waits for its upload. */
export const OPEN_DIAGNOSTICS_STATUSES: readonly DiagnosticsStatus[] = ['REQUESTED', 'ACCEPTED', 'UPLOADING'];

/**
 * Requests a DiagnosticsStatusNotification can refer to: the open ones, and an UPLOADED one,
 * since the file usually arrives before the station's own "Uploaded".
 */
export const ATTRIBUTABLE_DIAGNOSTICS_STATUSES: readonly DiagnosticsStatus[] = [...OPEN_DIAGNOSTICS_STATUSES, 'UPLOADED'];

/** What the charger says about the upload, in domain words. */
export type DiagnosticsUploadStatus = 'IDLE' | 'UPLOADING' | 'UPLOADED' | 'UPLOAD_FAILED';

export type DiagnosticsEvent =
  | { kind: 'ANSWERED'; fileName: string | null }
  | { kind: 'CALL_FAILED'; rejected: boolean }
  | { kind: 'REPORTED'; status: DiagnosticsUploadStatus; fileReceived: boolean }
  | { kind: 'FILE_RECEIVED' }
  | { kind: 'SUPERSEDED' };

export function nextDiagnosticsStatus(current: DiagnosticsStatus, event: DiagnosticsEvent): DiagnosticsStatus {
  switch (event.kind) {
    case 'ANSWERED':
      // The charger may already have reported progress before its answer was processed.
      if (current !== 'REQUESTED') return current;
      return event.fileName ? 'ACCEPTED' : 'NO_DIAGNOSTICS';
    case 'CALL_FAILED':
      if (current !== 'REQUESTED') return current;
      return event.rejected ? 'REJECTED' : 'SEND_FAILED';
    case 'REPORTED':
      if (!OPEN_DIAGNOSTICS_STATUSES.includes(current)) return current;
      switch (event.status) {
        case 'IDLE':
          return current;
        case 'UPLOADING':
          return 'UPLOADING';
        case 'UPLOADED':
          // The location is ours: "uploaded" without a file here means it went nowhere.
          return event.fileReceived ? 'UPLOADED' : 'UPLOAD_FAILED';
        case 'UPLOAD_FAILED':
          return 'UPLOAD_FAILED';
        default: {
          const unhandled: never = event.status;
          return unhandled;
        }
      }
    case 'FILE_RECEIVED':
      // Whatever we thought, a file that arrived with the request's token is the request's file.
      return 'UPLOADED';
    case 'SUPERSEDED':
      return OPEN_DIAGNOSTICS_STATUSES.includes(current) ? 'SUPERSEDED' : current;
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

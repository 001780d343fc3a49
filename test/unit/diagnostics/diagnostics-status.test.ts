import { describe, expect, it } from 'vitest';
import { nextDiagnosticsStatus, type DiagnosticsEvent, type DiagnosticsStatus } from '../../../src/domain/diagnostics/diagnostics-status.js';

describe('nextDiagnosticsStatus', () => {
  it.each<[DiagnosticsStatus, DiagnosticsEvent, DiagnosticsStatus]>([
    ['REQUESTED', { kind: 'ANSWERED', fileName: 'diag.tar.gz' }, 'ACCEPTED'],
    ['REQUESTED', { kind: 'ANSWERED', fileName: null }, 'NO_DIAGNOSTICS'],
    // The charger reported progress before its answer was processed: the answer does not undo it.
    ['UPLOADING', { kind: 'ANSWERED', fileName: 'diag.tar.gz' }, 'UPLOADING'],
    ['UPLOADED', { kind: 'ANSWERED', fileName: 'diag.tar.gz' }, 'UPLOADED'],
    ['REQUESTED', { kind: 'CALL_FAILED', rejected: true }, 'REJECTED'],
    ['REQUESTED', { kind: 'CALL_FAILED', rejected: false }, 'SEND_FAILED'],
    ['UPLOADED', { kind: 'CALL_FAILED', rejected: false }, 'UPLOADED'],
    ['ACCEPTED', { kind: 'REPORTED', status: 'UPLOADING', fileReceived: false }, 'UPLOADING'],
    ['REQUESTED', { kind: 'REPORTED', status: 'UPLOADING', fileReceived: false }, 'UPLOADING'],
    ['UPLOADING', { kind: 'REPORTED', status: 'UPLOADED', fileReceived: true }, 'UPLOADED'],
    ['UPLOADING', { kind: 'REPORTED', status: 'UPLOADED', fileReceived: false }, 'UPLOAD_FAILED'],
    ['UPLOADING', { kind: 'REPORTED', status: 'UPLOAD_FAILED', fileReceived: false }, 'UPLOAD_FAILED'],
    ['UPLOADING', { kind: 'REPORTED', status: 'IDLE', fileReceived: false }, 'UPLOADING'],
    ['REJECTED', { kind: 'REPORTED', status: 'UPLOADING', fileReceived: false }, 'REJECTED'],
    ['UPLOADED', { kind: 'REPORTED', status: 'UPLOAD_FAILED', fileReceived: true }, 'UPLOADED'],
    ['ACCEPTED', { kind: 'FILE_RECEIVED' }, 'UPLOADED'],
    ['SEND_FAILED', { kind: 'FILE_RECEIVED' }, 'UPLOADED'],
    ['ACCEPTED', { kind: 'SUPERSEDED' }, 'SUPERSEDED'],
    ['UPLOADED', { kind: 'SUPERSEDED' }, 'UPLOADED'],
  ])('%s + %j -> %s', (current, event, expected) => {
    expect(nextDiagnosticsStatus(current, event)).toBe(expected);
  });
});

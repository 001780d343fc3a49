import { describe, expect, it } from 'vitest';
import type { CommandOf, StationCommandKind } from '../../../src/domain/operations/command.types.js';
import { OperationsError } from '../../../src/domain/operations/operations.errors.js';
import { validateRequest, validateResponse } from '../../../src/ocpp/schema-validator.js';
import { encodeV16Command } from '../../../src/ocpp/v16/v16.commands.js';

const at = new Date('2026-03-01T10:00:00.000Z');

// One example of every command, with an answer a 1.6 station may give and what it means.
const EXAMPLES: { [K in StationCommandKind]: { command: CommandOf<K>; response: object; result: object } } = {
  START_CHARGING: { command: { kind: 'START_CHARGING', connectorId: 2, idTag: 'TAG1' }, response: { status: 'Accepted' }, result: { answer: 'ACCEPTED' } },
  STOP_CHARGING: { command: { kind: 'STOP_CHARGING', transactionId: 42 }, response: { status: 'Rejected' }, result: { answer: 'REJECTED' } },
  RESET: { command: { kind: 'RESET', type: 'HARD' }, response: { status: 'Accepted' }, result: { answer: 'ACCEPTED' } },
  UNLOCK_CONNECTOR: { command: { kind: 'UNLOCK_CONNECTOR', connectorId: 1 }, response: { status: 'NotSupported' }, result: { answer: 'NOT_SUPPORTED' } },
  CHANGE_AVAILABILITY: { command: { kind: 'CHANGE_AVAILABILITY', connectorId: 0, availability: 'INOPERATIVE' }, response: { status: 'Scheduled' }, result: { answer: 'SCHEDULED' } },
  GET_CONFIGURATION: {
    command: { kind: 'GET_CONFIGURATION', keys: ['A'] },
    response: { configurationKey: [{ key: 'A', readonly: true, value: '1' }, { key: 'B', readonly: false }], unknownKey: ['C'] },
    result: { answer: 'ACCEPTED', keys: [{ key: 'A', readonly: true, value: '1' }, { key: 'B', readonly: false, value: null }], unknownKeys: ['C'] },
  },
  CHANGE_CONFIGURATION: { command: { kind: 'CHANGE_CONFIGURATION', key: 'K', value: '' }, response: { status: 'RebootRequired' }, result: { answer: 'REBOOT_REQUIRED' } },
  CLEAR_CACHE: { command: { kind: 'CLEAR_CACHE' }, response: { status: 'Rejected' }, result: { answer: 'REJECTED' } },
  TRIGGER_MESSAGE: { command: { kind: 'TRIGGER_MESSAGE', message: 'METER_VALUES', connectorId: null }, response: { status: 'NotImplemented' }, result: { answer: 'NOT_IMPLEMENTED' } },
  DATA_TRANSFER: { command: { kind: 'DATA_TRANSFER', vendorId: 'v', messageId: null, data: null }, response: { status: 'UnknownMessageId' }, result: { answer: 'UNKNOWN_MESSAGE_ID', data: null } },
  GET_LOCAL_LIST_VERSION: { command: { kind: 'GET_LOCAL_LIST_VERSION' }, response: { listVersion: 3 }, result: { answer: 'ACCEPTED', version: 3 } },
  SEND_LOCAL_LIST: {
    command: {
      kind: 'SEND_LOCAL_LIST',
      version: 4,
      mode: 'DIFFERENTIAL',
      entries: [
        { idTag: 'KEEP', authorization: { status: 'ACCEPTED', expiresAt: at, parentIdTag: 'G' } },
        { idTag: 'GONE', authorization: null },
        { idTag: 'X'.repeat(21), authorization: { status: 'ACCEPTED', expiresAt: null, parentIdTag: null } },
      ],
    },
    response: { status: 'VersionMismatch' },
    result: { answer: 'VERSION_MISMATCH' },
  },
  RESERVE_NOW: {
    command: { kind: 'RESERVE_NOW', reservationId: 9, connectorId: 0, idTag: 'TAG1', parentIdTag: 'P'.repeat(21), expiresAt: at },
    response: { status: 'Occupied' },
    result: { answer: 'OCCUPIED' },
  },
  CANCEL_RESERVATION: { command: { kind: 'CANCEL_RESERVATION', reservationId: 9 }, response: { status: 'Accepted' }, result: { answer: 'ACCEPTED' } },
  SET_CHARGING_LIMIT: {
    command: { kind: 'SET_CHARGING_LIMIT', profileId: 5, scope: 'CONNECTOR', connectorId: 1, stackLevel: 1, limit: 16.3, unit: 'A', startsAt: at },
    response: { status: 'NotSupported' },
    result: { answer: 'NOT_SUPPORTED' },
  },
  CLEAR_CHARGING_LIMIT: { command: { kind: 'CLEAR_CHARGING_LIMIT', profileId: null, scope: 'STATION', connectorId: 0, stackLevel: 1 }, response: { status: 'Unknown' }, result: { answer: 'UNKNOWN' } },
  GET_COMPOSITE_SCHEDULE: { command: { kind: 'GET_COMPOSITE_SCHEDULE', connectorId: 1, durationSeconds: 60, unit: null }, response: { status: 'Rejected' }, result: { answer: 'REJECTED', schedule: null } },
  GET_DIAGNOSTICS: {
    command: {
      kind: 'GET_DIAGNOSTICS',
      location: { url: 'https://csms.example/diagnostics/r1/secret', recorded: 'https://csms.example/diagnostics/r1/<token>' },
      startTime: at,
      stopTime: null,
      retries: 2,
      retryIntervalSeconds: null,
    },
    response: { fileName: 'diag.tar.gz' },
    result: { answer: 'ACCEPTED', fileName: 'diag.tar.gz' },
  },
  UPDATE_FIRMWARE: {
    command: {
      kind: 'UPDATE_FIRMWARE',
      location: { url: 'https://csms.example/firmware/jobs/j1/secret/fw.bin', recorded: 'https://csms.example/firmware/jobs/j1/<token>/fw.bin' },
      retrieveAt: at,
      retries: null,
      retryIntervalSeconds: 60,
    },
    response: {},
    result: { answer: 'ACCEPTED' },
  },
};

describe('OCPP 1.6 command encoding', () => {
  it.each(Object.entries(EXAMPLES))('%s: a payload the official schema accepts, an answer read back', (_kind, { command, response, result }) => {
    const encoded = encodeV16Command(command as never);
    expect(validateRequest('ocpp1.6', encoded.action, encoded.payload)).toBeNull();
    expect(validateResponse('ocpp1.6', encoded.action, response)).toBeNull();
    expect(encoded.decode(response)).toEqual(result);
  });

  it('leaves out what 1.6 cannot carry: idTags over 20 characters on a list, a group id over 20', () => {
    const list = encodeV16Command(EXAMPLES.SEND_LOCAL_LIST.command).payload as any;
    expect(list.localAuthorizationList).toEqual([
      { idTag: 'KEEP', idTagInfo: { status: 'Accepted', expiryDate: at.toISOString(), parentIdTag: 'G' } },
      { idTag: 'GONE' },
    ]);
    expect(encodeV16Command(EXAMPLES.RESERVE_NOW.command).payload).not.toHaveProperty('parentIdTag');
  });

  it('refuses an idTag 1.6 cannot carry for a command that needs it', () => {
    expect(() => encodeV16Command({ kind: 'START_CHARGING', connectorId: null, idTag: 'T'.repeat(21) })).toThrow(OperationsError);
  });

  it('a station without local list support (-1) has no version', () => {
    expect(encodeV16Command({ kind: 'GET_LOCAL_LIST_VERSION' }).decode({ listVersion: -1 })).toEqual({ answer: 'NOT_SUPPORTED', version: null });
  });

  it('a station without diagnostics (no fileName) answered, with nothing to upload', () => {
    expect(encodeV16Command(EXAMPLES.GET_DIAGNOSTICS.command).decode({})).toEqual({ answer: 'ACCEPTED', fileName: null });
  });

  it.each(['GET_DIAGNOSTICS', 'UPDATE_FIRMWARE'] as const)('%s: sends the location with its token, records it without', (kind) => {
    const encoded = encodeV16Command(EXAMPLES[kind].command) as { payload: any; recorded?: any };
    expect(encoded.payload.location).toContain('/secret');
    expect(encoded.recorded).toEqual({ ...encoded.payload, location: EXAMPLES[kind].command.location.recorded });
  });

  it('GetDiagnostics and UpdateFirmware in 1.6 words: ISO times, retryInterval, only what was given', () => {
    expect(encodeV16Command(EXAMPLES.GET_DIAGNOSTICS.command)).toMatchObject({
      action: 'GetDiagnostics',
      payload: { location: 'https://csms.example/diagnostics/r1/secret', startTime: at.toISOString(), retries: 2 },
    });
    expect(encodeV16Command(EXAMPLES.GET_DIAGNOSTICS.command).payload).not.toHaveProperty('stopTime');
    expect(encodeV16Command(EXAMPLES.UPDATE_FIRMWARE.command)).toMatchObject({
      action: 'UpdateFirmware',
      payload: { retrieveDate: at.toISOString(), retryInterval: 60 },
    });
    expect(encodeV16Command(EXAMPLES.UPDATE_FIRMWARE.command).payload).not.toHaveProperty('retries');
  });
});

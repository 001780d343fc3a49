import { describe, expect, it } from 'vitest';
import { createCommandRouter, deserializeError, serializeError, type LocalStations } from '../../../src/ocpp/command-router.js';
import { OcppCallError, OcppError, OcppTimeoutError, StationOfflineError } from '../../../src/ocpp/ocpp-error.js';
import { createLogger } from '../../../src/logger.js';

describe('errors crossing nodes come back as the same classes', () => {
  it.each([
    { name: 'offline', error: new StationOfflineError('CP-1', 'disconnected before answering'), fields: { identity: 'CP-1', message: 'Station CP-1 disconnected before answering' } },
    { name: 'timeout', error: new OcppTimeoutError('Reset', 1000), fields: { action: 'Reset', timeoutMs: 1000, message: 'Charger did not answer Reset within 1000 ms' } },
    { name: 'CALLERROR', error: new OcppCallError('Reset', 'NotSupported', 'no', { x: 1 }), fields: { action: 'Reset', code: 'NotSupported', description: 'no', details: { x: 1 } } },
    { name: 'invalid answer', error: new OcppError('PropertyConstraintViolation', 'status is invalid', { path: 'status' }), fields: { code: 'PropertyConstraintViolation', description: 'status is invalid', details: { path: 'status' } } },
  ])('$name', ({ error, fields }) => {
    const back = deserializeError(JSON.parse(JSON.stringify(serializeError(error))));
    expect(back).toBeInstanceOf(error.constructor);
    expect(back).toMatchObject(fields);
  });

  it('anything else becomes a plain error that reveals nothing', () => {
    const back = deserializeError(serializeError(new TypeError('secret internals')));
    expect(back.constructor).toBe(Error);
    expect(back.message).not.toContain('secret');
  });
});

describe('one node without Redis', () => {
  const stations = (connected: string[]): LocalStations & { calls: unknown[][] } => {
    const calls: unknown[][] = [];
    return {
      calls,
      isConnected: (identity) => connected.includes(identity),
      call: async (identity, action, payload, timeoutMs) => {
        calls.push([identity, action, payload, timeoutMs]);
        if (!connected.includes(identity)) throw new StationOfflineError(identity);
        return { status: 'Accepted' };
      },
    };
  };
  const router = (local: LocalStations) =>
    createCommandRouter({ local, nodeId: 'n1', locate: async () => 'n2', defaultTimeoutMs: 5000, channelPrefix: 't', logger: createLogger('silent') });

  it('calls the local station with the default timeout', async () => {
    const local = stations(['CP-1']);
    const r = await router(local);
    expect(r.transport).toBe('in-process');
    await expect(r.call('CP-1', 'Reset', { type: 'Soft' })).resolves.toEqual({ status: 'Accepted' });
    expect(local.calls).toEqual([['CP-1', 'Reset', { type: 'Soft' }, 5000]]);
  });

  it('a station not on this node is offline, whatever the database says', async () => {
    await expect((await router(stations([]))).call('CP-2', 'Reset', {})).rejects.toBeInstanceOf(StationOfflineError);
  });
});

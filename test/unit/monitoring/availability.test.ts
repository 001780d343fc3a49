import { describe, expect, it } from 'vitest';
import { computeAvailability, type History } from '../../../src/domain/monitoring/availability.js';
import type { ConnectorStatus } from '../../../src/domain/stations/station.types.js';

// Minutes after a fixed origin, so each case reads as a timeline.
const T0 = Date.parse('2026-03-01T00:00:00Z');
const at = (minute: number) => new Date(T0 + minute * 60_000);
const online = (before: boolean | null, ...changes: [number, boolean][]): History<boolean> => ({
  before,
  changes: changes.map(([m, state]) => ({ at: at(m), state })),
});
const status = (before: ConnectorStatus | null, ...changes: [number, ConnectorStatus][]): History<ConnectorStatus> => ({
  before,
  changes: changes.map(([m, state]) => ({ at: at(m), state })),
});

describe('station uptime over [from, to)', () => {
  it.each<{ name: string; connection: History<boolean>; onlineMinutes: number }>([
    { name: 'online all along (state before the window counts)', connection: online(true), onlineMinutes: 60 },
    { name: 'nothing known before the window counts as offline', connection: online(null, [15, true]), onlineMinutes: 45 },
    { name: 'offline before, online from minute 10', connection: online(false, [10, true]), onlineMinutes: 50 },
    { name: 'an outage in the middle', connection: online(true, [20, false], [35, true]), onlineMinutes: 45 },
    { name: 'a repeated online (replaced socket) changes nothing', connection: online(true, [20, true]), onlineMinutes: 60 },
    { name: 'changes outside the window are ignored', connection: online(false, [-30, true], [90, false]), onlineMinutes: 0 },
    { name: 'changes given out of order are sorted', connection: online(false, [40, false], [10, true]), onlineMinutes: 30 },
    { name: 'a change exactly at `to` does not count', connection: online(false, [60, true]), onlineMinutes: 0 },
    { name: 'a change exactly at `from` replaces the state before', connection: online(false, [0, true]), onlineMinutes: 60 },
  ])('$name', ({ connection, onlineMinutes }) => {
    const result = computeAvailability({ from: at(0), to: at(60), connection, connectors: [] });
    expect(result.windowSeconds).toBe(3600);
    expect(result.onlineSeconds).toBe(onlineMinutes * 60);
    expect(result.onlineRatio).toBeCloseTo(onlineMinutes / 60, 10);
  });
});

describe('connector availability over [from, to)', () => {
  type Minutes = { available: number; charging: number; faulted: number; unavailable: number; offline: number; unknown: number };
  it.each<{ name: string; connection: History<boolean>; connector: History<ConnectorStatus>; minutes: Minutes }>([
    {
      name: 'available all along',
      connection: online(true),
      connector: status('AVAILABLE'),
      minutes: { available: 60, charging: 0, faulted: 0, unavailable: 0, offline: 0, unknown: 0 },
    },
    {
      name: 'charging and suspended count as available, and as charging',
      connection: online(true),
      connector: status('AVAILABLE', [10, 'PREPARING'], [12, 'CHARGING'], [30, 'SUSPENDED_EV'], [40, 'FINISHING'], [45, 'AVAILABLE']),
      minutes: { available: 60, charging: 28, faulted: 0, unavailable: 0, offline: 0, unknown: 0 },
    },
    {
      name: 'a fault and an unavailable period',
      connection: online(true),
      connector: status('AVAILABLE', [10, 'FAULTED'], [25, 'AVAILABLE'], [50, 'UNAVAILABLE']),
      minutes: { available: 35, charging: 0, faulted: 15, unavailable: 10, offline: 0, unknown: 0 },
    },
    {
      name: 'while the station is offline the connector is neither available nor faulted',
      connection: online(true, [20, false], [30, true]),
      connector: status('FAULTED', [25, 'AVAILABLE']),
      minutes: { available: 30, charging: 0, faulted: 20, unavailable: 0, offline: 10, unknown: 0 },
    },
    {
      name: 'no status before the window is unknown until the first one',
      connection: online(true),
      connector: status(null, [5, 'AVAILABLE']),
      minutes: { available: 55, charging: 0, faulted: 0, unavailable: 0, offline: 0, unknown: 5 },
    },
    {
      name: 'reserved is serviceable',
      connection: online(true),
      connector: status('RESERVED'),
      minutes: { available: 60, charging: 0, faulted: 0, unavailable: 0, offline: 0, unknown: 0 },
    },
    {
      name: 'status and connection changes at the same instant',
      connection: online(false, [30, true]),
      connector: status('UNAVAILABLE', [30, 'AVAILABLE']),
      minutes: { available: 30, charging: 0, faulted: 0, unavailable: 0, offline: 30, unknown: 0 },
    },
  ])('$name', ({ connection, connector, minutes }) => {
    const result = computeAvailability({ from: at(0), to: at(60), connection, connectors: [{ connectorId: 1, ...connector }] });
    const c = result.connectors[0];
    expect({
      available: c.availableSeconds / 60,
      charging: c.chargingSeconds / 60,
      faulted: c.faultedSeconds / 60,
      unavailable: c.unavailableSeconds / 60,
      offline: c.offlineSeconds / 60,
      unknown: c.unknownSeconds / 60,
    }).toEqual(minutes);
    expect(c.availableRatio).toBeCloseTo(minutes.available / 60, 10);
    // The buckets other than charging (a part of available) cover the window exactly.
    expect(c.availableSeconds + c.faultedSeconds + c.unavailableSeconds + c.offlineSeconds + c.unknownSeconds).toBe(3600);
  });

  it('answers every connector, in connectorId order', () => {
    const result = computeAvailability({
      from: at(0),
      to: at(60),
      connection: online(true),
      connectors: [
        { connectorId: 2, ...status('FAULTED') },
        { connectorId: 0, ...status('AVAILABLE') },
        { connectorId: 1, ...status('AVAILABLE', [30, 'FAULTED']) },
      ],
    });
    expect(result.connectors.map((c) => [c.connectorId, c.availableRatio])).toEqual([
      [0, 1],
      [1, 0.5],
      [2, 0],
    ]);
  });

  it('an empty window is all zeros, never NaN', () => {
    const result = computeAvailability({ from: at(0), to: at(0), connection: online(true), connectors: [{ connectorId: 1, ...status('AVAILABLE') }] });
    expect(result).toEqual({
      windowSeconds: 0,
      onlineSeconds: 0,
      onlineRatio: 0,
      connectors: [{ connectorId: 1, availableSeconds: 0, availableRatio: 0, chargingSeconds: 0, faultedSeconds: 0, unavailableSeconds: 0, offlineSeconds: 0, unknownSeconds: 0 }],
    });
  });
});

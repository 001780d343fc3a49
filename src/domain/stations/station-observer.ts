import type { Sql } from '../../db/sql.js';
import type { ConnectorStatusReport } from './station.types.js';

/** Runs once the change is committed: publishes what the observer wrote. */
export type AfterCommit = () => void;

/** A station as the connection path carries it: no entity, only what views and events name. */
export interface StationKey {
  id: string;
  identity: string;
  organisationId: string | null;
  online: boolean;
}

/** A socket that went away, or a station of a node that restarted or died. */
export interface ConnectionClosed {
  station: StationKey;
  reason: string | null;
  nodeId: string;
  at: Date;
}

export interface ConnectionOpened {
  station: StationKey;
  /** Online before this change (a replaced socket connects while still online). */
  wasOnline: boolean;
  /** When the station last went offline. */
  offlineSince: Date | null;
  nodeId: string;
  at: Date;
}

export interface ConnectorStatusChange {
  station: StationKey;
  report: ConnectorStatusReport;
  /** The report's time as applied: the charger's, or receipt when it had none or ran ahead. */
  occurredAt: Date;
}

export interface BootChange {
  station: StationKey;
  at: Date;
  firmwareVersion: string | null;
  previousBootAt: Date | null;
  previousFirmwareVersion: string | null;
}

/**
 * Lets another area (monitoring) record the consequences of a station change in the same
 * transaction, so both commit or neither does, and publish them after the commit. Called only
 * for changes that took effect: a late status report that was not applied is not passed on.
 * Connects, disconnects, boots and statuses come in floods when a fleet drops and reconnects,
 * so they arrive in batches on a raw SQL transaction (the connection path has no unit of work).
 */
export interface StationObserver {
  connectionsClosed(sql: Sql, changes: readonly ConnectionClosed[]): Promise<AfterCommit>;
  connectionsOpened(sql: Sql, changes: readonly ConnectionOpened[]): Promise<AfterCommit>;
  /** In the order they were applied (one connector may appear twice). */
  connectorStatusesApplied(sql: Sql, changes: readonly ConnectorStatusChange[]): Promise<AfterCommit>;
  booted(sql: Sql, changes: readonly BootChange[]): Promise<AfterCommit>;
}

const nothing: AfterCommit = () => {};

export const NO_STATION_OBSERVER: StationObserver = {
  connectionsClosed: async () => nothing,
  connectionsOpened: async () => nothing,
  connectorStatusesApplied: async () => nothing,
  booted: async () => nothing,
};

import type { EntityManager } from '@mikro-orm/postgresql';
import type { Station } from './station.entity.js';
import type { ConnectorStatusReport } from './station.types.js';

/** Runs once the change is committed: publishes what the observer wrote. */
export type AfterCommit = () => void;

export interface ConnectionChange {
  station: Station;
  online: boolean;
  /** Online before this change (a replaced socket connects while still online). */
  wasOnline: boolean;
  /** When the station last went offline, for an online change. */
  offlineSince: Date | null;
  reason: string | null;
  nodeId: string;
  at: Date;
}

export interface ConnectorStatusChange {
  station: Station;
  report: ConnectorStatusReport;
  /** The report's time as applied: the charger's, or receipt when it had none or ran ahead. */
  occurredAt: Date;
}

export interface BootChange {
  station: Station;
  at: Date;
  previousBootAt: Date | null;
  previousFirmwareVersion: string | null;
}

/**
 * Lets another area (monitoring) record the consequences of a station change in the same unit
 * of work, so both commit or neither does, and publish them after the commit. Called only for
 * changes that took effect: a late status report that was not applied is not passed on. Boots
 * and statuses arrive in batches (a reconnecting fleet's), so an observer reads what it needs
 * for all of them in one query.
 */
export interface StationObserver {
  connectionChanged(em: EntityManager, change: ConnectionChange): Promise<AfterCommit>;
  /** A batch of applied statuses, in the order they were applied (one connector may appear twice). */
  connectorStatusesApplied(em: EntityManager, changes: readonly ConnectorStatusChange[]): Promise<AfterCommit>;
  /** A batch of boots, in order. */
  booted(em: EntityManager, changes: readonly BootChange[]): Promise<AfterCommit>;
}

const nothing: AfterCommit = () => {};

export const NO_STATION_OBSERVER: StationObserver = {
  connectionChanged: async () => nothing,
  connectorStatusesApplied: async () => nothing,
  booted: async () => nothing,
};

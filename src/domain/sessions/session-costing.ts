import type { SessionCost } from '../pricing/pricing.types.js';
import type { SessionEnergyRow } from './meter-sample-writer.js';
import type { SampledValue, SessionView } from './session.types.js';

/**
 * What the session flow asks of the costing area (implemented in src/domain/cdrs): which tariff
 * version a starting session is pinned to, its running cost as samples arrive (from memory: no
 * database round trip per sample), and the final record once it stopped.
 */
export interface SessionCosting {
  /** The tariff version in force for a session starting now on this connector; null: none applies. */
  tariffFor(stationId: string, connectorId: number, userId: string | null, at: Date): Promise<{ tariffId: string; versionId: string } | null>;
  /** A session was stored as started: begin its running cost (energy counted from meterBaselineWh). */
  started(session: SessionView, meterBaselineWh: number): Promise<SessionCost | null>;
  /** Samples of a running session were stored: its cost now, when known on this node. */
  metered(row: SessionEnergyRow, samples: readonly SampledValue[]): SessionCost | null;
  /** A session was stored as stopped: its final cost, from the CDR made now (null if that failed; a job retries). */
  stopped(sessionId: string): Promise<SessionCost | null>;
}

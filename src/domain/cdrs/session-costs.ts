import type { Logger } from '../../logger.js';
import type { SessionCost } from '../pricing/pricing.types.js';
import type { SessionEnergyRow } from '../sessions/meter-sample-writer.js';
import type { SessionCosting } from '../sessions/session-costing.js';
import type { SampledValue, SessionView } from '../sessions/session.types.js';
import type { TariffLookup } from '../tariffs/tariff-lookup.js';
import type { CdrService } from './cdr.service.js';
import type { CdrView } from './cdr.types.js';
import type { LiveCosts } from './live-costs.js';

/** The costing area as the session flow sees it: tariff pinning, running costs, the final record. */
export class SessionCosts implements SessionCosting {
  constructor(
    private readonly tariffs: TariffLookup,
    private readonly live: LiveCosts,
    private readonly cdrs: CdrService,
    private readonly log: Logger,
  ) {}

  async tariffFor(stationId: string, connectorId: number, userId: string | null, at: Date) {
    const ref = await this.tariffs.forSession(stationId, connectorId, userId, at);
    return ref ? { tariffId: ref.tariffId, versionId: ref.versionId } : null;
  }

  async started(session: SessionView, meterBaselineWh: number): Promise<SessionCost | null> {
    try {
      return await this.live.begin({
        sessionId: session.id,
        stationId: session.stationId,
        organisationId: session.organisationId,
        connectorId: session.connectorId,
        userId: session.userId,
        tariffVersionId: session.tariffVersionId,
        startedAt: new Date(session.startedAt),
        meterStartWh: meterBaselineWh,
        energyWh: session.energyWh,
        lastSampleAt: session.lastSampleAt ? new Date(session.lastSampleAt) : null,
      });
    } catch (err) {
      this.log.warn('could not begin a running cost', { sessionId: session.id, err: String(err) });
      return null;
    }
  }

  metered(row: SessionEnergyRow, samples: readonly SampledValue[]): SessionCost | null {
    return this.live.metered(row, samples);
  }

  async stopped(sessionId: string): Promise<SessionCost | null> {
    this.live.end(sessionId);
    try {
      const cdr = await this.cdrs.recordSession(sessionId);
      return cdr ? finalCostOf(cdr) : null;
    } catch (err) {
      // The job sent with the stop makes the record later; the stop is stored either way.
      this.log.warn('could not make the CDR at stop; its job will', { sessionId, err: String(err) });
      return null;
    }
  }
}

export function finalCostOf(cdr: CdrView): SessionCost {
  return {
    currency: cdr.currency,
    totalExclVat: cdr.totalExclVat,
    totalVat: cdr.totalVat,
    totalInclVat: cdr.totalInclVat,
    lines: cdr.lines,
    final: true,
    asOf: cdr.stoppedAt.toISOString(),
  };
}

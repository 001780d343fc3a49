import type { MikroORM } from '@mikro-orm/postgresql';
import { refId, requiredRefId } from '../../db/ref.js';
import type { MeterPoint } from '../pricing/pricing.types.js';
import { ChargingSessionSchema, type SessionStatus } from './charging-session.entity.js';
import { MeterSampleSchema } from './meter-sample.entity.js';

/** What pricing a session needs from its rows: who, where, when, the registers and every sample. */
export interface SessionFacts {
  sessionId: string;
  transactionId: number;
  status: SessionStatus;
  stationId: string;
  connectorId: number;
  userId: string | null;
  idTokenId: string | null;
  idTag: string;
  tariffId: string | null;
  tariffVersionId: string | null;
  startedAt: Date;
  stoppedAt: Date | null;
  /** The register energy is counted from (meterStart, or the known register for a bogus 0 start). */
  meterStartWh: number;
  meterStopWh: number | null;
  /** The session's energy as the meter rules counted it so far. */
  energyWh: number;
  lastSampleAt: Date | null;
  samples: MeterPoint[];
}

// The measurands pricing reads: the register for energy, power and current for restrictions.
const PRICED_MEASURANDS = ['Energy.Active.Import.Register', 'Power.Active.Import', 'Current.Import', 'SoC'];

/**
 * Read-only access to a session and its samples for the areas that price and bill it. Kept apart
 * from SessionService so the costing area can read sessions without the session flow calling it back.
 */
export class SessionFactsReader {
  constructor(private readonly orm: MikroORM) {}

  async load(sessionId: string): Promise<SessionFacts | null> {
    const em = this.orm.em.fork();
    const s = await em.findOne(ChargingSessionSchema, { id: sessionId });
    if (!s) return null;
    const rows = await em.find(
      MeterSampleSchema,
      { session: sessionId, measurand: { $in: PRICED_MEASURANDS } },
      { fields: ['sampledAt', 'measurand', 'unit', 'phase', 'context', 'value'], orderBy: [{ sampledAt: 'asc' }, { id: 'asc' }] },
    );
    return {
      sessionId: s.id,
      transactionId: s.transactionId,
      status: s.status,
      stationId: requiredRefId(s.station),
      connectorId: s.connectorId,
      userId: refId(s.user),
      idTokenId: refId(s.idToken),
      idTag: s.idTag,
      tariffId: s.tariffId ?? null,
      tariffVersionId: s.tariffVersionId ?? null,
      startedAt: s.startedAt,
      stoppedAt: s.stoppedAt ?? null,
      meterStartWh: Number(s.baselineWh),
      meterStopWh: s.meterStopWh === null || s.meterStopWh === undefined ? null : Number(s.meterStopWh),
      energyWh: Number(s.energyWh),
      lastSampleAt: s.lastSampleAt ?? null,
      samples: rows.map((r) => ({
        at: r.sampledAt,
        measurand: r.measurand,
        unit: r.unit ?? null,
        phase: r.phase ?? null,
        context: r.context ?? null,
        value: r.value,
      })),
    };
  }
}

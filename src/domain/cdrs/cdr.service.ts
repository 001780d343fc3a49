import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException, type EntityManager, type MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { visibleRowsWhere, type Visibility } from '../accounts/viewer.js';
import type { Caller } from '../caller.js';
import { isUuid } from '../ids.js';
import type { JobQueue } from '../jobs.js';
import { decodeCursor, encodeCursor, toPage, type Page, type PageRequest } from '../pagination.js';
import type { PlanBenefitsSource } from '../plans/plan-benefits.js';
import { Dec, formatMoney } from '../pricing/money.js';
import type { PricedSession, SessionCost } from '../pricing/pricing.types.js';
import type { SessionFacts, SessionFactsReader } from '../sessions/session-facts.js';
import type { StationBillingFacts, StationRepository } from '../stations/station.repository.js';
import type { TariffLookup } from '../tariffs/tariff-lookup.js';
import { toOcpiCdr, type CdrParty } from './cdr-ocpi.js';
import { CdrSchema, type Cdr } from './cdr.entity.js';
import type { CdrSource, CdrView } from './cdr.types.js';
import { CdrsError } from './cdrs.errors.js';
import { costOf, freeTariff, priceOf } from './session-pricing.js';

export interface CdrFilter {
  stationIdentity?: string | null;
  organisationId?: string | null;
  userId?: string | null;
  sessionId?: string | null;
  from?: Date | null;
  to?: Date | null;
}

export interface CdrOptions {
  party: CdrParty;
  /** What a session with no tariff is recorded in. */
  defaultCurrency: string;
}

/**
 * Charge detail records: the fixed price of every finished session, whoever pays for it. Written
 * once by `recordSession` (idempotent: one per session, whichever of the stop or its job gets
 * there first), never changed; a correction is a credit record. Each record sends the
 * settlement job in its own transaction, so billing happens exactly when the record exists.
 */
export class CdrService implements CdrSource {
  constructor(
    private readonly orm: MikroORM,
    private readonly sessions: SessionFactsReader,
    private readonly stations: StationRepository,
    private readonly tariffs: TariffLookup,
    private readonly plans: PlanBenefitsSource | null,
    private readonly jobs: JobQueue,
    private readonly options: CdrOptions,
  ) {}

  /** The CDR of a finished session, made now if it does not exist yet; null while it is running. */
  async recordSession(sessionId: string): Promise<CdrView | null> {
    const existing = await this.sessionRecord(sessionId);
    if (existing) return existing;
    const facts = await this.sessions.load(sessionId);
    if (!facts || facts.status !== 'COMPLETED' || !facts.stoppedAt) return null;
    const station = await this.stations.billingFacts(facts.stationId);
    if (!station) return null;
    const { priced, version, benefits } = await this.priceFacts(facts, station, facts.stoppedAt);
    const snapshot = version ? this.tariffs.ocpi(version) : null;
    const em = this.orm.em.fork();
    const id = randomUUID();
    const cdr = em.create(CdrSchema, {
      id,
      kind: 'SESSION',
      creditsCdrId: null,
      sessionId: facts.sessionId,
      transactionId: facts.transactionId,
      stationId: station.id,
      stationIdentity: station.identity,
      connectorId: facts.connectorId,
      organisationId: station.organisationId,
      userId: facts.userId,
      idTokenId: facts.idTokenId,
      idTag: facts.idTag,
      tariffId: version?.tariffId ?? null,
      tariffVersionId: version?.versionId ?? null,
      subscriptionId: benefits?.subscriptionId ?? null,
      ...money(priced),
      totalEnergyWh: priced.totalEnergyWh,
      totalTimeSeconds: priced.totalTimeSeconds,
      totalParkingSeconds: priced.totalParkingSeconds,
      lines: priced.lines,
      vatBreakdown: priced.vatBreakdown,
      dataNotes: version ? priced.dataNotes : [...priced.dataNotes, 'no tariff applied at this connector: recorded at no cost'],
      tariffSnapshot: snapshot,
      ocpi: toOcpiCdr(
        this.options.party,
        {
          cdrId: id,
          sessionId: facts.sessionId,
          kind: 'SESSION',
          creditReferenceId: null,
          startedAt: facts.startedAt,
          stoppedAt: facts.stoppedAt,
          idTag: facts.idTag,
          tokenType: facts.idTokenId ? 'RFID' : 'OTHER',
          authMethod: facts.idTokenId ? 'AUTH_REQUEST' : 'WHITELIST',
          station: { ...station, connectorId: facts.connectorId },
          meterId: null,
          tariffId: version?.tariffId ?? null,
          tariffs: snapshot ? [snapshot] : [],
          invoiceReferenceId: null,
          remark: null,
          lastUpdated: new Date(),
        },
        priced,
      ),
      reason: null,
      startedAt: facts.startedAt,
      stoppedAt: facts.stoppedAt,
    });
    try {
      await this.saveForSettlement(em, cdr);
    } catch (err) {
      // The stop and its job raced: the first record stands.
      if (err instanceof UniqueConstraintViolationException) return this.sessionRecord(sessionId);
      throw err;
    }
    return toCdrView(cdr);
  }

  /**
   * Reverses a record: a CREDIT with the same lines negated, kept beside it. Billing is told
   * through the same settlement job (a credit note for an invoiced record).
   */
  async credit(caller: Caller, cdrId: string, reason: string): Promise<CdrView> {
    const original = await this.visibleRow(caller.visibility, cdrId);
    if (!original) throw new CdrsError('CDR_NOT_FOUND', 'no such charge detail record');
    if (original.kind === 'CREDIT') throw new CdrsError('INVALID_CDR_INPUT', 'a credit record cannot be credited', { field: 'cdrId' });
    const text = reason.trim();
    if (!text || text.length > 500) throw new CdrsError('INVALID_CDR_INPUT', 'give a reason of 1 to 500 characters', { field: 'reason' });
    const em = this.orm.em.fork();
    const id = randomUUID();
    const neg = (v: string) => new Dec(v).neg().toFixed();
    const credit = em.create(CdrSchema, {
      ...original,
      id,
      kind: 'CREDIT',
      creditsCdrId: original.id,
      totalExclVat: neg(original.totalExclVat),
      totalVat: neg(original.totalVat),
      totalInclVat: neg(original.totalInclVat),
      lines: original.lines.map((l) => ({ ...l, exclVat: neg(l.exclVat), vat: neg(l.vat), inclVat: neg(l.inclVat) })),
      vatBreakdown: original.vatBreakdown.map((v) => ({ ...v, exclVat: neg(v.exclVat), vat: neg(v.vat) })),
      ocpi: creditOcpi(original.ocpi, id, original.id, text),
      reason: text,
      createdAt: new Date(),
    });
    try {
      await this.saveForSettlement(em, credit);
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) {
        throw new CdrsError('CDR_ALREADY_CREDITED', 'this record was credited already');
      }
      throw err;
    }
    return toCdrView(credit);
  }

  async byId(cdrId: string): Promise<CdrView | null> {
    if (!isUuid(cdrId)) return null;
    const row = await this.orm.em.fork().findOne(CdrSchema, { id: cdrId });
    return row ? toCdrView(row) : null;
  }

  async forUsers(userIds: readonly string[], from: Date, to: Date): Promise<CdrView[]> {
    if (userIds.length === 0) return [];
    const rows = await this.orm.em
      .fork()
      .find(CdrSchema, { userId: { $in: [...userIds] }, stoppedAt: { $gte: from, $lt: to } }, { orderBy: [{ stoppedAt: 'asc' }, { id: 'asc' }] });
    return rows.map(toCdrView);
  }

  async get(caller: Caller, cdrId: string): Promise<CdrView | null> {
    const row = await this.visibleRow(caller.visibility, cdrId);
    return row ? toCdrView(row) : null;
  }

  /** The SESSION records of these sessions (for sessions the caller already sees). */
  async ofSessions(sessionIds: readonly string[]): Promise<Map<string, CdrView>> {
    const rows = await this.orm.em.fork().find(CdrSchema, { sessionId: { $in: [...sessionIds] }, kind: 'SESSION' });
    return new Map(rows.map((r) => [r.sessionId, toCdrView(r)]));
  }

  /** A running session's cost up to now, from its stored samples (when no live estimate is at hand). */
  async estimate(sessionId: string, now = new Date()): Promise<SessionCost | null> {
    const facts = await this.sessions.load(sessionId);
    if (!facts) return null;
    const station = await this.stations.billingFacts(facts.stationId);
    if (!station) return null;
    const endedAt = facts.stoppedAt ?? now;
    return costOf((await this.priceFacts(facts, station, endedAt)).priced, false, endedAt);
  }

  async list(caller: Caller, page: PageRequest, filter: CdrFilter): Promise<Page<CdrView>> {
    const where: Record<string, unknown>[] = [visibleCdrsWhere(caller.visibility)];
    if (filter.stationIdentity) where.push({ stationIdentity: filter.stationIdentity });
    if (filter.organisationId) where.push({ organisationId: filter.organisationId });
    if (filter.userId) where.push({ userId: filter.userId });
    if (filter.sessionId) where.push({ sessionId: filter.sessionId });
    if (filter.from) where.push({ stoppedAt: { $gte: filter.from } });
    if (filter.to) where.push({ stoppedAt: { $lt: filter.to } });
    if (page.after) {
      const after = decodeCursor(page.after, z.tuple([z.string().datetime(), z.string().uuid()]));
      if (!after) throw new CdrsError('INVALID_CDR_INPUT', 'after is not a valid cursor', { field: 'after' });
      const at = new Date(after[0]);
      where.push({ $or: [{ createdAt: { $lt: at } }, { createdAt: at, id: { $lt: after[1] } }] });
    }
    const rows = await this.orm.em
      .fork()
      .find(CdrSchema, { $and: where }, { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], limit: page.first + 1 });
    return toPage(rows, page.first, toCdrView, (r) => encodeCursor([r.createdAt.toISOString(), r.id]));
  }

  // The final record and the estimate price alike: the pinned version (none: free), the
  // driver's plan with the station's operator, the connector's statuses, the stored samples.
  private async priceFacts(facts: SessionFacts, station: StationBillingFacts, endedAt: Date) {
    const version = facts.tariffVersionId ? await this.tariffs.version(facts.tariffVersionId) : null;
    const benefits = facts.userId && this.plans ? await this.plans.benefitsFor(facts.userId, facts.startedAt, station.organisationId) : null;
    const statuses = await this.stations.statusTimeline(facts.stationId, facts.connectorId, facts.startedAt, endedAt);
    const priced = priceOf({
      tariff: version?.definition ?? freeTariff(this.options.defaultCurrency),
      timeZone: station.timeZone,
      startedAt: facts.startedAt,
      endedAt,
      meterStartWh: facts.meterStartWh,
      // The session's own meter rules decided its energy (resets, bogus starts): the price agrees with them.
      meterStopWh: facts.meterStartWh + facts.energyWh,
      samples: facts.samples,
      statuses,
      benefits,
    });
    return { priced, version, benefits };
  }

  // A record and the job that bills it commit together: billing runs exactly when the record exists.
  private async saveForSettlement(em: EntityManager, cdr: Cdr): Promise<void> {
    await em.transactional(async (tem) => {
      tem.persist(cdr);
      await tem.flush();
      await this.jobs.send('billing.settle-cdr', { cdrId: cdr.id }, { within: tem });
    });
  }

  private async sessionRecord(sessionId: string): Promise<CdrView | null> {
    const row = await this.orm.em.fork().findOne(CdrSchema, { sessionId, kind: 'SESSION' });
    return row ? toCdrView(row) : null;
  }

  private async visibleRow(visibility: Visibility, cdrId: string): Promise<Cdr | null> {
    if (!isUuid(cdrId)) return null;
    return this.orm.em.fork().findOne(CdrSchema, { $and: [{ id: cdrId }, visibleCdrsWhere(visibility)] });
  }
}

function visibleCdrsWhere(visibility: Visibility): Record<string, unknown> {
  return visibleRowsWhere(visibility, { organisation: 'organisationId', driver: 'userId' });
}

function money(priced: PricedSession) {
  return { currency: priced.currency, totalExclVat: priced.totalExclVat, totalVat: priced.totalVat, totalInclVat: priced.totalInclVat };
}

function creditOcpi(ocpi: Record<string, unknown>, id: string, creditsId: string, remark: string): Record<string, unknown> {
  const negated: Record<string, unknown> = { ...ocpi, id, credit: true, credit_reference_id: creditsId, remark, last_updated: new Date().toISOString() };
  for (const key of ['total_cost', 'total_fixed_cost', 'total_energy_cost', 'total_time_cost', 'total_parking_cost']) {
    const p = ocpi[key] as { excl_vat: number; incl_vat?: number } | undefined;
    if (p) negated[key] = p.incl_vat === undefined ? { excl_vat: -p.excl_vat } : { excl_vat: -p.excl_vat, incl_vat: -p.incl_vat };
  }
  return negated;
}

export function toCdrView(r: Cdr): CdrView {
  return {
    id: r.id,
    kind: r.kind,
    creditsCdrId: r.creditsCdrId ?? null,
    sessionId: r.sessionId,
    transactionId: r.transactionId,
    stationId: r.stationId,
    stationIdentity: r.stationIdentity,
    connectorId: r.connectorId,
    organisationId: r.organisationId ?? null,
    userId: r.userId ?? null,
    idTokenId: r.idTokenId ?? null,
    idTag: r.idTag,
    tariffId: r.tariffId ?? null,
    tariffVersionId: r.tariffVersionId ?? null,
    subscriptionId: r.subscriptionId ?? null,
    currency: r.currency,
    totalExclVat: formatMoney(r.totalExclVat, r.currency),
    totalVat: formatMoney(r.totalVat, r.currency),
    totalInclVat: formatMoney(r.totalInclVat, r.currency),
    totalEnergyWh: Number(r.totalEnergyWh),
    totalTimeSeconds: r.totalTimeSeconds,
    totalParkingSeconds: r.totalParkingSeconds,
    lines: r.lines,
    vatBreakdown: r.vatBreakdown,
    dataNotes: r.dataNotes,
    reason: r.reason ?? null,
    startedAt: r.startedAt,
    stoppedAt: r.stoppedAt,
    ocpi: r.ocpi,
    createdAt: r.createdAt,
  };
}

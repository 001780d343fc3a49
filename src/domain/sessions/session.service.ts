import { UniqueConstraintViolationException, type EntityManager, type MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Caller } from '../caller.js';
import type { EventPublisher } from '../events.js';
import type { JobQueue } from '../jobs.js';
import { isUuid } from '../ids.js';
import type { ReservationBook } from '../operations/reservation-book.js';
import type { StartPaymentGate } from '../payments/payment.ports.js';
import { decodeCursor, encodeCursor, toPage, type Page, type PageRequest } from '../pagination.js';
import type { StationRepository } from '../stations/station.repository.js';
import type { StationTelemetry } from '../stations/station-telemetry.service.js';
import type { AuthorizationResult, TokenAuthorizer } from '../users/id-token-authorization.js';
import { ChargingSessionSchema, type ChargingSession } from './charging-session.entity.js';
import { energyRegisterReading } from './energy.js';
import type { MeterSampleWriter } from './meter-sample-writer.js';
import { MeterSampleSchema } from './meter-sample.entity.js';
import type { SessionCosting } from './session-costing.js';
import { SessionsError } from './sessions.errors.js';
import { seesSession, visibleSessionsWhere } from './session-scope.js';
import type { MeterReport, MeterSampleView, SampledValue, TransactionStart, TransactionStop, SessionView } from './session.types.js';
import { sessionViewFromRow, stationOf, toMeterSampleView, toSessionView } from './session.views.js';

export interface SessionFilter {
  stationIdentity?: string | null;
  active?: boolean | null;
  from?: Date | null;
  to?: Date | null;
  idTokenId?: string | null;
}

export interface StopOutcome {
  /** Null when the charger sent no idTag with the stop. */
  authorization: AuthorizationResult | null;
  known: boolean;
}

export class SessionService {
  constructor(
    private readonly orm: MikroORM,
    private readonly events: EventPublisher,
    private readonly stations: StationRepository,
    private readonly telemetry: StationTelemetry,
    private readonly idTokens: TokenAuthorizer,
    private readonly writer: MeterSampleWriter,
    private readonly reservations: ReservationBook,
    private readonly costs: SessionCosting,
    private readonly jobs: JobQueue,
    // Card holds before a start, and the session they pay for (none: nobody is asked to pay).
    private readonly payments: StartPaymentGate | null = null,
  ) {}

  /**
   * The answer to a charger's Authorize at this station: the token's own standing and whether
   * the station's access list lets it in, unless every connector is reserved for other tokens.
   */
  async authorize(identity: string, idTag: string): Promise<AuthorizationResult> {
    const stationId = await this.stations.requireId(identity);
    const authorization = await this.idTokens.authorize(idTag, { stationId });
    if (authorization.status !== 'ACCEPTED') return authorization;
    const screened = await this.reservations.screenAuthorize(stationId, { idTag, parentIdTag: authorization.parentIdTag });
    if (screened.verdict === 'RESERVED') return reservedUntil(authorization, screened.until);
    // A driver's card is held before the charger may start (1.6 Authorize names no connector).
    return this.withPaymentHold(stationId, null, authorization);
  }

  /**
   * Records a transaction the charger started and hands back its transactionId. A retried
   * StartTransaction (same connector, tag, time and meter reading) gets the same id.
   */
  async start(identity: string, start: TransactionStart): Promise<{ transactionId: number; authorization: AuthorizationResult }> {
    const stationId = await this.stations.requireId(identity);
    const em = this.orm.em.fork();
    const existing = await this.findRetry(em, stationId, start);
    if (existing) {
      const { authorization } = await this.authorizeStart(stationId, start, existing.id);
      return { transactionId: existing.transactionId, authorization };
    }

    const started = await this.authorizeStart(stationId, start);
    const { reservationId } = started;
    // A charger that started from its own authorization cache skipped Authorize: the card is
    // held now (the hold Authorize or a remote start placed is reused); a refused hold blocks it.
    const authorization = await this.withPaymentHold(stationId, start.connectorId, started.authorization);
    // A start reading of 0 while this meter was known to be higher is likely a charger that
    // started offline without a reading: count from the known register until a reading proves otherwise.
    const known = await this.stations.lastRegisterWh(stationId, start.connectorId);
    // The version in force when the charger says it started prices the whole session.
    const tariff = await this.costs.tariffFor(stationId, start.connectorId, authorization.userId, start.startedAt);
    const provisional = start.meterStartWh === 0 && known !== null && known > 0;
    const [{ id: transactionId }] = await em
      .getConnection()
      .execute<{ id: number }[]>(`select nextval('charging_session_transaction_id_seq')::int as id`);

    const session = em.create(ChargingSessionSchema, {
      transactionId,
      station: stationId,
      connectorId: start.connectorId,
      idTag: start.idTag,
      idToken: authorization.tokenId,
      // Whose session it is: the token's owner when it started.
      user: authorization.userId,
      authorizationStatus: authorization.status,
      status: 'ACTIVE',
      reservationId: reservationId ?? start.reservationId ?? null,
      startedAt: start.startedAt,
      meterStartWh: start.meterStartWh,
      baselineWh: provisional ? known! : start.meterStartWh,
      baselineProvisional: provisional,
      lastRegisterWh: null,
      energyWh: 0,
      tariffId: tariff?.tariffId ?? null,
      tariffVersionId: tariff?.versionId ?? null,
    });
    try {
      await em.flush();
    } catch (err) {
      if (!(err instanceof UniqueConstraintViolationException)) throw err;
      // The same start arrived twice at once (e.g. through two nodes): the first one wins.
      const winner = await this.findRetry(this.orm.em.fork(), stationId, start);
      if (!winner) throw err;
      return { transactionId: winner.transactionId, authorization };
    }
    if (reservationId !== null) await this.reservations.use(reservationId, transactionId);
    if (authorization.status === 'ACCEPTED') {
      await this.payments?.attachToSession({ userId: authorization.userId, idTag: start.idTag, stationId, connectorId: start.connectorId, sessionId: session.id });
    }
    const view = await this.eventView(session, identity);
    this.events.publish('session.updated', { change: 'STARTED', session: { ...view, cost: await this.costs.started(view, Number(session.baselineWh)) } });
    return { transactionId, authorization };
  }

  /** Stores the samples (acknowledged only once committed) and publishes them live. */
  async recordMeterValues(identity: string, report: MeterReport): Promise<void> {
    const { id: stationId, organisationId } = await this.stations.requireRef(identity);
    const receivedAt = new Date();
    const row = await this.writer.write({
      stationId,
      connectorId: report.connectorId,
      transactionId: report.transactionId ?? null,
      samples: report.samples,
      reading: report.transactionId === undefined ? null : energyRegisterReading(report.samples),
      receivedAt,
    });
    this.events.publish('meter.values', {
      stationId,
      stationIdentity: identity,
      organisationId,
      userId: row?.user_id ?? null,
      connectorId: report.connectorId,
      sessionId: row?.id ?? null,
      transactionId: report.transactionId ?? null,
      sessionEnergyWh: row ? Number(row.energy_wh) : null,
      samples: report.samples.map((s) => ({
        sampledAt: s.sampledAt.toISOString(),
        measurand: s.measurand,
        phase: s.phase,
        unit: s.unit,
        context: s.context,
        location: s.location,
        value: s.value,
      })),
      receivedAt: receivedAt.toISOString(),
    });
    if (row) {
      const cost = this.costs.metered(row, report.samples);
      this.events.publish('session.updated', { change: 'METER', session: { ...sessionViewFromRow(row, { identity, organisationId }), cost } });
    }
  }

  /**
   * Closes a session. A stop for a transaction we never saw is still answered: its samples
   * are stored against the station and the stop is kept as a report for operators.
   */
  async stop(identity: string, stop: TransactionStop): Promise<StopOutcome> {
    const stationId = await this.stations.requireId(identity);
    const em = this.orm.em.fork();
    const session = await em.findOne(ChargingSessionSchema, { station: stationId, transactionId: stop.transactionId });
    const authorization = stop.idTag
      ? await this.idTokens.authorize(stop.idTag, { exceptSessionId: session?.id })
      : null;

    if (!session) {
      await this.writer.write({
        stationId,
        connectorId: 0,
        transactionId: null,
        samples: stop.samples,
        reading: null,
        receivedAt: new Date(),
      });
      await this.telemetry.recordReport(identity, {
        kind: 'UNKNOWN_TRANSACTION_STOP',
        payload: {
          transactionId: stop.transactionId,
          idTag: stop.idTag ?? null,
          meterStopWh: stop.meterStopWh,
          stoppedAt: stop.stoppedAt.toISOString(),
          reason: stop.reason,
        },
      });
      return { authorization, known: false };
    }
    if (session.status === 'COMPLETED') return { authorization, known: true };

    // The stop reading goes through the same energy rules as every other reading.
    const samples: SampledValue[] = stop.samples;
    await this.writer.write({
      stationId,
      connectorId: session.connectorId,
      transactionId: session.transactionId,
      samples,
      reading: { wh: stop.meterStopWh, sampledAt: stop.stoppedAt },
      receivedAt: new Date(),
    });
    await em.refresh(session);
    Object.assign(session, {
      status: 'COMPLETED',
      stoppedAt: stop.stoppedAt,
      meterStopWh: stop.meterStopWh,
      stopReason: stop.reason,
      stopIdTag: stop.idTag ?? null,
    });
    // The stop and the job that prices it commit together: a crash between the two cannot
    // leave a finished session without its CDR. The record is normally made just below.
    await em.begin();
    try {
      await em.flush();
      await this.jobs.send('cdrs.price-session', { sessionId: session.id }, { within: em, startAfter: new Date(Date.now() + 60_000) });
      await em.commit();
    } catch (err) {
      await em.rollback();
      throw err;
    }
    const cost = await this.costs.stopped(session.id);
    this.events.publish('session.updated', { change: 'STOPPED', session: { ...(await this.eventView(session, identity)), cost } });
    return { authorization, known: true };
  }

  /** A session the caller may see (drivers: their own; operators: at their stations); null otherwise. */
  async get(caller: Caller, id: string): Promise<SessionView | null> {
    if (!isUuid(id)) return null;
    const em = this.orm.em.fork();
    const session = await em.findOne(ChargingSessionSchema, { id }, { populate: ['station'] });
    if (!session) return null;
    const view = toSessionView(session, stationOf(session));
    return seesSession(caller.visibility, view) ? view : null;
  }

  async list(caller: Caller, page: PageRequest, filter: SessionFilter): Promise<Page<SessionView>> {
    const em = this.orm.em.fork();
    const where: Record<string, unknown>[] = [visibleSessionsWhere(caller.visibility)];
    if (filter.stationIdentity) where.push({ station: { identity: filter.stationIdentity } });
    if (filter.active === true) where.push({ status: 'ACTIVE' });
    if (filter.active === false) where.push({ status: 'COMPLETED' });
    if (filter.from) where.push({ startedAt: { $gte: filter.from } });
    if (filter.to) where.push({ startedAt: { $lt: filter.to } });
    if (filter.idTokenId) where.push({ idToken: filter.idTokenId });
    if (page.after) {
      const after = decodeCursor(page.after, z.tuple([z.string().datetime(), z.string().uuid()]));
      if (!after) throw new SessionsError('INVALID_SESSION_QUERY', 'after is not a valid cursor', { field: 'after' });
      const at = new Date(after[0]);
      where.push({ $or: [{ startedAt: { $lt: at } }, { startedAt: at, id: { $lt: after[1] } }] });
    }
    const rows = await em.find(
      ChargingSessionSchema,
      { $and: where },
      { orderBy: [{ startedAt: 'desc' }, { id: 'desc' }], limit: page.first + 1, populate: ['station'] },
    );
    return toPage(
      rows,
      page.first,
      (s) => toSessionView(s, stationOf(s)),
      (s) => encodeCursor([s.startedAt.toISOString(), s.id]),
    );
  }

  async samples(
    sessionId: string,
    options: { measurands?: string[] | null; limit: number },
  ): Promise<MeterSampleView[]> {
    const em = this.orm.em.fork();
    const where: Record<string, unknown> = { session: sessionId };
    if (options.measurands?.length) where.measurand = { $in: options.measurands };
    const rows = await em.find(MeterSampleSchema, where, { orderBy: [{ sampledAt: 'asc' }, { id: 'asc' }], limit: options.limit });
    return rows.map(toMeterSampleView);
  }

  /** The session a connector is charging right now, if any. */
  async activeOnConnector(stationId: string, connectorId: number): Promise<SessionView | null> {
    const em = this.orm.em.fork();
    const session = await em.findOne(
      ChargingSessionSchema,
      { station: stationId, connectorId, status: 'ACTIVE' },
      { populate: ['station'], orderBy: { startedAt: 'desc' } },
    );
    return session ? toSessionView(session, stationOf(session)) : null;
  }

  // Events carry the station's operator (and the view the session's driver), for subscriptions to filter by.
  private async eventView(session: ChargingSession, identity: string): Promise<SessionView> {
    const organisationId = (await this.stations.refOf(identity))?.organisationId ?? null;
    return toSessionView(session, { identity, organisationId });
  }

  // The token's standing and access here, then the connector's reservations: a start by the
  // reserving token uses its reservation; anyone else's start on a reserved connector is refused.
  private async authorizeStart(
    stationId: string,
    start: TransactionStart,
    exceptSessionId?: string,
  ): Promise<{ authorization: AuthorizationResult; reservationId: number | null }> {
    const authorization = await this.idTokens.authorize(start.idTag, { stationId, exceptSessionId });
    if (authorization.status !== 'ACCEPTED') return { authorization, reservationId: null };
    const screened = await this.reservations.screenStart(stationId, {
      connectorId: start.connectorId,
      idTag: start.idTag,
      parentIdTag: authorization.parentIdTag,
      reservationId: start.reservationId ?? null,
    });
    if (screened.verdict === 'USES') return { authorization, reservationId: screened.reservationId };
    if (screened.verdict === 'RESERVED') return { authorization: reservedUntil(authorization, screened.until), reservationId: null };
    return { authorization, reservationId: null };
  }

  // An accepted driver's card is held (a pending hold reused); a refused hold blocks the start.
  private async withPaymentHold(stationId: string, connectorId: number | null, authorization: AuthorizationResult): Promise<AuthorizationResult> {
    if (!this.payments || authorization.status !== 'ACCEPTED' || !authorization.userId) return authorization;
    const payment = await this.payments.holdForStart({ userId: authorization.userId, stationId, connectorId });
    return payment.kind === 'REFUSED' ? { ...authorization, status: 'BLOCKED' } : authorization;
  }

  private async findRetry(em: EntityManager, stationId: string, start: TransactionStart) {
    return em.findOne(ChargingSessionSchema, {
      station: stationId,
      connectorId: start.connectorId,
      idTag: start.idTag,
      startedAt: start.startedAt,
      meterStartWh: start.meterStartWh,
    });
  }
}

// The reservation's end doubles as the expiry of the refusal: a charger caching the answer
// (OCPP authorization cache) forgets it when the connector is free again.
function reservedUntil(authorization: AuthorizationResult, until: Date): AuthorizationResult {
  return { ...authorization, status: 'RESERVED', expiresAt: until };
}

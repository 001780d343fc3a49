import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { refId, requiredRefId } from '../../db/ref.js';
import type { StationRepository } from '../stations/station.repository.js';
import { ReservationSchema, type Reservation, type ReservationStatus } from './reservation.entity.js';
import {
  screenAuthorize,
  screenStart,
  type AuthorizeVerdict,
  type HeldReservation,
  type PresentedTag,
  type StartVerdict,
} from './reservation-rules.js';
import { OperationsError } from './operations.errors.js';
import type { ReservationView } from './operations.types.js';

export interface NewReservation {
  connectorId: number;
  idTag: string;
  idTokenId: string | null;
  parentIdTag: string | null;
  expiresAt: Date;
  requestedBy: string;
}

// Statuses in which a reservation is, or may become, held by the station.
const LIVE: ReservationStatus[] = ['PENDING', 'ACTIVE'];

/**
 * The reservations of every station: opening one before it is sent, settling it with the
 * station's answer, expiry, and the checks charger messages go through while one is held.
 * Sends nothing itself (ReservationService does), so the OCPP handlers can use it.
 */
export class ReservationBook {
  constructor(
    private readonly orm: MikroORM,
    private readonly stations: StationRepository,
  ) {}

  /** A PENDING reservation with a fresh reservationId; refused while the connector has a live one. */
  async open(stationId: string, r: NewReservation): Promise<ReservationView> {
    const em = this.orm.em.fork();
    await this.expireDue(em, stationId);
    const clash = await em.findOne(ReservationSchema, {
      station: stationId,
      connectorId: r.connectorId,
      status: { $in: LIVE },
    });
    if (clash) {
      throw new OperationsError(
        'RESERVATION_CONFLICT',
        `connector ${r.connectorId} already has reservation ${clash.id} until ${clash.expiresAt.toISOString()}`,
        { field: 'connectorId', reservationId: clash.id },
      );
    }
    const [{ id }] = await em
      .getConnection()
      .execute<{ id: number }[]>(`select nextval('reservation_id_seq')::int as id`);
    const reservation = em.create(ReservationSchema, {
      id,
      station: stationId,
      connectorId: r.connectorId,
      idTag: r.idTag,
      idToken: r.idTokenId,
      parentIdTag: r.parentIdTag,
      expiresAt: r.expiresAt,
      status: 'PENDING',
      transactionId: null,
      requestedBy: r.requestedBy.slice(0, 200),
    });
    await em.flush();
    return this.view(em, reservation);
  }

  /** Records how it ended: ACTIVE, REJECTED, FAILED (no answer) or CANCELLED. */
  async settle(id: number, status: Extract<ReservationStatus, 'ACTIVE' | 'REJECTED' | 'FAILED' | 'CANCELLED'>): Promise<ReservationView> {
    const em = this.orm.em.fork();
    const reservation = await em.findOneOrFail(ReservationSchema, { id });
    reservation.status = status;
    await em.flush();
    await this.expireDue(em, requiredRefId(reservation.station));
    await em.refresh(reservation);
    return this.view(em, reservation);
  }

  async get(id: number): Promise<ReservationView | null> {
    const em = this.orm.em.fork();
    const reservation = await em.findOne(ReservationSchema, { id });
    if (!reservation) return null;
    await this.expireDue(em, requiredRefId(reservation.station));
    await em.refresh(reservation);
    return this.view(em, reservation);
  }

  /** Newest first; only those held now (ACTIVE, unexpired) when `activeOnly`. */
  async list(stationId: string, options: { activeOnly: boolean; limit: number }): Promise<ReservationView[]> {
    const em = this.orm.em.fork();
    await this.expireDue(em, stationId);
    const rows = await em.find(
      ReservationSchema,
      { station: stationId, ...(options.activeOnly ? { status: 'ACTIVE' } : {}) },
      { orderBy: { id: 'desc' }, limit: options.limit, populate: ['station', 'idToken'] },
    );
    return rows.map(toReservationView);
  }

  /** What a StartTransaction on this connector means for the station's reservations. */
  async screenStart(
    stationId: string,
    start: PresentedTag & { connectorId: number; reservationId: number | null },
  ): Promise<StartVerdict> {
    return screenStart(await this.held(this.orm.em.fork(), stationId), start, new Date());
  }

  /** Whether an Authorize must be refused because every known connector is reserved for others. */
  async screenAuthorize(stationId: string, tag: PresentedTag): Promise<AuthorizeVerdict> {
    const em = this.orm.em.fork();
    const held = await this.held(em, stationId);
    if (held.length === 0) return { verdict: 'FREE' };
    return screenAuthorize(held, await this.stations.connectorIds(stationId), tag, new Date());
  }

  /** The reservation was used by this transaction; it is no longer held. */
  async use(reservationId: number, transactionId: number): Promise<void> {
    await this.orm.em
      .fork()
      .nativeUpdate(ReservationSchema, { id: reservationId, status: 'ACTIVE' }, { status: 'USED', transactionId });
  }

  // Expiry is applied when reservations are read or checked: the station drops an expired
  // reservation by itself, so nothing needs sending, and the record is right whenever it is seen.
  private async expireDue(em: EntityManager, stationId: string): Promise<void> {
    await em.nativeUpdate(
      ReservationSchema,
      { station: stationId, status: { $in: LIVE }, expiresAt: { $lte: new Date() } },
      { status: 'EXPIRED' },
    );
  }

  private async held(em: EntityManager, stationId: string): Promise<HeldReservation[]> {
    const rows = await em.find(ReservationSchema, { station: stationId, status: 'ACTIVE', expiresAt: { $gt: new Date() } });
    return rows.map((r) => ({
      id: r.id,
      connectorId: r.connectorId,
      idTag: r.idTag,
      parentIdTag: r.parentIdTag ?? null,
      expiresAt: r.expiresAt,
    }));
  }

  private async view(em: EntityManager, r: Reservation): Promise<ReservationView> {
    await em.populate(r, ['station', 'idToken']);
    return toReservationView(r);
  }
}

/** For a reservation loaded with its station and token. */
export function toReservationView(r: Reservation): ReservationView {
  const token = r.idToken as unknown as { id: string; user?: { id: string } | null } | null | undefined;
  return {
    id: r.id,
    stationId: r.station.id,
    stationIdentity: r.station.identity,
    organisationId: refId(r.station.organisation),
    connectorId: r.connectorId,
    idTag: r.idTag,
    idTokenId: token?.id ?? null,
    userId: token?.user?.id ?? null,
    parentIdTag: r.parentIdTag ?? null,
    expiresAt: r.expiresAt.toISOString(),
    status: r.status,
    transactionId: r.transactionId ?? null,
    requestedBy: r.requestedBy,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

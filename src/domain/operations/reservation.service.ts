import { z } from 'zod';
import { ALL } from '../accounts/viewer.js';
import type { Caller } from '../caller.js';
import { parseInput } from '../input.js';
import type { StationRef, StationRepository } from '../stations/station.repository.js';
import { operatesStation } from '../stations/station-scope.js';
import type { IdTokenService } from '../users/id-token.service.js';
import type { CommandRunner } from './command-runner.js';
import type { ResultOf } from './command.types.js';
import { invalidCommand, OperationsError } from './operations.errors.js';
import type { CommandOutcome, ReservationView } from './operations.types.js';
import type { ReservationBook } from './reservation-book.js';

const reserveInput = z.object({
  connectorId: z.number().int().min(0).max(1000),
  idTag: z.string().trim().min(1).max(36).nullish(),
  expiresAt: z.date().refine((d) => d.getTime() > Date.now(), 'must be in the future'),
});

/** A driver reserves a connector for a while; the station holds it until used, cancelled or expired. */
export class ReservationService {
  constructor(
    private readonly runner: CommandRunner,
    private readonly stations: StationRepository,
    private readonly book: ReservationBook,
    private readonly idTokens: IdTokenService,
  ) {}

  /**
   * Reserves a connector (0: any connector) for a token. The reservation is ACTIVE only when
   * the station accepted it; declined it is REJECTED, and with no answer it is FAILED.
   * A driver reserves at any station for one of their own tokens (none named: their preferred
   * one); operators at their organisation's stations for any token (none named: their own).
   */
  async reserve(
    caller: Caller,
    identity: string,
    input: { connectorId: number; idTag?: string | null; expiresAt: Date },
  ): Promise<CommandOutcome<ResultOf<'RESERVE_NOW'>> & { reservation: ReservationView }> {
    const data = parseInput(reserveInput, input, invalidCommand);
    const { visibility, actor } = caller;
    const driver = visibility.kind === 'driver' ? visibility.userId : null;
    const station = await this.stations.requireOperated(identity, driver ? ALL : visibility);
    const idTag = await this.reservingTag(driver ?? actor.userId, data.idTag ?? null, driver !== null);
    // A token that is already charging may still book its next stop; any other refusal may not.
    const authorization = await this.idTokens.authorize(idTag, { stationId: station.id });
    if (authorization.status !== 'ACCEPTED' && authorization.status !== 'CONCURRENT_TX') {
      throw new OperationsError('ID_TAG_NOT_ACCEPTED', `idTag ${idTag} cannot reserve: ${authorization.status}`, {
        field: 'idTag',
        authorizationStatus: authorization.status,
      });
    }
    const token = await this.idTokens.findByValue(idTag);
    const pending = await this.book.open(station.id, {
      connectorId: data.connectorId,
      idTag: token?.value ?? idTag,
      idTokenId: token?.id ?? null,
      parentIdTag: authorization.parentIdTag,
      expiresAt: data.expiresAt,
      requestedBy: actor.label,
    });
    let outcome: CommandOutcome<ResultOf<'RESERVE_NOW'>>;
    try {
      outcome = await this.runner.run(caller, station, {
        kind: 'RESERVE_NOW',
        reservationId: pending.id,
        connectorId: pending.connectorId,
        idTag: pending.idTag,
        parentIdTag: pending.parentIdTag,
        expiresAt: data.expiresAt,
      });
    } catch (err) {
      // No answer: the station may or may not hold it, so we never treat it as held.
      await this.book.settle(pending.id, 'FAILED');
      throw err;
    }
    const reservation = await this.book.settle(pending.id, outcome.result.answer === 'ACCEPTED' ? 'ACTIVE' : 'REJECTED');
    return { ...outcome, reservation };
  }

  async cancel(
    caller: Caller,
    reservationId: number,
  ): Promise<CommandOutcome<ResultOf<'CANCEL_RESERVATION'>> & { reservation: ReservationView }> {
    const existing = await this.get(caller, reservationId);
    if (!existing) throw new OperationsError('RESERVATION_NOT_FOUND', `no reservation ${reservationId}`);
    if (existing.status !== 'ACTIVE') {
      throw new OperationsError('RESERVATION_NOT_ACTIVE', `reservation ${reservationId} is ${existing.status}, not ACTIVE`);
    }
    // Visible already: a driver's own reservation may be at any station.
    const station = await this.stations.requireOperated(existing.stationIdentity, ALL);
    const outcome = await this.runner.run(caller, station, { kind: 'CANCEL_RESERVATION', reservationId });
    // Accepted: cancelled. Rejected: the station has no such reservation (the only reason OCPP
    // gives), so it is not held either way.
    const reservation = await this.book.settle(reservationId, 'CANCELLED');
    return { ...outcome, reservation };
  }

  /** Drivers see the reservations of their own tokens; operators those at their organisation's stations. */
  async get(caller: Caller, reservationId: number): Promise<ReservationView | null> {
    const reservation = await this.book.get(reservationId);
    if (!reservation) return null;
    const { visibility } = caller;
    const visible =
      visibility.kind === 'driver'
        ? reservation.userId !== null && reservation.userId === visibility.userId
        : operatesStation(visibility, reservation.organisationId);
    return visible ? reservation : null;
  }

  private async reservingTag(userId: string | null, idTag: string | null, ownOnly: boolean): Promise<string> {
    if (idTag === null) {
      const own = userId ? await this.idTokens.preferredTokenOf(userId) : null;
      if (!own) throw invalidCommand('idTag is required (the caller has no active token of their own)', 'idTag');
      return own.value;
    }
    if (ownOnly) {
      const token = await this.idTokens.findByValue(idTag);
      if (!token || token.userId !== userId) {
        throw new OperationsError('COMMAND_FORBIDDEN', 'drivers reserve only for their own tokens', { field: 'idTag' });
      }
    }
    return idTag;
  }

  /** A station's reservations, newest first: operator data, so none for a caller who does not operate it. */
  async list(caller: Caller, station: StationRef, options: { activeOnly: boolean; limit: number }): Promise<ReservationView[]> {
    if (!operatesStation(caller.visibility, station.organisationId)) return [];
    return this.book.list(station.id, options);
  }
}

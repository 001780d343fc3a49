import { z } from 'zod';
import type { Actor } from '../actor.js';
import { parseInput } from '../input.js';
import type { IdTokenService } from '../users/id-token.service.js';
import type { CommandRunner } from './command-runner.js';
import type { ResultOf } from './command.types.js';
import { invalidCommand, OperationsError } from './operations.errors.js';
import type { CommandOutcome, ReservationView } from './operations.types.js';
import type { ReservationBook } from './reservation-book.js';

const reserveInput = z.object({
  connectorId: z.number().int().min(0).max(1000),
  idTag: z.string().trim().min(1).max(36),
  expiresAt: z.date().refine((d) => d.getTime() > Date.now(), 'must be in the future'),
});

/** A driver reserves a connector for a while; the station holds it until used, cancelled or expired. */
export class ReservationService {
  constructor(
    private readonly runner: CommandRunner,
    private readonly book: ReservationBook,
    private readonly tokens: IdTokenService,
  ) {}

  /**
   * Reserves a connector (0: any connector) for a token. The reservation is ACTIVE only when
   * the station accepted it; declined it is REJECTED, and with no answer it is FAILED.
   */
  async reserve(
    actor: Actor,
    identity: string,
    input: { connectorId: number; idTag: string; expiresAt: Date },
  ): Promise<CommandOutcome<ResultOf<'RESERVE_NOW'>> & { reservation: ReservationView }> {
    const data = parseInput(reserveInput, input, invalidCommand);
    const station = await this.runner.target(identity);
    // A token that is already charging may still book its next stop; any other refusal may not.
    const authorization = await this.tokens.authorize(data.idTag);
    if (authorization.status !== 'ACCEPTED' && authorization.status !== 'CONCURRENT_TX') {
      throw new OperationsError('ID_TAG_NOT_ACCEPTED', `idTag ${data.idTag} cannot reserve: ${authorization.status}`, {
        field: 'idTag',
        authorizationStatus: authorization.status,
      });
    }
    const token = await this.tokens.findByValue(data.idTag);
    const pending = await this.book.open(station.id, {
      connectorId: data.connectorId,
      idTag: token?.value ?? data.idTag,
      idTokenId: token?.id ?? null,
      parentIdTag: authorization.parentIdTag,
      expiresAt: data.expiresAt,
      requestedBy: actor.label,
    });
    let outcome: CommandOutcome<ResultOf<'RESERVE_NOW'>>;
    try {
      outcome = await this.runner.run(actor, station, {
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

  async cancel(actor: Actor, reservationId: number): Promise<CommandOutcome<ResultOf<'CANCEL_RESERVATION'>> & { reservation: ReservationView }> {
    const existing = await this.book.get(reservationId);
    if (!existing) throw new OperationsError('RESERVATION_NOT_FOUND', `no reservation ${reservationId}`);
    if (existing.status !== 'ACTIVE') {
      throw new OperationsError('RESERVATION_NOT_ACTIVE', `reservation ${reservationId} is ${existing.status}, not ACTIVE`);
    }
    const station = await this.runner.target(existing.stationIdentity);
    const outcome = await this.runner.run(actor, station, { kind: 'CANCEL_RESERVATION', reservationId });
    // Accepted: cancelled. Rejected: the station has no such reservation (the only reason OCPP
    // gives), so it is not held either way.
    const reservation = await this.book.settle(reservationId, 'CANCELLED');
    return { ...outcome, reservation };
  }

  get(reservationId: number): Promise<ReservationView | null> {
    return this.book.get(reservationId);
  }

  list(stationId: string, options: { activeOnly: boolean; limit: number }): Promise<ReservationView[]> {
    return this.book.list(stationId, options);
  }
}

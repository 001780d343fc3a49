import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { requiredRefId } from '../../db/ref.js';
import type { Caller } from '../caller.js';
import { decodeCursor, encodeCursor, toPage, type Page, type PageRequest } from '../pagination.js';
import type { OperatedStation, StationRef } from '../stations/station.repository.js';
import { operatesStation } from '../stations/station-scope.js';
import { isoOrNull } from '../timestamps.js';
import { statusOfAnswer, type CommandOf, type CommandStatus, type ResultOf, type StationCommandKind } from './command.types.js';
import { OperationsError, type OperationsErrorCode } from './operations.errors.js';
import type { CommandOutcome, StationCommandView } from './operations.types.js';
import { StationCommandSchema, type StationCommandRecord } from './station-command.entity.js';
import { CommandDeliveryError, type DeliveryFailure, type EncodedCommand, type StationLink } from './station-link.js';

/** The station a command goes to, as the runner needs it (the repository's OperatedStation fits). */
export type StationTarget = Pick<OperatedStation, 'id' | 'identity' | 'protocol'>;

const FAILURE: Record<DeliveryFailure, { status: CommandStatus; code: OperationsErrorCode }> = {
  OFFLINE: { status: 'OFFLINE', code: 'STATION_OFFLINE' },
  TIMEOUT: { status: 'TIMEOUT', code: 'STATION_TIMEOUT' },
  CHARGER_ERROR: { status: 'CHARGER_ERROR', code: 'STATION_ERROR' },
};

const CALL_FAILURE_CODES: ReadonlySet<OperationsErrorCode> = new Set(Object.values(FAILURE).map((f) => f.code));

/** Whether `run` rejected because the station gave no usable answer (offline, silent, or an error answer); the attempt is recorded. */
export function isCallFailure(err: unknown): err is OperationsError {
  return err instanceof OperationsError && CALL_FAILURE_CODES.has(err.code);
}

/**
 * Sends one command to a station and keeps the record: PENDING before it leaves, then the
 * answer or the failure, with the time it took. Every area that calls a station (operations,
 * diagnostics, firmware) sends through here, so a station's command history is complete.
 * Which station, and whether the caller may use it, the services decide (StationRepository).
 */
export class CommandRunner {
  constructor(
    private readonly orm: MikroORM,
    private readonly link: StationLink,
  ) {}

  /**
   * Resolves with the record and the meaning of the answer, whatever the station answered
   * (Rejected is a result). Rejects with OperationsError STATION_OFFLINE, STATION_TIMEOUT or
   * STATION_ERROR when there is no answer; the record says so too.
   */
  async run<K extends StationCommandKind>(
    caller: Caller,
    station: StationTarget,
    command: CommandOf<K>,
  ): Promise<CommandOutcome<ResultOf<K>>> {
    // Encoding first: a command the protocol cannot express is bad input, and nothing is recorded.
    const encoded: EncodedCommand<ResultOf<K>> | null = station.protocol
      ? this.link.encode<K>(station.protocol, command)
      : null;
    const em = this.orm.em.fork();
    const record = em.create(StationCommandSchema, {
      station: station.id,
      command: command.kind,
      protocol: station.protocol,
      action: encoded?.action ?? null,
      payload: encoded?.recorded ?? encoded?.payload ?? null,
      status: 'PENDING',
      answer: null,
      response: null,
      errorCode: null,
      errorDescription: null,
      requestedBy: caller.actor.label.slice(0, 200),
      requestedByUserId: caller.actor.userId,
      requestedAt: new Date(),
      completedAt: null,
      durationMs: null,
    });
    await em.flush();
    const started = performance.now();

    try {
      if (!encoded) throw new CommandDeliveryError('OFFLINE', `Station ${station.identity} is not connected (it never has)`);
      const response = await this.link.send(station.identity, encoded.action, encoded.payload);
      const result = encoded.decode(response);
      await this.finish(em, record, started, { status: statusOfAnswer(result.answer), answer: result.answer, response });
      return { command: toCommandView(record, station.identity), result };
    } catch (err) {
      if (err instanceof CommandDeliveryError) {
        const { status, code } = FAILURE[err.failure];
        await this.finish(em, record, started, { status, errorCode: err.code, errorDescription: err.message });
        throw new OperationsError(code, err.message, {
          commandId: record.id,
          ...(err.code ? { chargerErrorCode: err.code } : {}),
        });
      }
      await this.finish(em, record, started, { status: 'FAILED', errorDescription: 'internal error' }).catch(() => {});
      throw err;
    }
  }

  /** Newest first: operator data, so an empty page for a caller who does not operate the station. */
  async history(caller: Caller, station: StationRef, page: PageRequest): Promise<Page<StationCommandView>> {
    if (!operatesStation(caller.visibility, station.organisationId)) return { items: [], hasNextPage: false };
    const em = this.orm.em.fork();
    const where: Record<string, unknown>[] = [{ station: station.id }];
    if (page.after) {
      const after = decodeCursor(page.after, z.tuple([z.string().datetime(), z.string().uuid()]));
      if (!after) throw new OperationsError('INVALID_COMMAND_INPUT', 'after is not a valid cursor', { field: 'after' });
      const at = new Date(after[0]);
      where.push({ $or: [{ requestedAt: { $lt: at } }, { requestedAt: at, id: { $lt: after[1] } }] });
    }
    const rows = await em.find(
      StationCommandSchema,
      { $and: where },
      { orderBy: [{ requestedAt: 'desc' }, { id: 'desc' }], limit: page.first + 1, populate: ['station'] },
    );
    return toPage(
      rows,
      page.first,
      (r) => toCommandView(r, r.station.identity),
      (r) => encodeCursor([r.requestedAt.toISOString(), r.id]),
    );
  }

  private async finish(
    em: EntityManager,
    record: StationCommandRecord,
    started: number,
    outcome: Partial<Pick<StationCommandRecord, 'status' | 'answer' | 'response' | 'errorCode' | 'errorDescription'>>,
  ): Promise<void> {
    Object.assign(record, outcome, {
      completedAt: new Date(),
      durationMs: Math.round(performance.now() - started),
    });
    await em.flush();
  }
}

export function toCommandView(r: StationCommandRecord, stationIdentity: string): StationCommandView {
  return {
    id: r.id,
    stationId: requiredRefId(r.station),
    stationIdentity,
    command: r.command,
    protocol: r.protocol ?? null,
    action: r.action ?? null,
    payload: r.payload ?? null,
    status: r.status,
    answer: (r.answer ?? null) as StationCommandView['answer'],
    response: r.response ?? null,
    errorCode: r.errorCode ?? null,
    errorDescription: r.errorDescription ?? null,
    requestedBy: r.requestedBy,
    requestedByUserId: r.requestedByUserId ?? null,
    requestedAt: r.requestedAt.toISOString(),
    completedAt: isoOrNull(r.completedAt),
    durationMs: r.durationMs ?? null,
  };
}

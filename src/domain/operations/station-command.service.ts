import { z } from 'zod';
import { ALL } from '../accounts/viewer.js';
import type { Caller } from '../caller.js';
import { parseInput } from '../input.js';
import type { Page, PageRequest } from '../pagination.js';
import type { StartPaymentGate } from '../payments/payment.ports.js';
import { paymentRefused } from '../payments/payments.errors.js';
import type { SessionService } from '../sessions/session.service.js';
import { SessionsError } from '../sessions/sessions.errors.js';
import type { StationRef, StationRepository } from '../stations/station.repository.js';
import type { IdTokenService } from '../users/id-token.service.js';
import type { CommandRunner } from './command-runner.js';
import {
  RESET_KINDS,
  TRIGGER_MESSAGE_KINDS,
  type ResetKind,
  type ResultOf,
  type TriggerMessageKind,
} from './command.types.js';
import { invalidCommand, OperationsError } from './operations.errors.js';
import type { CommandOutcome, StationCommandView } from './operations.types.js';

const connectorId = z.number().int().min(1).max(1000);
const stationWideOrConnector = z.number().int().min(0).max(1000);

const startInput = z.object({
  connectorId: connectorId.nullish(),
  idTag: z.string().trim().min(1).max(36).nullish(),
});

const dataTransferInput = z.object({
  vendorId: z.string().trim().min(1).max(255),
  messageId: z.string().trim().min(1).max(50).nullish(),
  data: z.string().max(100_000).nullish(),
});

/** Remote control: start, stop, reset, unlock, availability, cache, triggers, data transfer. */
export class StationCommandService {
  constructor(
    private readonly runner: CommandRunner,
    private readonly stations: StationRepository,
    private readonly idTokens: IdTokenService,
    private readonly sessions: SessionService,
    // Told when a station accepted a reset, so its next boot reads as asked for, not as a crash.
    private readonly reboots: { expectReboot(identity: string, reason: 'RESET'): Promise<void> } | null = null,
    // A driver's card is held before the station is told to start.
    private readonly payments: StartPaymentGate | null = null,
  ) {}

  /**
   * Asks the station to start charging for a token. A driver charges at any station, always
   * with their own token (their app token, else their oldest active one) and never names one.
   * Operators start at their organisation's stations, for any token (without one: their own).
   * The token must be accepted now: the station would refuse it anyway.
   */
  async startCharging(
    caller: Caller,
    identity: string,
    input: { connectorId?: number | null; idTag?: string | null },
  ): Promise<CommandOutcome<ResultOf<'START_CHARGING'>>> {
    const data = parseInput(startInput, input, invalidCommand);
    const { visibility } = caller;
    let station;
    let idTag;
    if (visibility.kind === 'driver') {
      if (data.idTag) {
        throw new OperationsError('COMMAND_FORBIDDEN', 'drivers charge with their own token: leave idTag out', { field: 'idTag' });
      }
      station = await this.stations.requireOperated(identity, ALL);
      idTag = await this.chargingTag(station.id, visibility.userId, null);
      const payment = await this.payments?.holdForStart({ userId: visibility.userId, stationId: station.id, connectorId: data.connectorId ?? null });
      if (payment?.kind === 'REFUSED') throw paymentRefused(payment.reason);
    } else {
      station = await this.stations.requireOperated(identity, visibility);
      idTag = await this.chargingTag(station.id, caller.actor.userId, data.idTag ?? null);
    }
    return this.runner.run(caller, station, { kind: 'START_CHARGING', connectorId: data.connectorId ?? null, idTag });
  }

  /** Drivers stop only their own sessions; operators those at their organisation's stations. Any other is not found. */
  async stopCharging(caller: Caller, sessionId: string): Promise<CommandOutcome<ResultOf<'STOP_CHARGING'>>> {
    const { visibility } = caller;
    const session = await this.sessions.get(caller, sessionId);
    if (!session) throw new SessionsError('SESSION_NOT_FOUND', `no charging session with id ${sessionId}`);
    if (session.status !== 'ACTIVE') {
      throw new OperationsError('SESSION_NOT_ACTIVE', `charging session ${sessionId} has already stopped`);
    }
    // The session's visibility decided: a driver's own session may be at any station.
    const station = await this.stations.requireOperated(session.stationIdentity, visibility.kind === 'driver' ? ALL : visibility);
    return this.runner.run(caller, station, { kind: 'STOP_CHARGING', transactionId: session.transactionId });
  }

  async reset(caller: Caller, identity: string, type: ResetKind): Promise<CommandOutcome<ResultOf<'RESET'>>> {
    const kind = parseInput(z.enum(RESET_KINDS), type, (m) => invalidCommand(m, 'type'));
    const outcome = await this.runner.run(caller, await this.operated(caller, identity), { kind: 'RESET', type: kind });
    if (outcome.command.status === 'ACCEPTED') await this.reboots?.expectReboot(identity, 'RESET');
    return outcome;
  }

  async unlockConnector(caller: Caller, identity: string, connector: number): Promise<CommandOutcome<ResultOf<'UNLOCK_CONNECTOR'>>> {
    const id = parseInput(connectorId, connector, (m) => invalidCommand(`connectorId: ${m}`, 'connectorId'));
    return this.runner.run(caller, await this.operated(caller, identity), { kind: 'UNLOCK_CONNECTOR', connectorId: id });
  }

  /** Connector 0 is the whole station. A busy connector may answer SCHEDULED: it changes after the session. */
  async changeAvailability(
    caller: Caller,
    identity: string,
    connector: number,
    available: boolean,
  ): Promise<CommandOutcome<ResultOf<'CHANGE_AVAILABILITY'>>> {
    const id = parseInput(stationWideOrConnector, connector, (m) => invalidCommand(`connectorId: ${m}`, 'connectorId'));
    return this.runner.run(caller, await this.operated(caller, identity), {
      kind: 'CHANGE_AVAILABILITY',
      connectorId: id,
      availability: available ? 'OPERATIVE' : 'INOPERATIVE',
    });
  }

  async clearCache(caller: Caller, identity: string): Promise<CommandOutcome<ResultOf<'CLEAR_CACHE'>>> {
    return this.runner.run(caller, await this.operated(caller, identity), { kind: 'CLEAR_CACHE' });
  }

  async triggerMessage(
    caller: Caller,
    identity: string,
    message: TriggerMessageKind,
    connector: number | null,
  ): Promise<CommandOutcome<ResultOf<'TRIGGER_MESSAGE'>>> {
    const kind = parseInput(z.enum(TRIGGER_MESSAGE_KINDS), message, (m) => invalidCommand(m, 'message'));
    const id =
      connector === null ? null : parseInput(stationWideOrConnector, connector, (m) => invalidCommand(`connectorId: ${m}`, 'connectorId'));
    return this.runner.run(caller, await this.operated(caller, identity), { kind: 'TRIGGER_MESSAGE', message: kind, connectorId: id });
  }

  async dataTransfer(
    caller: Caller,
    identity: string,
    input: { vendorId: string; messageId?: string | null; data?: string | null },
  ): Promise<CommandOutcome<ResultOf<'DATA_TRANSFER'>>> {
    const data = parseInput(dataTransferInput, input, invalidCommand);
    return this.runner.run(caller, await this.operated(caller, identity), {
      kind: 'DATA_TRANSFER',
      vendorId: data.vendorId,
      messageId: data.messageId ?? null,
      data: data.data ?? null,
    });
  }

  /** Every call sent to the station (diagnostics and firmware included), newest first; empty unless the caller operates it. */
  history(caller: Caller, station: StationRef, page: PageRequest): Promise<Page<StationCommandView>> {
    return this.runner.history(caller, station, page);
  }

  private operated(caller: Caller, identity: string) {
    return this.stations.requireOperated(identity, caller.visibility);
  }

  /** The tag to start with: it must be accepted now, at this station (access lists included). */
  private async chargingTag(stationId: string, userId: string | null, idTag: string | null): Promise<string> {
    if (idTag === null) {
      const own = userId ? await this.idTokens.preferredTokenOf(userId) : null;
      if (!own) throw invalidCommand('idTag is required (the caller has no active token of their own)', 'idTag');
      idTag = own.value;
    }
    const authorization = await this.idTokens.authorize(idTag, { stationId });
    if (authorization.status !== 'ACCEPTED') {
      throw new OperationsError('ID_TAG_NOT_ACCEPTED', `idTag ${idTag} cannot charge now: ${authorization.status}`, {
        field: 'idTag',
        authorizationStatus: authorization.status,
      });
    }
    const token = await this.idTokens.findByValue(idTag);
    return token?.value ?? idTag;
  }
}

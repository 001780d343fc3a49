import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Caller } from '../caller.js';
import { parseInput } from '../input.js';
import type { StationRef, StationRepository } from '../stations/station.repository.js';
import { operatesStation } from '../stations/station-scope.js';
import type { IdTokenView } from '../users/id-token.service.js';
import type { CommandRunner } from './command-runner.js';
import { LOCAL_LIST_MODES, type LocalListMode, type ResultOf } from './command.types.js';
import { listContentOf, localListUpdate } from './local-list-diff.js';
import { StationLocalListSchema, type StationLocalList } from './local-list.entity.js';
import { invalidCommand, OperationsError } from './operations.errors.js';
import type { CommandOutcome, LocalListView } from './operations.types.js';

/** Which tokens may charge at a station now: its access list's business (src/domain/access). */
export interface AllowedTokens {
  allowedTokens(stationId: string): Promise<Pick<IdTokenView, 'value' | 'expiresAt' | 'parentIdTag'>[]>;
}

/**
 * A station's local authorization list, built from the tokens allowed to charge there (a
 * restricted station: only those its access list names). We track the version and content the
 * station holds, so that a differential update sends only what changed.
 */
export class LocalListService {
  constructor(
    private readonly orm: MikroORM,
    private readonly runner: CommandRunner,
    private readonly stations: StationRepository,
    private readonly allowed: AllowedTokens,
  ) {}

  /**
   * Asks a station the caller operates for its list version and keeps it; a version we did not
   * send means its content is unknown.
   */
  async fetchVersion(caller: Caller, identity: string): Promise<CommandOutcome<ResultOf<'GET_LOCAL_LIST_VERSION'>> & { list: LocalListView }> {
    const station = await this.stations.requireOperated(identity, caller.visibility);
    const outcome = await this.runner.run(caller, station, { kind: 'GET_LOCAL_LIST_VERSION' });
    const { version } = outcome.result;
    const em = this.orm.em.fork();
    const state = await this.state(em, station.id);
    if (state.version !== version) {
      // Version 0 is an empty list, which we do know; any other surprise is a list we did not send.
      Object.assign(state, { version, inSync: version === 0, entries: {} });
    }
    state.updatedAt = new Date();
    await em.flush();
    return { ...outcome, list: toListView(state) };
  }

  /** Sends a station the caller operates the tokens allowed to charge there. */
  async send(
    caller: Caller,
    identity: string,
    mode: LocalListMode,
  ): Promise<CommandOutcome<ResultOf<'SEND_LOCAL_LIST'>> & { list: LocalListView; sent: number }> {
    const updateMode = parseInput(z.enum(LOCAL_LIST_MODES), mode, (m) => invalidCommand(m, 'mode'));
    const station = await this.stations.requireOperated(identity, caller.visibility);
    const em = this.orm.em.fork();
    const state = await this.state(em, station.id);
    if (updateMode === 'DIFFERENTIAL' && (!state.inSync || state.version === null)) {
      throw new OperationsError(
        'LOCAL_LIST_NOT_SYNCED',
        `the content of station ${identity}'s local list is not known; send a FULL list first`,
        { field: 'mode' },
      );
    }
    const desired = listContentOf(await this.allowed.allowedTokens(station.id));
    const entries = localListUpdate(state.entries, desired, updateMode);
    const version = Math.max(state.version ?? 0, 0) + 1;
    const outcome = await this.runner.run(caller, station, { kind: 'SEND_LOCAL_LIST', version, mode: updateMode, entries });

    switch (outcome.result.answer) {
      case 'ACCEPTED':
        Object.assign(state, { version, inSync: true, entries: desired });
        break;
      case 'NOT_SUPPORTED':
        Object.assign(state, { version: null, inSync: false, entries: {} });
        break;
      default:
        // VersionMismatch or Failed: what the station holds now is unknown until a full update.
        state.inSync = false;
    }
    state.updatedAt = new Date();
    await em.flush();
    return { ...outcome, list: toListView(state), sent: entries.length };
  }

  /** What we know of the station's list; null when nothing is known or the caller does not operate it. */
  async view(caller: Caller, station: StationRef): Promise<LocalListView | null> {
    if (!operatesStation(caller.visibility, station.organisationId)) return null;
    const state = await this.orm.em.fork().findOne(StationLocalListSchema, { station: station.id });
    return state ? toListView(state) : null;
  }

  private async state(em: EntityManager, stationId: string): Promise<StationLocalList> {
    return (
      (await em.findOne(StationLocalListSchema, { station: stationId })) ??
      em.create(StationLocalListSchema, { station: stationId, version: null, inSync: false, entries: {}, updatedAt: new Date() })
    );
  }
}

function toListView(s: StationLocalList): LocalListView {
  return {
    version: s.version ?? null,
    inSync: s.inSync,
    size: s.inSync ? Object.keys(s.entries).length : null,
    updatedAt: s.updatedAt.toISOString(),
  };
}

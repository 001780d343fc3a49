import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Caller } from '../caller.js';
import { parseInput } from '../input.js';
import type { StationRef, StationRepository } from '../stations/station.repository.js';
import { operatesStation } from '../stations/station-scope.js';
import type { CommandRunner } from './command-runner.js';
import type { ConfigurationKeyReport, ResultOf } from './command.types.js';
import { ConfigurationKeySchema, type ConfigurationKey } from './configuration-key.entity.js';
import { invalidCommand, OperationsError } from './operations.errors.js';
import type { CommandOutcome, ConfigurationKeyView } from './operations.types.js';

const configKey = z.string().trim().min(1).max(50);
const fetchInput = z.array(configKey).max(100).nullish();
const changeInput = z.object({ key: configKey, value: z.string().max(500) });

/** A station's configuration keys: read from the station, stored, shown, changed. */
export class StationConfigurationService {
  constructor(
    private readonly orm: MikroORM,
    private readonly runner: CommandRunner,
    private readonly stations: StationRepository,
  ) {}

  /**
   * Reads keys from the station and stores what it reports. Without keys the station reports
   * all of them, and stored keys it no longer reports are dropped.
   */
  async fetch(
    caller: Caller,
    identity: string,
    keys: string[] | null,
  ): Promise<CommandOutcome<ResultOf<'GET_CONFIGURATION'>> & { keys: ConfigurationKeyView[] }> {
    const wanted = parseInput(fetchInput, keys, (m) => invalidCommand(m, 'keys')) ?? [];
    const station = await this.stations.requireOperated(identity, caller.visibility);
    const outcome = await this.runner.run(caller, station, { kind: 'GET_CONFIGURATION', keys: wanted });
    const em = this.orm.em.fork();
    await this.store(em, station.id, outcome.result.keys, wanted.length === 0);
    const reported = new Set(outcome.result.keys.map((k) => k.key));
    const views = (await this.views(em, station.id)).filter((k) => reported.has(k.key));
    return { ...outcome, keys: views };
  }

  /**
   * Changes one key. A key the station reported read-only is refused here; ACCEPTED and
   * REBOOT_REQUIRED answers store the new value (the latter marked as waiting for a reboot).
   */
  async change(
    caller: Caller,
    identity: string,
    input: { key: string; value: string },
  ): Promise<CommandOutcome<ResultOf<'CHANGE_CONFIGURATION'>> & { key: ConfigurationKeyView | null }> {
    const { key, value } = parseInput(changeInput, input, invalidCommand);
    const station = await this.stations.requireOperated(identity, caller.visibility);
    const known = await this.orm.em.fork().findOne(ConfigurationKeySchema, { station: station.id, key });
    if (known?.readonly) {
      throw new OperationsError('CONFIGURATION_KEY_READ_ONLY', `${key} is read-only on station ${identity}`, { field: 'key' });
    }
    const outcome = await this.runner.run(caller, station, { kind: 'CHANGE_CONFIGURATION', key, value });
    const { answer } = outcome.result;
    if (answer !== 'ACCEPTED' && answer !== 'REBOOT_REQUIRED') return { ...outcome, key: null };

    const em = this.orm.em.fork();
    const now = new Date();
    let row = await em.findOne(ConfigurationKeySchema, { station: station.id, key });
    if (!row) row = em.create(ConfigurationKeySchema, { station: station.id, key, readonly: false, updatedAt: now });
    Object.assign(row, { value, updatedAt: now, rebootRequiredSince: answer === 'REBOOT_REQUIRED' ? now : null });
    await em.flush();
    const lastBootAt = await this.stations.lastBootAt(station.id);
    return { ...outcome, key: toKeyView(row, lastBootAt) };
  }

  /** The stored keys, A-Z; none for a caller who does not operate the station. */
  async list(caller: Caller, station: StationRef): Promise<ConfigurationKeyView[]> {
    if (!operatesStation(caller.visibility, station.organisationId)) return [];
    return this.views(this.orm.em.fork(), station.id);
  }

  private async store(em: EntityManager, stationId: string, reported: ConfigurationKeyReport[], complete: boolean) {
    const now = new Date();
    const existing = new Map(
      (await em.find(ConfigurationKeySchema, { station: stationId })).map((k) => [k.key, k] as const),
    );
    for (const report of reported) {
      const row =
        existing.get(report.key) ??
        em.create(ConfigurationKeySchema, { station: stationId, key: report.key, readonly: report.readonly, updatedAt: now });
      Object.assign(row, { value: report.value, readonly: report.readonly, updatedAt: now });
      existing.delete(report.key);
    }
    if (complete) for (const gone of existing.values()) em.remove(gone);
    await em.flush();
  }

  private async views(em: EntityManager, stationId: string): Promise<ConfigurationKeyView[]> {
    const rows = await em.find(ConfigurationKeySchema, { station: stationId }, { orderBy: { key: 'asc' } });
    const lastBootAt = await this.stations.lastBootAt(stationId);
    return rows.map((r) => toKeyView(r, lastBootAt));
  }
}

function toKeyView(k: ConfigurationKey, lastBootAt: Date | null): ConfigurationKeyView {
  const since = k.rebootRequiredSince ?? null;
  return {
    key: k.key,
    value: k.value ?? null,
    readonly: k.readonly,
    // Until the station boots after accepting the value, the old one is still in effect.
    rebootRequired: since !== null && !(lastBootAt && lastBootAt > since),
    updatedAt: k.updatedAt.toISOString(),
  };
}

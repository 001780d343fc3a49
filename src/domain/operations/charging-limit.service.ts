import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { requiredRefId } from '../../db/ref.js';
import type { Caller } from '../caller.js';
import { parseInput } from '../input.js';
import type { StationRef, StationRepository } from '../stations/station.repository.js';
import { operatesStation } from '../stations/station-scope.js';
import { isoOrNull } from '../timestamps.js';
import type { CommandRunner } from './command-runner.js';
import { CHARGING_RATE_UNITS, type ChargingLimitScope, type ChargingRateUnit, type ResultOf } from './command.types.js';
import { ChargingLimitSchema, type ChargingLimit } from './charging-limit.entity.js';
import { invalidCommand } from './operations.errors.js';
import type { ChargingLimitView, CommandOutcome } from './operations.types.js';

// Our limits sit on one stack level per scope, so a new limit replaces the previous one on the
// station (OCPP replaces a profile of the same purpose and stack level) and leaves profiles
// others installed at other levels alone.
export const CHARGING_LIMIT_STACK_LEVEL = 1;

const limitInput = z.object({
  connectorId: z.number().int().min(0).max(1000),
  // Chargers take limits to one decimal place; 10 MW / 10 kA is beyond any charger.
  limit: z
    .number()
    .positive()
    .max(10_000_000)
    .refine((n) => Math.abs(n * 10 - Math.round(n * 10)) < 1e-9, 'at most one decimal place'),
  unit: z.enum(CHARGING_RATE_UNITS),
});

const scheduleInput = z.object({
  connectorId: z.number().int().min(0).max(1000),
  durationSeconds: z.number().int().min(1).max(7 * 24 * 3600),
  unit: z.enum(CHARGING_RATE_UNITS).nullish(),
});

const scopeOf = (connectorId: number): ChargingLimitScope => (connectorId === 0 ? 'STATION' : 'CONNECTOR');

/** Caps a station's (connector 0) or a connector's charging power (W) or current (A). */
export class ChargingLimitService {
  constructor(
    private readonly orm: MikroORM,
    private readonly runner: CommandRunner,
    private readonly stations: StationRepository,
  ) {}

  async set(
    caller: Caller,
    identity: string,
    input: { connectorId: number; limit: number; unit: ChargingRateUnit },
  ): Promise<CommandOutcome<ResultOf<'SET_CHARGING_LIMIT'>> & { limit: ChargingLimitView | null }> {
    const data = parseInput(limitInput, input, invalidCommand);
    const station = await this.stations.requireOperated(identity, caller.visibility);
    const em = this.orm.em.fork();
    const [{ id: profileId }] = await em
      .getConnection()
      .execute<{ id: number }[]>(`select nextval('charging_profile_id_seq')::int as id`);
    const scope = scopeOf(data.connectorId);
    const outcome = await this.runner.run(caller, station, {
      kind: 'SET_CHARGING_LIMIT',
      profileId,
      scope,
      connectorId: data.connectorId,
      stackLevel: CHARGING_LIMIT_STACK_LEVEL,
      limit: data.limit,
      unit: data.unit,
      startsAt: new Date(),
    });
    if (outcome.result.answer !== 'ACCEPTED') return { ...outcome, limit: null };

    const now = new Date();
    for (const previous of await this.active(em, station.id, data.connectorId)) {
      Object.assign(previous, { status: 'REPLACED', endedAt: now });
    }
    const limit = em.create(ChargingLimitSchema, {
      id: profileId,
      station: station.id,
      scope,
      connectorId: data.connectorId,
      limit: data.limit.toFixed(1),
      unit: data.unit,
      status: 'ACTIVE',
      setBy: caller.actor.label.slice(0, 200),
      endedAt: null,
    });
    await em.flush();
    return { ...outcome, limit: toLimitView(limit) };
  }

  /** Removes our limit on the station (connector 0) or a connector. */
  async clear(
    caller: Caller,
    identity: string,
    connector: number,
  ): Promise<CommandOutcome<ResultOf<'CLEAR_CHARGING_LIMIT'>> & { limit: ChargingLimitView | null }> {
    const connectorId = parseInput(limitInput.shape.connectorId, connector, (m) => invalidCommand(`connectorId: ${m}`, 'connectorId'));
    const station = await this.stations.requireOperated(identity, caller.visibility);
    const em = this.orm.em.fork();
    const [current] = await this.active(em, station.id, connectorId);
    const outcome = await this.runner.run(caller, station, {
      kind: 'CLEAR_CHARGING_LIMIT',
      profileId: current?.id ?? null,
      scope: scopeOf(connectorId),
      connectorId,
      stackLevel: CHARGING_LIMIT_STACK_LEVEL,
    });
    // Accepted: cleared. Unknown: the station holds no such profile, so it is not in effect either.
    if (!current) return { ...outcome, limit: null };
    Object.assign(current, { status: 'CLEARED', endedAt: new Date() });
    await em.flush();
    return { ...outcome, limit: toLimitView(current) };
  }

  async compositeSchedule(
    caller: Caller,
    identity: string,
    input: { connectorId: number; durationSeconds: number; unit?: ChargingRateUnit | null },
  ): Promise<CommandOutcome<ResultOf<'GET_COMPOSITE_SCHEDULE'>>> {
    const data = parseInput(scheduleInput, input, invalidCommand);
    return this.runner.run(caller, await this.stations.requireOperated(identity, caller.visibility), {
      kind: 'GET_COMPOSITE_SCHEDULE',
      connectorId: data.connectorId,
      durationSeconds: data.durationSeconds,
      unit: data.unit ?? null,
    });
  }

  /** Newest first; only those in effect when `activeOnly`; none for a caller who does not operate the station. */
  async list(caller: Caller, station: StationRef, options: { activeOnly: boolean; limit: number }): Promise<ChargingLimitView[]> {
    if (!operatesStation(caller.visibility, station.organisationId)) return [];
    const rows = await this.orm.em
      .fork()
      .find(
        ChargingLimitSchema,
        { station: station.id, ...(options.activeOnly ? { status: 'ACTIVE' } : {}) },
        { orderBy: { id: 'desc' }, limit: options.limit },
      );
    return rows.map(toLimitView);
  }

  private active(em: EntityManager, stationId: string, connectorId: number): Promise<ChargingLimit[]> {
    return em.find(ChargingLimitSchema, { station: stationId, connectorId, status: 'ACTIVE' }, { orderBy: { id: 'desc' } });
  }
}

function toLimitView(l: ChargingLimit): ChargingLimitView {
  return {
    profileId: l.id,
    stationId: requiredRefId(l.station),
    scope: l.scope,
    connectorId: l.connectorId,
    limit: Number(l.limit),
    unit: l.unit,
    status: l.status,
    setBy: l.setBy,
    createdAt: l.createdAt.toISOString(),
    endedAt: isoOrNull(l.endedAt),
  };
}

import { LockMode, UniqueConstraintViolationException, type EntityManager, type MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { refId } from '../../db/ref.js';
import { ALL } from '../accounts/viewer.js';
import type { Caller } from '../caller.js';
import { isUuid } from '../ids.js';
import { OrganisationSchema } from '../organisations/organisation.entity.js';
import { decodeCursor, encodeCursor, toPage, type Page, type PageRequest } from '../pagination.js';
import type { StationRepository } from '../stations/station.repository.js';
import { stationNotFound } from '../stations/station.errors.js';
import { parseOcpiTariff, toOcpiTariff, type OcpiParty } from './ocpi-tariff.js';
import { TariffAssignmentSchema, type TariffAssignment } from './tariff-assignment.entity.js';
import { readOrganisationId, readTariffInput, type CreateTariffInput, type TariffInput } from './tariff-input.js';
import type { TariffLookup, TariffVersionRef } from './tariff-lookup.js';
import type { TariffDefinition } from './tariff.model.js';
import { TariffResolver, type PlanTariffs } from './tariff-resolver.js';
import { organisationFor, requireSameOwner, seesTariff, visibleTariffsWhere } from './tariff-scope.js';
import { TariffSchema, type Tariff } from './tariff.entity.js';
import { TariffVersionSchema } from './tariff-version.entity.js';
import { NO_PRICE, toPublicTariffView, toTariffView, type PriceInfoView, type TariffAssignmentView, type TariffView } from './tariff.views.js';
import { invalidTariff, tariffNotFound, TariffsError } from './tariffs.errors.js';

export type { PlanTariffs } from './tariff-resolver.js';
export type { CreateTariffInput, TariffInput } from './tariff-input.js';

export interface TariffServiceOptions {
  /** Our OCPI party, for the Tariff objects we hand out. */
  ocpi: OcpiParty;
  /** The plans area, when there is one: a driver's plan may have its own tariff. */
  planTariffs?: PlanTariffs;
  /** How long which-tariff-applies-where is kept in memory; default 30 s. */
  cacheTtlMs?: number;
}

export interface TariffFilter {
  organisationId?: string | null;
  currency?: string | null;
}

/** Where an assignment sits: an organisation's default, a station, or one of its connectors. */
export interface AssignmentSlot {
  stationIdentity?: string | null;
  connectorId?: number | null;
  organisationId?: string | null;
}

const cursorShape = z.tuple([z.string(), z.string()]);

/**
 * Tariffs: made, edited (each edit a new version; versions never change), assigned and looked up.
 * Operators manage their organisation's tariffs at their organisation's stations, admins all;
 * prices are public through priceAt. Implements the TariffLookup the session area prices with.
 */
export class TariffService implements TariffLookup {
  private readonly resolver: TariffResolver;
  private readonly party: OcpiParty;

  constructor(
    private readonly orm: MikroORM,
    private readonly stations: StationRepository,
    options: TariffServiceOptions,
  ) {
    this.party = options.ocpi;
    this.resolver = new TariffResolver(orm, stations, { planTariffs: options.planTariffs, ttlMs: options.cacheTtlMs ?? 30_000 });
  }

  // --- the lookup (sessions, CDRs) -----------------------------------------------------------

  forSession(stationId: string, connectorId: number, userId: string | null, at: Date): Promise<TariffVersionRef | null> {
    return this.resolver.forSession(stationId, connectorId, userId, at);
  }

  version(versionId: string): Promise<TariffVersionRef | null> {
    return this.resolver.version(versionId);
  }

  ocpi(ref: TariffVersionRef): Record<string, unknown> {
    return toOcpiTariff(ref, this.party);
  }

  // --- staff: create, import, edit -------------------------------------------------------------

  async create(caller: Caller, input: CreateTariffInput): Promise<TariffView> {
    const organisationId = organisationFor(caller, readOrganisationId(input.organisationId));
    const { name, definition } = readTariffInput(input);
    if (!name) throw invalidTariff('a tariff needs a name', 'name');
    return this.save(organisationId, name, definition);
  }

  /** An OCPI 2.2.1 Tariff object as a partner sent it; its id and party are not kept (ours replace them). */
  async importOcpi(caller: Caller, json: unknown, organisationId: string | null = null): Promise<TariffView> {
    const owner = organisationFor(caller, readOrganisationId(organisationId));
    let parsed: ReturnType<typeof parseOcpiTariff>;
    try {
      parsed = parseOcpiTariff(json);
    } catch (err) {
      // The document itself is wrong: name the argument.
      if (err instanceof TariffsError && err.details?.field === '') throw invalidTariff(err.message, 'ocpi');
      throw err;
    }
    const { definition, origin } = parsed;
    const text = definition.tariff_alt_text?.find((t) => t.language.toLowerCase() === 'en') ?? definition.tariff_alt_text?.[0];
    const name = origin.id ? `OCPI tariff ${[origin.countryCode, origin.partyId, origin.id].filter(Boolean).join('*')}` : text?.text;
    return this.save(owner, (name ?? 'Imported OCPI tariff').slice(0, 200), definition);
  }

  /** Replaces the definition (and the name, when given) with a new version; older versions stay as they were. */
  async update(caller: Caller, id: string, input: TariffInput): Promise<TariffView> {
    organisationFor(caller, null);
    const { name, definition } = readTariffInput(input);
    const em = this.orm.em.fork();
    const { tariff, version } = await em.transactional(async (tx) => {
      const row = await this.findVisible(tx, caller, id, { lock: true });
      if (!row) throw tariffNotFound(id);
      row.currentVersion += 1;
      row.currency = definition.currency;
      if (name) row.name = name;
      const version = tx.create(TariffVersionSchema, { tariff: row, version: row.currentVersion, definition });
      await tx.flush();
      return { tariff: row, version };
    });
    this.resolver.forget();
    return this.view(tariff, this.resolver.remember(version));
  }

  // --- staff: read ---------------------------------------------------------------------------

  async get(caller: Caller, id: string): Promise<TariffView | null> {
    const em = this.orm.em.fork();
    const tariff = await this.findVisible(em, caller, id);
    return tariff ? (await this.views(em, [tariff]))[0]! : null;
  }

  /** By name, A-Z. Drivers and anonymous callers get none. */
  async list(caller: Caller, filter: TariffFilter, page: PageRequest): Promise<Page<TariffView>> {
    const where: Record<string, unknown>[] = [visibleTariffsWhere(caller.visibility)];
    if (filter.organisationId) {
      if (!isUuid(filter.organisationId)) throw invalidTariff('not an id', 'filter.organisationId');
      where.push({ organisation: filter.organisationId });
    }
    if (filter.currency) where.push({ currency: filter.currency.toUpperCase() });
    if (page.after) {
      const after = decodeCursor(page.after, cursorShape);
      if (!after) throw invalidTariff('not a cursor of this list', 'after');
      where.push({ $or: [{ name: { $gt: after[0] } }, { name: after[0], id: { $gt: after[1] } }] });
    }
    const em = this.orm.em.fork();
    const rows = await em.find(TariffSchema, { $and: where }, { orderBy: { name: 'asc', id: 'asc' }, limit: page.first + 1 });
    const views = await this.views(em, rows);
    return toPage(views, page.first, (v) => v, (v) => encodeCursor([v.name, v.id]));
  }

  /** Where the tariff is assigned, as far as the caller operates those places. */
  async assignmentsOf(caller: Caller, tariffId: string): Promise<TariffAssignmentView[]> {
    const em = this.orm.em.fork();
    const tariff = await this.findVisible(em, caller, tariffId);
    if (!tariff) return [];
    const rows = await em.find(TariffAssignmentSchema, { tariff: tariff.id }, { orderBy: { createdAt: 'asc' } });
    const visible = rows.filter((r) => seesTariff(caller.visibility, refId(r.organisation)));
    return this.assignmentViews(em, visible);
  }

  // --- staff: assign -------------------------------------------------------------------------

  /** Puts the tariff at the slot, replacing whatever tariff was there. */
  async assign(caller: Caller, input: AssignmentSlot & { tariffId: string }): Promise<TariffAssignmentView> {
    const em = this.orm.em.fork();
    const tariff = await this.findVisible(em, caller, input.tariffId);
    if (!tariff) throw tariffNotFound(input.tariffId);
    const slot = await this.slotFor(em, caller, input, refId(tariff.organisation));
    requireSameOwner(refId(tariff.organisation), slot.organisation);
    const where = slotWhere(slot);
    let row: TariffAssignment | undefined;
    // A concurrent assign of the same slot may win the insert; then ours replaces it.
    for (let attempt = 0; !row; attempt += 1) {
      try {
        row = await em.transactional(async (tx) => {
          const existing = await tx.findOne(TariffAssignmentSchema, where);
          if (existing) {
            existing.tariff = tx.getReference(TariffSchema, tariff.id);
            return existing;
          }
          return tx.create(TariffAssignmentSchema, { tariff: tariff.id, organisation: slot.organisation, station: slot.station, connectorId: slot.connectorId });
        });
      } catch (err) {
        if (!(err instanceof UniqueConstraintViolationException) || attempt > 0) throw err;
        em.clear();
      }
    }
    this.resolver.forget();
    return { id: row.id, tariffId: tariff.id, stationIdentity: slot.stationIdentity, connectorId: slot.connectorId, organisationId: slot.organisation };
  }

  /** Clears the slot; false when nothing was assigned there. */
  async unassign(caller: Caller, input: AssignmentSlot): Promise<boolean> {
    const em = this.orm.em.fork();
    const slot = await this.slotFor(em, caller, input, null);
    const removed = await em.nativeDelete(TariffAssignmentSchema, slotWhere(slot));
    this.resolver.forget();
    return removed > 0;
  }

  // --- anyone: the price before charging -----------------------------------------------------

  /** The tariff a session started now would get, for this caller (a driver's plan tariff included). */
  async priceAt(caller: Caller, stationIdentity: string, connectorId: number): Promise<PriceInfoView> {
    if (!Number.isSafeInteger(connectorId) || connectorId < 1) throw invalidTariff('a connector id of at least 1', 'connectorId');
    // Prices are public: any station, whoever asks.
    const station = await this.stations.refOf(stationIdentity);
    if (!station) throw stationNotFound(stationIdentity);
    const userId = caller.visibility.kind === 'driver' ? caller.visibility.userId : null;
    const ref = await this.forSession(station.id, connectorId, userId, new Date());
    if (!ref) return NO_PRICE;
    const tariff = toPublicTariffView(ref, this.party);
    return { currency: tariff.currency, summary: tariff.summary, tariff };
  }

  // --- inside ----------------------------------------------------------------------------------

  private async save(organisationId: string | null, name: string, definition: TariffDefinition): Promise<TariffView> {
    const em = this.orm.em.fork();
    if (organisationId && !(await em.findOne(OrganisationSchema, { id: organisationId }, { fields: ['id'] }))) {
      throw invalidTariff(`no organisation with id ${organisationId}`, 'organisationId');
    }
    const { tariff, version } = await em.transactional(async (tx) => {
      const tariff = tx.create(TariffSchema, { organisation: organisationId, name, currency: definition.currency, currentVersion: 1 });
      const version = tx.create(TariffVersionSchema, { tariff, version: 1, definition });
      await tx.flush();
      return { tariff, version };
    });
    return this.view(tariff, this.resolver.remember(version));
  }

  private async findVisible(em: EntityManager, caller: Caller, id: string, options: { lock?: boolean } = {}): Promise<Tariff | null> {
    if (!isUuid(id)) return null;
    const row = await em.findOne(TariffSchema, { id }, options.lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
    return row && seesTariff(caller.visibility, refId(row.organisation)) ? row : null;
  }

  private view(tariff: Tariff, ref: TariffVersionRef): TariffView {
    return toTariffView({ ...tariff, organisationId: refId(tariff.organisation) }, ref, this.party);
  }

  /** Each tariff at its current version, read in one query. */
  private async views(em: EntityManager, tariffs: Tariff[]): Promise<TariffView[]> {
    if (tariffs.length === 0) return [];
    const versions = await em.find(TariffVersionSchema, { $or: tariffs.map((t) => ({ tariff: t.id, version: t.currentVersion })) }, { populate: ['tariff'] });
    const byTariff = new Map(versions.map((v) => [v.tariff.id, v]));
    return tariffs.map((t) => this.view(t, this.resolver.remember(byTariff.get(t.id)!)));
  }

  /**
   * The slot named, checked for the caller: a station they operate (and a connector of it), or
   * an organisation's default (operators: their own; admins: the one named, else the tariff's).
   */
  private async slotFor(em: EntityManager, caller: Caller, input: AssignmentSlot, tariffOrganisationId: string | null): Promise<Slot> {
    const connectorId = input.connectorId ?? null;
    if (connectorId !== null && (!Number.isSafeInteger(connectorId) || connectorId < 1)) {
      throw invalidTariff('a connector id of at least 1', 'connectorId');
    }
    const requested = readOrganisationId(input.organisationId);
    if (input.stationIdentity) {
      organisationFor(caller, null);
      const station = await this.stations.requireOperated(input.stationIdentity, caller.visibility);
      if (requested !== null && requested !== station.organisationId) {
        throw invalidTariff("is not the station's organisation", 'organisationId');
      }
      return { station: station.id, stationIdentity: station.identity, connectorId, organisation: station.organisationId };
    }
    if (connectorId !== null) throw invalidTariff('a connector is named with its stationIdentity', 'connectorId');
    const organisation = organisationFor(caller, requested) ?? tariffOrganisationId;
    if (!organisation) throw invalidTariff('name the organisation whose default this is (or a station)', 'organisationId');
    if (caller.visibility.kind === 'all') {
      if (!(await em.findOne(OrganisationSchema, { id: organisation }, { fields: ['id'] }))) {
        throw invalidTariff(`no organisation with id ${organisation}`, 'organisationId');
      }
    }
    return { station: null, stationIdentity: null, connectorId: null, organisation };
  }

  private async assignmentViews(em: EntityManager, rows: TariffAssignment[]): Promise<TariffAssignmentView[]> {
    const stationIds = [...new Set(rows.map((r) => refId(r.station)).filter((id): id is string => id !== null))];
    const stations = await this.stations.findVisibleByIds(em, stationIds, ALL);
    const identityOf = new Map(stations.map((s) => [s.id, s.identity]));
    return rows.map((r) => ({
      id: r.id,
      tariffId: refId(r.tariff)!,
      stationIdentity: refId(r.station) ? (identityOf.get(refId(r.station)!) ?? null) : null,
      connectorId: r.connectorId ?? null,
      organisationId: refId(r.organisation),
    }));
  }
}

interface Slot {
  station: string | null;
  stationIdentity: string | null;
  connectorId: number | null;
  organisation: string | null;
}

function slotWhere(slot: Slot): Record<string, unknown> {
  if (slot.station === null) return { station: null, organisation: slot.organisation };
  return { station: slot.station, connectorId: slot.connectorId };
}

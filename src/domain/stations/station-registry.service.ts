import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { BatchQueue, type Outcome } from '../../db/batch-queue.js';
import { refId } from '../../db/ref.js';
import type { Logger } from '../../logger.js';
import { AccountsError } from '../accounts/accounts.errors.js';
import type { Visibility } from '../accounts/viewer.js';
import type { AuditService } from '../audit/audit.service.js';
import { auditedBy, SYSTEM_CALLER, type Caller } from '../caller.js';
import { isUuid } from '../ids.js';
import { parseInput } from '../input.js';
import { OrganisationSchema } from '../organisations/organisation.entity.js';
import { decodeCursor, encodeCursor, toPage, type Page, type PageRequest } from '../pagination.js';
import type { Station } from './station.entity.js';
import { StationSchema } from './station.entity.js';
import { StationError } from './station.errors.js';
import { generateStationPassword, hashStationPassword, STATION_PASSWORD } from './station-password.js';
import type { StationHotRows } from './station-hot-rows.js';
import type { StationRepository } from './station.repository.js';
import type { SecurityProfile, StationCredentials, StationView } from './station.types.js';
import { toStationView } from './station.views.js';

// Characters a charger can put in the last segment of its URL without escaping surprises.
export const STATION_IDENTITY = /^[A-Za-z0-9._~:@+\-]{1,48}$/;

const stationInput = z.object({
  name: z.string().trim().min(1).max(200),
  address: z.string().trim().max(500).nullish(),
  latitude: z.number().min(-90).max(90).nullish(),
  longitude: z.number().min(-180).max(180).nullish(),
  timeZone: z
    .string()
    .max(64)
    .refine((tz) => isTimeZone(tz), 'unknown IANA time zone')
    .nullish(),
});

const registerInput = stationInput.extend({
  password: STATION_PASSWORD.nullish(),
  // Admins only: the operator that will own it. An operator's station is their organisation's.
  organisationId: z.string().nullish(),
});
export type StationInput = z.input<typeof registerInput>;

const stationPatch = stationInput
  .extend({
    name: stationInput.shape.name.nullish(),
    // 3 (TLS client certificates) is not supported yet.
    securityProfile: z.number().int().min(0).max(2).nullish(),
  })
  .partial();
export type StationPatch = z.input<typeof stationPatch>;

export interface StationFilter {
  online?: boolean | null;
  search?: string | null;
}

/**
 * The register of stations: registering, editing and finding them, and their credentials.
 * Whether a station connects (presence) and what it reports (telemetry) are the other two jobs.
 */
export class StationRegistry {
  // Handshakes of a reconnecting fleet: their credentials are read, and new stations
  // auto-registered, a batch per query instead of one each.
  private readonly credentials: BatchQueue<string, StationCredentials | null>;
  private readonly registrations: BatchQueue<string, void>;

  constructor(
    private readonly repository: StationRepository,
    private readonly hot: StationHotRows,
    private readonly audit: AuditService,
    private readonly options: { autoRegister: boolean },
    log: Logger,
  ) {
    this.credentials = new BatchQueue(
      async (identities) => {
        const found = await this.hot.credentialsOf(identities);
        return identities.map((identity) => ({ ok: true, value: found.get(identity) ?? null }));
      },
      { name: 'station credentials', maxBatch: 500, concurrency: 2 },
      log,
    );
    this.registrations = new BatchQueue((identities) => this.autoRegister(identities), { name: 'station auto-registration', maxBatch: 200, concurrency: 2 }, log);
  }

  /**
   * Registers a station, owned by the caller's organisation (operators, API keys) or by the
   * organisation an admin names (none: admins only). The system itself auto-registers.
   */
  async register(caller: Caller, identity: string, input: StationInput): Promise<StationView> {
    if (!STATION_IDENTITY.test(identity)) {
      throw new StationError('INVALID_STATION_INPUT', 'identity must be 1-48 characters of letters, digits and . _ ~ : @ + -', {
        field: 'identity',
      });
    }
    const data = parseInput(registerInput, input, invalidStation);
    const em = this.repository.fork();
    const organisationId = await this.ownerFor(em, data.organisationId ?? null, caller.visibility);
    const station = em.create(StationSchema, {
      identity,
      name: data.name,
      organisation: organisationId,
      address: data.address ?? null,
      latitude: data.latitude?.toFixed(6) ?? null,
      longitude: data.longitude?.toFixed(6) ?? null,
      timeZone: data.timeZone ?? 'UTC',
      // A station with a password authenticates: profile 1 at least.
      ...(data.password ? { passwordHash: await hashStationPassword(data.password), securityProfile: 1 } : {}),
    });
    try {
      await em.flush();
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) {
        throw new StationError('STATION_IDENTITY_TAKEN', `a station with identity "${identity}" is already registered`);
      }
      throw err;
    }
    if (data.password) {
      await this.audit.record('STATION_PASSWORD_SET', {
        ...auditedBy(caller),
        subject: identity,
        organisationId,
        details: { generated: false, rotated: false, securityProfile: station.securityProfile },
      });
    }
    return toStationView(station, []);
  }

  private async ownerFor(em: EntityManager, requested: string | null, visibility: Visibility): Promise<string | null> {
    if (visibility.kind === 'organisation') {
      if (requested && requested !== visibility.organisationId) {
        throw new AccountsError('FORBIDDEN', 'you can register stations only for your own organisation', { field: 'organisationId' });
      }
      return visibility.organisationId;
    }
    if (visibility.kind !== 'all') throw new AccountsError('FORBIDDEN', 'you cannot register stations');
    if (!requested) return null;
    if (!isUuid(requested) || !(await em.findOne(OrganisationSchema, { id: requested }, { fields: ['id'] }))) {
      throw new AccountsError('ORGANISATION_NOT_FOUND', `no organisation with id ${requested}`, { field: 'organisationId' });
    }
    return requested;
  }

  /**
   * Sets or rotates the station's Basic auth password; generates one when none is given
   * (returned here and nowhere else: only its argon2id hash is kept). The station must
   * connect with it from now on, at security profile 1 or higher.
   */
  async setPassword(
    caller: Caller,
    identity: string,
    password: string | null | undefined,
  ): Promise<{ station: StationView; generatedPassword: string | null }> {
    const given =
      password === null || password === undefined
        ? null
        : parseInput(STATION_PASSWORD, password, (m) => invalidStation(m.replace(/^input/, 'password'), 'password'));
    const em = this.repository.fork();
    const station = await this.repository.requireEntity(em, identity, caller.visibility);
    const plain = given ?? generateStationPassword();
    const rotated = station.passwordHash != null;
    station.passwordHash = await hashStationPassword(plain);
    station.securityProfile = Math.max(station.securityProfile, 1);
    await em.flush();
    await this.audit.record('STATION_PASSWORD_SET', {
      ...auditedBy(caller),
      subject: identity,
      organisationId: refId(station.organisation),
      details: { generated: given === null, rotated, securityProfile: station.securityProfile },
    });
    return { station: await this.view(em, station), generatedPassword: given === null ? plain : null };
  }

  async update(caller: Caller, identity: string, patch: StationPatch): Promise<StationView> {
    const data = parseInput(stationPatch, patch, invalidStation);
    const em = this.repository.fork();
    const station = await this.repository.requireEntity(em, identity, caller.visibility);
    const profileBefore = station.securityProfile;
    if (data.securityProfile !== undefined && data.securityProfile !== null) {
      // The profile is what the station must connect with: 1 and 2 need a password, and a
      // station with a password always authenticates.
      if (data.securityProfile > 0 && !station.passwordHash) {
        throw invalidStation('securityProfile: give the station a password first (setStationPassword)', 'securityProfile');
      }
      if (data.securityProfile === 0 && station.passwordHash) {
        throw invalidStation('securityProfile: a station with a password connects with profile 1 or 2', 'securityProfile');
      }
      station.securityProfile = data.securityProfile;
    }
    if (data.name !== undefined && data.name !== null) station.name = data.name;
    if (data.address !== undefined) station.address = data.address ?? null;
    if (data.latitude !== undefined) station.latitude = data.latitude?.toFixed(6) ?? null;
    if (data.longitude !== undefined) station.longitude = data.longitude?.toFixed(6) ?? null;
    if (data.timeZone !== undefined) station.timeZone = data.timeZone ?? 'UTC';
    await em.flush();
    if (station.securityProfile !== profileBefore) {
      await this.audit.record('STATION_ACCESS_CHANGED', {
        ...auditedBy(caller),
        subject: identity,
        organisationId: refId(station.organisation),
        details: { securityProfile: { from: profileBefore, to: station.securityProfile } },
      });
    }
    return this.view(em, station);
  }

  /** A station the caller finds (drivers: any; operators: their organisation's); null otherwise. */
  async get(caller: Caller, identity: string): Promise<StationView | null> {
    const em = this.repository.fork();
    const station = await this.repository.findVisible(em, identity, caller.visibility);
    return station ? this.view(em, station) : null;
  }

  /** For batched per-row lookups: one view or null per id, in the order asked. */
  async getByIds(caller: Caller, ids: readonly string[]): Promise<(StationView | null)[]> {
    const em = this.repository.fork();
    const stations = await this.repository.findVisibleByIds(em, ids, caller.visibility);
    const connectors = await this.repository.connectorsByStation(em, stations.map((s) => s.id));
    const byId = new Map(stations.map((s) => [s.id, toStationView(s, connectors.get(s.id) ?? [])]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async list(caller: Caller, page: PageRequest, filter: StationFilter): Promise<Page<StationView>> {
    let afterIdentity: string | null = null;
    if (page.after) {
      const after = decodeCursor(page.after, z.tuple([z.string()]));
      if (!after) throw new StationError('INVALID_STATION_INPUT', 'after is not a valid cursor', { field: 'after' });
      afterIdentity = after[0];
    }
    const em = this.repository.fork();
    const rows = await this.repository.page(em, caller.visibility, { ...filter, afterIdentity }, page.first + 1);
    const connectors = await this.repository.connectorsByStation(em, rows.slice(0, page.first).map((s) => s.id));
    return toPage(
      rows,
      page.first,
      (s) => toStationView(s, connectors.get(s.id) ?? []),
      (s) => encodeCursor([s.identity]),
    );
  }

  /**
   * Whether a charger with this identity may open a socket. Unknown identities are refused
   * unless auto-registration is on, in which case the station is created on the spot.
   */
  async admit(identity: string): Promise<'known' | 'registered' | 'unknown'> {
    if (await this.repository.idOf(identity)) return 'known';
    if (!this.options.autoRegister || !STATION_IDENTITY.test(identity)) return 'unknown';
    await this.registrations.submit(identity);
    return 'registered';
  }

  /** What the charger handshake needs; null for an unknown identity. */
  credentialsOf(identity: string): Promise<StationCredentials | null> {
    return this.credentials.submit(identity);
  }

  // As `register` by the system with the identity as its name, for a batch in one insert. An
  // identity taken meanwhile (another socket or node won the race) counts as registered.
  private async autoRegister(identities: readonly string[]): Promise<Outcome<void>[]> {
    await this.hot.registerUnowned([...new Set(identities)]);
    return identities.map(() => ({ ok: true, value: undefined }));
  }

  /** Records a higher profile the station just connected with; never lowers it. */
  raiseSecurityProfile(identity: string, profile: SecurityProfile): Promise<boolean> {
    return this.repository.raiseSecurityProfile(identity, profile);
  }

  private async view(em: EntityManager, station: Station): Promise<StationView> {
    const connectors = await this.repository.connectorsByStation(em, [station.id]);
    return toStationView(station, connectors.get(station.id) ?? []);
  }
}

const invalidStation = (message: string, field: string) => new StationError('INVALID_STATION_INPUT', message, { field });

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

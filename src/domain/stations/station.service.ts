import { UniqueConstraintViolationException, type MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { EventPublisher } from '../events.js';
import { AccountsError } from '../accounts/accounts.errors.js';
import { ALL, type Visibility } from '../accounts/viewer.js';
import type { AuditRecord, AuditService } from '../audit/audit.service.js';

import { parseInput } from '../input.js';
import { isUuid } from '../ids.js';
import { OrganisationSchema } from '../organisations/organisation.entity.js';
import { decodeCursor, encodeCursor, toPage, type Page, type PageRequest } from '../pagination.js';
import { ConnectorStatusEventSchema } from './connector-status-event.entity.js';
import { ConnectorSchema, type Connector } from './connector.entity.js';
import { StationReportSchema, type StationReport, type StationReportKind } from './station-report.entity.js';
import { StationSchema, type Station } from './station.entity.js';
import { StationError } from './station.errors.js';
import { generateStationPassword, hashStationPassword, STATION_PASSWORD } from './station-password.js';
import { NO_STATION_OBSERVER, type StationObserver } from './station-observer.js';
import { findableStationsWhere, findsStation, operatesStation } from './station-scope.js';
import { statusColumns, type BootInfo, type ConnectorStatusReport, type ConnectorView, type StationReportView, type StationView, type StationStatusEvent } from './station.types.js';

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

/** OCPP security profiles we serve: 0 none, 1 Basic auth, 2 TLS + Basic auth. */
export type SecurityProfile = 0 | 1 | 2;

/** What the handshake needs to decide about a station; never leaves the domain. */
export interface StationCredentials {
  id: string;
  organisationId: string | null;
  passwordHash: string | null;
  securityProfile: SecurityProfile;
}

/** A station as other areas need it on hot paths: its id and owner. */
export interface StationRef {
  id: string;
  organisationId: string | null;
}

// How long a cached owner is trusted; identities and ids never change, owners might.
const REF_TTL_MS = 30_000;

/** Who changed something, for the audit log; the GraphQL edge fills it from the caller. */
export type AuditActor = Pick<AuditRecord, 'actorUserId' | 'actorApiKeyId' | 'actorLabel' | 'remoteAddress'>;

export interface StationFilter {
  online?: boolean | null;
  search?: string | null;
}

export interface StationServiceOptions {
  autoRegister: boolean;
  nodeId: string;
  /** How often buffered lastSeenAt values are written. */
  seenFlushMs?: number;
}

export class StationService {
  // lastSeenAt moves with every frame; it is kept here and written in one statement per interval.
  private readonly seen = new Map<string, Date>();
  private readonly idByIdentity = new Map<string, string>();
  private readonly refByIdentity = new Map<string, StationRef & { at: number }>();
  private readonly connectedAt = new Map<string, Date>();
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly orm: MikroORM,
    private readonly events: EventPublisher,
    private readonly options: StationServiceOptions,
    private readonly audit: AuditService,
    private readonly observer: StationObserver = NO_STATION_OBSERVER,
  ) {
    this.flushTimer = setInterval(() => void this.flushSeen().catch(() => {}), options.seenFlushMs ?? 10_000);
    this.flushTimer.unref();
  }

  /**
   * Registers a station, owned by the caller's organisation (operators, API keys) or by the
   * organisation an admin names (none: admins only). `visibility` ALL is the system itself
   * (auto-registration) or an admin.
   */
  async register(identity: string, input: StationInput, actor: AuditActor = {}, visibility: Visibility = ALL): Promise<StationView> {
    if (!STATION_IDENTITY.test(identity)) {
      throw new StationError(
        'INVALID_STATION_INPUT',
        'identity must be 1-48 characters of letters, digits and . _ ~ : @ + -',
        { field: 'identity' },
      );
    }
    const data = parseInput(registerInput, input, invalidStation);
    const em = this.orm.em.fork();
    const organisationId = await this.ownerFor(em, data.organisationId ?? null, visibility);
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
        ...actor,
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
    identity: string,
    password: string | null | undefined,
    actor: AuditActor,
    visibility: Visibility,
  ): Promise<{ station: StationView; generatedPassword: string | null }> {
    const given =
      password === null || password === undefined
        ? null
        : parseInput(STATION_PASSWORD, password, (m) => invalidStation(m.replace(/^input/, 'password'), 'password'));
    const em = this.orm.em.fork();
    const station = await this.requireStation(em, identity, visibility);
    const plain = given ?? generateStationPassword();
    const rotated = station.passwordHash != null;
    station.passwordHash = await hashStationPassword(plain);
    station.securityProfile = Math.max(station.securityProfile, 1);
    await em.flush();
    await this.audit.record('STATION_PASSWORD_SET', {
      ...actor,
      subject: identity,
      organisationId: refId(station.organisation),
      details: { generated: given === null, rotated, securityProfile: station.securityProfile },
    });
    return { station: await this.view(em, station), generatedPassword: given === null ? plain : null };
  }

  /** What the charger handshake needs; null for an unknown identity. */
  async credentialsOf(identity: string): Promise<StationCredentials | null> {
    const row = await this.orm.em
      .fork()
      .findOne(StationSchema, { identity }, { fields: ['id', 'passwordHash', 'securityProfile', 'organisation'] });
    if (!row) return null;
    return {
      id: row.id,
      organisationId: refId(row.organisation),
      passwordHash: row.passwordHash ?? null,
      securityProfile: toProfile(row.securityProfile),
    };
  }

  /** Records a higher profile the station just connected with; never lowers it. */
  async raiseSecurityProfile(identity: string, profile: SecurityProfile): Promise<boolean> {
    const changed = await this.orm.em
      .fork()
      .nativeUpdate(StationSchema, { identity, securityProfile: { $lt: profile } }, { securityProfile: profile });
    return changed > 0;
  }

  async update(identity: string, patch: StationPatch, actor: AuditActor, visibility: Visibility): Promise<StationView> {
    const data = parseInput(stationPatch, patch, invalidStation);
    const em = this.orm.em.fork();
    const station = await this.requireStation(em, identity, visibility);
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
        ...actor,
        subject: identity,
        organisationId: refId(station.organisation),
        details: { securityProfile: { from: profileBefore, to: station.securityProfile } },
      });
    }
    return this.view(em, station);
  }

  /** A station the viewer finds (drivers: any; operators: their organisation's); null otherwise. */
  async get(identity: string, visibility: Visibility): Promise<StationView | null> {
    const em = this.orm.em.fork();
    const station = await em.findOne(StationSchema, { identity });
    return station && findsStation(visibility, refId(station.organisation)) ? this.view(em, station) : null;
  }

  async getById(id: string, visibility: Visibility): Promise<StationView | null> {
    if (!isUuid(id)) return null;
    const em = this.orm.em.fork();
    const station = await em.findOne(StationSchema, { id });
    return station && findsStation(visibility, refId(station.organisation)) ? this.view(em, station) : null;
  }

  /** For actions on a station only its operators may take: STATION_NOT_FOUND for anyone else. */
  async requireOperated(identity: string, visibility: Visibility): Promise<StationRef & { identity: string }> {
    const station = await this.orm.em.fork().findOne(StationSchema, { identity }, { fields: ['id', 'identity', 'organisation'] });
    if (!station || !operatesStation(visibility, refId(station.organisation))) throw stationNotFound(identity);
    return { id: station.id, identity: station.identity, organisationId: refId(station.organisation) };
  }

  async list(page: PageRequest, filter: StationFilter, visibility: Visibility): Promise<Page<StationView>> {
    const em = this.orm.em.fork();
    const where: Record<string, unknown> = { ...findableStationsWhere(visibility) };
    if (filter.online !== undefined && filter.online !== null) where.online = filter.online;
    if (filter.search) {
      const like = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.$or = [{ identity: { $ilike: like } }, { name: { $ilike: like } }];
    }
    if (page.after) {
      const after = decodeCursor(page.after, z.tuple([z.string()]));
      if (!after) throw new StationError('INVALID_STATION_INPUT', 'after is not a valid cursor', { field: 'after' });
      where.identity = { $gt: after[0] };
    }
    const rows = await em.find(StationSchema, where, { orderBy: { identity: 'asc' }, limit: page.first + 1 });
    const connectors = await this.connectorsByStation(em, rows.slice(0, page.first).map((s) => s.id));
    return toPage(
      rows,
      page.first,
      (s) => toStationView(s, connectors.get(s.id) ?? []),
      (s) => encodeCursor([s.identity]),
    );
  }

  /** The station's id for a hot path; identities never change once registered. */
  async idOf(identity: string): Promise<string | null> {
    const cached = this.idByIdentity.get(identity);
    if (cached) return cached;
    const row = await this.orm.em.fork().findOne(StationSchema, { identity }, { fields: ['id'] });
    if (row) this.idByIdentity.set(identity, row.id);
    return row?.id ?? null;
  }

  /** Id and owner for a hot path (events carry the owner so subscriptions can filter by it). */
  async refOf(identity: string): Promise<StationRef | null> {
    const cached = this.refByIdentity.get(identity);
    if (cached && Date.now() - cached.at < REF_TTL_MS) return { id: cached.id, organisationId: cached.organisationId };
    const row = await this.orm.em.fork().findOne(StationSchema, { identity }, { fields: ['id', 'organisation'] });
    if (!row) return null;
    const ref = { id: row.id, organisationId: refId(row.organisation) };
    this.idByIdentity.set(identity, row.id);
    this.refByIdentity.set(identity, { ...ref, at: Date.now() });
    return ref;
  }

  /**
   * Whether a charger with this identity may open a socket. Unknown identities are refused
   * unless auto-registration is on, in which case the station is created on the spot.
   */
  async admit(identity: string): Promise<'known' | 'registered' | 'unknown'> {
    if (await this.idOf(identity)) return 'known';
    if (!this.options.autoRegister || !STATION_IDENTITY.test(identity)) return 'unknown';
    try {
      await this.register(identity, { name: identity });
    } catch (err) {
      // Two sockets racing to auto-register the same identity: the loser finds it registered.
      if (!(err instanceof StationError && err.code === 'STATION_IDENTITY_TAKEN')) throw err;
    }
    return 'registered';
  }

  async markConnected(identity: string, protocol: string): Promise<void> {
    const now = new Date();
    const em = this.orm.em.fork();
    const station = await this.requireStation(em, identity);
    const wasOnline = station.online;
    const offlineSince = station.disconnectedAt ?? null;
    Object.assign(station, {
      online: true,
      ocppProtocol: protocol,
      connectedNodeId: this.options.nodeId,
      connectedAt: now,
      lastSeenAt: now,
    });
    const after = await this.observer.connectionChanged(em, {
      station,
      online: true,
      wasOnline,
      offlineSince,
      reason: null,
      nodeId: this.options.nodeId,
      at: now,
    });
    await em.flush();
    this.connectedAt.set(identity, now);
    after();
    this.publishConnection(station, true, now);
  }

  async markDisconnected(identity: string, reason: string | null = null): Promise<void> {
    const now = new Date();
    const connectedAt = this.connectedAt.get(identity);
    this.connectedAt.delete(identity);
    const lastSeen = this.seen.get(identity);
    this.seen.delete(identity);
    const em = this.orm.em.fork();
    const changed = await em.transactional(async (tx) => {
      // Only the socket this node opened goes offline: the charger may already be back on another node.
      const count = await tx.nativeUpdate(
        StationSchema,
        { identity, connectedNodeId: this.options.nodeId, ...(connectedAt ? { connectedAt } : {}) },
        { online: false, connectedNodeId: null, disconnectedAt: now, ...(lastSeen ? { lastSeenAt: lastSeen } : {}) },
      );
      if (count === 0) return null;
      const station = await tx.findOneOrFail(StationSchema, { identity });
      const after = await this.observer.connectionChanged(tx, {
        station,
        online: false,
        wasOnline: true,
        offlineSince: null,
        reason,
        nodeId: this.options.nodeId,
        at: now,
      });
      return { station, after };
    });
    if (!changed) return;
    changed.after();
    this.publishConnection(changed.station, false, now);
  }

  /** A node that starts holds no sockets yet: whatever it held before a crash is offline. */
  async releaseStationsOfThisNode(): Promise<number> {
    const now = new Date();
    const released = await this.orm.em.fork().transactional(async (tx) => {
      const stations = await tx.find(StationSchema, { connectedNodeId: this.options.nodeId });
      const afters = [];
      for (const station of stations) {
        Object.assign(station, { online: false, connectedNodeId: null, disconnectedAt: now });
        afters.push(
          await this.observer.connectionChanged(tx, {
            station,
            online: false,
            wasOnline: true,
            offlineSince: null,
            reason: 'node restarted',
            nodeId: this.options.nodeId,
            at: now,
          }),
        );
      }
      return { stations, afters };
    });
    for (const after of released.afters) after();
    for (const station of released.stations) this.publishConnection(station, false, now);
    return released.stations.length;
  }

  /** The node holding the station's socket, or null when it is offline. */
  async connectedNodeOf(identity: string): Promise<string | null> {
    const row = await this.orm.em.fork().findOne(StationSchema, { identity }, { fields: ['connectedNodeId'] });
    return row?.connectedNodeId ?? null;
  }

  touch(identity: string, at = new Date()): void {
    this.seen.set(identity, at);
  }

  async flushSeen(): Promise<void> {
    if (this.seen.size === 0) return;
    const entries = [...this.seen.entries()];
    this.seen.clear();
    await this.orm.em
      .fork()
      .getConnection()
      .execute(
        `update station s set last_seen_at = greatest(s.last_seen_at, v.seen)
           from unnest(?::text[], ?::timestamptz[]) as v(identity, seen)
          where s.identity = v.identity`,
        [entries.map(([i]) => i), entries.map(([, d]) => d.toISOString())],
      );
  }

  async recordBoot(identity: string, boot: BootInfo): Promise<void> {
    const now = new Date();
    const em = this.orm.em.fork();
    const station = await this.requireStation(em, identity);
    const previousBootAt = station.lastBootAt ?? null;
    const previousFirmwareVersion = station.firmwareVersion ?? null;
    Object.assign(station, {
      vendor: boot.vendor,
      model: boot.model,
      serialNumber: boot.serialNumber ?? null,
      chargeBoxSerialNumber: boot.chargeBoxSerialNumber ?? null,
      firmwareVersion: boot.firmwareVersion ?? null,
      iccid: boot.iccid ?? null,
      imsi: boot.imsi ?? null,
      meterType: boot.meterType ?? null,
      meterSerialNumber: boot.meterSerialNumber ?? null,
      lastBootAt: now,
      lastSeenAt: now,
    });
    const after = await this.observer.booted(em, { station, at: now, previousBootAt, previousFirmwareVersion });
    await em.flush();
    after();
    this.events.publish('station.status', {
      ...statusEventBase(station, now),
      kind: 'BOOT',
    });
  }

  async recordHeartbeat(identity: string): Promise<void> {
    const now = new Date();
    this.touch(identity, now);
    await this.orm.em.fork().nativeUpdate(StationSchema, { identity }, { lastHeartbeatAt: now });
  }

  /**
   * Applies a connector status unless a newer one is already known (chargers resend queued
   * notifications after a reconnect). Every report is kept in the history either way.
   */
  async recordConnectorStatus(identity: string, report: ConnectorStatusReport): Promise<{ applied: boolean }> {
    const receivedAt = new Date();
    // A charger clock running ahead must not make its statuses immune to later ones.
    const occurredAt = report.occurredAt && report.occurredAt <= receivedAt ? report.occurredAt : receivedAt;
    const em = this.orm.em.fork();
    const station = await this.requireStation(em, identity);
    let connector = await em.findOne(ConnectorSchema, { station, connectorId: report.connectorId });
    if (!connector) {
      connector = em.create(ConnectorSchema, { station, connectorId: report.connectorId });
    }
    const applied = !connector.statusAt || connector.statusAt.getTime() <= occurredAt.getTime();
    if (applied) {
      Object.assign(connector, {
        ...statusColumns(report),
        statusAt: occurredAt,
      });
    }
    em.create(ConnectorStatusEventSchema, {
      station,
      connectorId: report.connectorId,
      ...statusColumns(report),
      occurredAt,
      receivedAt,
      applied,
    });
    const after = applied ? await this.observer.connectorStatusApplied(em, { station, report, occurredAt }) : () => {};
    await em.flush();
    after();
    if (applied) {
      this.events.publish('station.status', {
        ...statusEventBase(station, occurredAt),
        kind: 'CONNECTOR_STATUS',
        connectorId: report.connectorId,
        status: report.status,
        errorCode: report.errorCode,
        info: report.info ?? null,
        vendorErrorCode: report.vendorErrorCode ?? null,
      });
    }
    return { applied };
  }

  async recordReport(
    identity: string,
    report: {
      kind: StationReportKind;
      status?: string;
      vendorId?: string;
      messageId?: string;
      data?: string;
      payload?: Record<string, unknown>;
    },
  ): Promise<void> {
    const now = new Date();
    const em = this.orm.em.fork();
    const station = await this.requireStation(em, identity);
    em.create(StationReportSchema, {
      station,
      kind: report.kind,
      status: report.status ?? null,
      vendorId: report.vendorId ?? null,
      messageId: report.messageId ?? null,
      data: report.data ?? null,
      payload: report.payload ?? null,
      receivedAt: now,
    });
    if (report.kind === 'DIAGNOSTICS_STATUS') {
      station.diagnosticsStatus = report.status ?? null;
      station.diagnosticsStatusAt = now;
    } else if (report.kind === 'FIRMWARE_STATUS') {
      station.firmwareStatus = report.status ?? null;
      station.firmwareStatusAt = now;
    }
    await em.flush();
  }

  async reports(stationId: string, kinds: StationReportKind[] | null, limit: number): Promise<StationReportView[]> {
    const em = this.orm.em.fork();
    const where: Record<string, unknown> = { station: stationId };
    if (kinds?.length) where.kind = { $in: kinds };
    const rows = await em.find(StationReportSchema, where, { orderBy: { id: 'desc' }, limit });
    return rows.map(toReportView);
  }

  close(): Promise<void> {
    clearInterval(this.flushTimer);
    return this.flushSeen();
  }

  private async view(em: EntityManager, station: Station): Promise<StationView> {
    const connectors = await this.connectorsByStation(em, [station.id]);
    return toStationView(station, connectors.get(station.id) ?? []);
  }

  private async connectorsByStation(em: EntityManager, stationIds: string[]): Promise<Map<string, ConnectorView[]>> {
    const out = new Map<string, ConnectorView[]>();
    if (stationIds.length === 0) return out;
    const rows = await em.find(
      ConnectorSchema,
      { station: { $in: stationIds } },
      { orderBy: { connectorId: 'asc' } },
    );
    for (const c of rows) {
      const id = refId(c.station)!;
      if (!out.has(id)) out.set(id, []);
      out.get(id)!.push(toConnectorView(c));
    }
    return out;
  }

  // With a visibility: only a station the viewer operates; any other is "not found".
  private async requireStation(em: EntityManager, identity: string, visibility: Visibility = ALL): Promise<Station> {
    const station = await em.findOne(StationSchema, { identity });
    if (!station || !operatesStation(visibility, refId(station.organisation))) throw stationNotFound(identity);
    return station;
  }

  private publishConnection(station: Station, online: boolean, at: Date) {
    this.events.publish('station.status', { ...statusEventBase(station, at), kind: 'CONNECTION', online });
  }
}

function statusEventBase(station: Station, at: Date): StationStatusEvent {
  return {
    stationId: station.id,
    stationIdentity: station.identity,
    organisationId: refId(station.organisation),
    kind: 'CONNECTION',
    connectorId: null,
    status: null,
    errorCode: null,
    info: null,
    vendorErrorCode: null,
    online: station.online,
    occurredAt: at.toISOString(),
  };
}

const refId = (ref: { id: string } | string | null | undefined): string | null =>
  ref == null ? null : typeof ref === 'string' ? ref : ref.id;

const toProfile = (n: number): SecurityProfile => (n >= 2 ? 2 : n <= 0 ? 0 : 1);

const stationNotFound = (identity: string) => new StationError('STATION_NOT_FOUND', `no station with identity "${identity}"`);

const invalidStation = (message: string, field: string) =>
  new StationError('INVALID_STATION_INPUT', message, { field });

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function toConnectorView(c: Connector): ConnectorView {
  return {
    connectorId: c.connectorId,
    status: c.status as ConnectorView['status'],
    errorCode: c.errorCode as ConnectorView['errorCode'],
    info: c.info ?? null,
    vendorId: c.vendorId ?? null,
    vendorErrorCode: c.vendorErrorCode ?? null,
    statusAt: iso(c.statusAt),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function toStationView(s: Station, connectors: ConnectorView[]): StationView {
  return {
    id: s.id,
    identity: s.identity,
    name: s.name,
    organisationId: refId(s.organisation),
    address: s.address ?? null,
    latitude: s.latitude ?? null,
    longitude: s.longitude ?? null,
    timeZone: s.timeZone,
    securityProfile: s.securityProfile,
    hasPassword: s.passwordHash != null,
    ocppProtocol: s.ocppProtocol ?? null,
    vendor: s.vendor ?? null,
    model: s.model ?? null,
    serialNumber: s.serialNumber ?? null,
    chargeBoxSerialNumber: s.chargeBoxSerialNumber ?? null,
    firmwareVersion: s.firmwareVersion ?? null,
    iccid: s.iccid ?? null,
    imsi: s.imsi ?? null,
    meterType: s.meterType ?? null,
    meterSerialNumber: s.meterSerialNumber ?? null,
    online: s.online,
    connectedAt: iso(s.connectedAt),
    disconnectedAt: iso(s.disconnectedAt),
    lastSeenAt: iso(s.lastSeenAt),
    lastBootAt: iso(s.lastBootAt),
    lastHeartbeatAt: iso(s.lastHeartbeatAt),
    diagnosticsStatus: s.diagnosticsStatus ?? null,
    diagnosticsStatusAt: iso(s.diagnosticsStatusAt),
    firmwareStatus: s.firmwareStatus ?? null,
    firmwareStatusAt: iso(s.firmwareStatusAt),
    connectors,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

function toReportView(r: StationReport): StationReportView {
  return {
    id: String(r.id),
    kind: r.kind,
    status: r.status ?? null,
    vendorId: r.vendorId ?? null,
    messageId: r.messageId ?? null,
    data: r.data ?? null,
    receivedAt: r.receivedAt.toISOString(),
  };
}

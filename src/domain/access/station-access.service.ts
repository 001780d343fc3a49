import { UniqueConstraintViolationException, type EntityManager, type MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { refId } from '../../db/ref.js';
import type { AuditService } from '../audit/audit.service.js';
import { auditedBy, type Caller } from '../caller.js';
import { isUuid } from '../ids.js';
import { parseInput } from '../input.js';
import { OrganisationSchema } from '../organisations/organisation.entity.js';
import type { Station } from '../stations/station.entity.js';
import type { StationRepository } from '../stations/station.repository.js';
import { operatesStation } from '../stations/station-scope.js';
import { IdTokenSchema } from '../users/id-token.entity.js';
import type { StationAccessRules, TokenHolder } from '../users/id-token-authorization.js';
import { tokenLookupKey } from '../users/id-token-value.js';
import { toIdTokenView, type IdTokenView } from '../users/id-token.views.js';
import { UserSchema } from '../users/user.entity.js';
import { AccessError } from './access.errors.js';
import { StationAccessGrantSchema, type AccessGrantKind, type StationAccessGrant } from './station-access-grant.entity.js';

export const STATION_ACCESS_MODES = ['PUBLIC', 'RESTRICTED'] as const;
export type StationAccessMode = (typeof STATION_ACCESS_MODES)[number];

export interface StationAccessGrantView {
  id: string;
  stationId: string;
  stationIdentity: string;
  kind: AccessGrantKind;
  userId: string | null;
  organisationId: string | null;
  parentIdTag: string | null;
  createdBy: string | null;
  createdAt: string;
}

export interface StationAccessView {
  stationId: string;
  stationIdentity: string;
  mode: StationAccessMode;
  grants: StationAccessGrantView[];
}

const grantInput = z
  .object({
    userId: z.string().uuid().nullish(),
    organisationId: z.string().uuid().nullish(),
    // An OCPP idTag: printable ASCII, at most 36 characters (see id-token.service).
    parentIdTag: z
      .string()
      .trim()
      .min(1)
      .max(36)
      .regex(/^[\x21-\x7E]+$/, 'printable ASCII without spaces')
      .nullish(),
  })
  .refine((g) => [g.userId, g.organisationId, g.parentIdTag].filter(Boolean).length === 1, {
    message: 'name exactly one of userId, organisationId or parentIdTag',
  });

export type GrantStationAccessInput = z.input<typeof grantInput>;

// Whether a grant of the station lets the holder's token in: its owner, its group or its issuer.
const GRANT_MATCHES = `
  exists (select 1 from station_access_grant g
          where g.station_id = s.id
            and ((g.kind = 'USER' and g.user_id = t.user_id)
              or (g.kind = 'GROUP' and g.subject = upper(t.parent_id_tag))
              or (g.kind = 'ORGANISATION' and g.organisation_id = t.organisation_id)))`;

/**
 * Which tokens may charge at which station. A PUBLIC station takes every valid token; a
 * RESTRICTED one only those its access list names. Operators manage their own stations' lists.
 */
export class StationAccessService implements StationAccessRules {
  constructor(
    private readonly orm: MikroORM,
    private readonly audit: AuditService,
    private readonly stations: StationRepository,
  ) {}

  async allows(stationId: string, holder: TokenHolder): Promise<boolean> {
    const rows: { allowed: boolean }[] = await this.orm.em.fork().getConnection().execute(
      `select s.access_mode = 'PUBLIC' or ${GRANT_MATCHES} as allowed
         from station s, (select ?::uuid as user_id, ?::text as parent_id_tag, ?::uuid as organisation_id) t
        where s.id = ?`,
      [holder.userId, holder.parentIdTag, holder.organisationId, stationId],
    );
    return rows[0]?.allowed === true;
  }

  /** Every token that may charge at the station now (active, unexpired, allowed there), in lookup-key order. */
  async allowedTokens(stationId: string, now = new Date()): Promise<IdTokenView[]> {
    const em = this.orm.em.fork();
    const rows: { id: string }[] = await em.getConnection().execute(
      `select t.id from id_token t join station s on s.id = ?
        where t.status = 'ACTIVE' and (t.expires_at is null or t.expires_at > ?)
          and (s.access_mode = 'PUBLIC' or ${GRANT_MATCHES})`,
      [stationId, now],
    );
    if (rows.length === 0) return [];
    const tokens = await em.find(IdTokenSchema, { id: { $in: rows.map((r) => r.id) } }, { orderBy: { lookupKey: 'asc' } });
    return tokens.map(toIdTokenView);
  }

  // A station the caller does not operate does not exist for them (STATION_NOT_FOUND).
  async view(caller: Caller, identity: string): Promise<StationAccessView> {
    const em = this.orm.em.fork();
    const station = await this.stations.requireEntity(em, identity, caller.visibility);
    return this.toView(em, station);
  }

  async grants(caller: Caller, identity: string): Promise<StationAccessGrantView[]> {
    return (await this.view(caller, identity)).grants;
  }

  async setMode(caller: Caller, identity: string, mode: StationAccessMode): Promise<StationAccessView> {
    const to = parseInput(z.enum(STATION_ACCESS_MODES), mode, (m) => invalidAccess(m, 'mode'));
    const em = this.orm.em.fork();
    const station = await this.stations.requireEntity(em, identity, caller.visibility);
    const from = station.accessMode;
    if (from !== to) {
      station.accessMode = to;
      await em.flush();
      await this.audit.record('STATION_ACCESS_CHANGED', {
        ...auditedBy(caller),
        subject: identity,
        organisationId: refId(station.organisation),
        details: { accessMode: { from, to } },
      });
    }
    return this.toView(em, station);
  }

  /** Adds a driver, a group or an organisation to the station's list; granting twice is harmless. */
  async grant(caller: Caller, identity: string, input: GrantStationAccessInput): Promise<StationAccessGrantView> {
    const data = parseInput(grantInput, input, invalidAccess);
    const em = this.orm.em.fork();
    const station = await this.stations.requireEntity(em, identity, caller.visibility);
    let kind: AccessGrantKind;
    let subject: string;
    if (data.userId) {
      if (!(await em.findOne(UserSchema, { id: data.userId }))) throw subjectNotFound(`no user with id ${data.userId}`, 'userId');
      [kind, subject] = ['USER', data.userId];
    } else if (data.organisationId) {
      if (!(await em.findOne(OrganisationSchema, { id: data.organisationId }))) {
        throw subjectNotFound(`no organisation with id ${data.organisationId}`, 'organisationId');
      }
      [kind, subject] = ['ORGANISATION', data.organisationId];
    } else {
      [kind, subject] = ['GROUP', tokenLookupKey(data.parentIdTag!)];
    }
    const existing = await em.findOne(StationAccessGrantSchema, { station: station.id, kind, subject });
    if (existing) return toGrantView(existing, station);
    const grant = em.create(StationAccessGrantSchema, {
      station: station.id,
      kind,
      subject,
      user: kind === 'USER' ? subject : null,
      organisation: kind === 'ORGANISATION' ? subject : null,
      parentIdTag: kind === 'GROUP' ? data.parentIdTag! : null,
      createdBy: caller.actor.label.slice(0, 320),
    });
    try {
      await em.flush();
    } catch (err) {
      // The same grant made twice at once: the first one stands.
      if (!(err instanceof UniqueConstraintViolationException)) throw err;
      const winner = await this.orm.em.fork().findOneOrFail(StationAccessGrantSchema, { station: station.id, kind, subject });
      return toGrantView(winner, station);
    }
    await this.audit.record('STATION_ACCESS_CHANGED', {
      ...auditedBy(caller),
      subject: identity,
      organisationId: refId(station.organisation),
      details: { granted: { kind, subject: grant.parentIdTag ?? subject } },
    });
    return toGrantView(grant, station);
  }

  async revoke(caller: Caller, grantId: string): Promise<StationAccessGrantView> {
    const em = this.orm.em.fork();
    const grant = isUuid(grantId) ? await em.findOne(StationAccessGrantSchema, { id: grantId }, { populate: ['station'] }) : null;
    const station = grant?.station as Station | undefined;
    if (!grant || !station || !operatesStation(caller.visibility, refId(station.organisation))) {
      throw new AccessError('ACCESS_GRANT_NOT_FOUND', `no station access grant with id ${grantId}`);
    }
    const view = toGrantView(grant, station);
    em.remove(grant);
    await em.flush();
    await this.audit.record('STATION_ACCESS_CHANGED', {
      ...auditedBy(caller),
      subject: station.identity,
      organisationId: refId(station.organisation),
      details: { revoked: { kind: view.kind, subject: view.parentIdTag ?? view.userId ?? view.organisationId } },
    });
    return view;
  }

  private async toView(em: EntityManager, station: Station): Promise<StationAccessView> {
    const grants = await em.find(StationAccessGrantSchema, { station: station.id }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    return {
      stationId: station.id,
      stationIdentity: station.identity,
      mode: station.accessMode,
      grants: grants.map((g) => toGrantView(g, station)),
    };
  }
}

const invalidAccess = (message: string, field: string) => new AccessError('INVALID_ACCESS_INPUT', message, { field });
const subjectNotFound = (message: string, field: string) => new AccessError('ACCESS_SUBJECT_NOT_FOUND', message, { field });

function toGrantView(g: StationAccessGrant, station: Station): StationAccessGrantView {
  return {
    id: g.id,
    stationId: station.id,
    stationIdentity: station.identity,
    kind: g.kind,
    userId: refId(g.user),
    organisationId: refId(g.organisation),
    parentIdTag: g.parentIdTag ?? null,
    createdBy: g.createdBy ?? null,
    createdAt: g.createdAt.toISOString(),
  };
}


import { ACCESS_GRANT_KINDS } from '../../domain/access/station-access-grant.entity.js';
import {
  STATION_ACCESS_MODES,
  type StationAccessGrantView,
  type StationAccessView,
} from '../../domain/access/station-access.service.js';
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';

// A station's access list is managed by the operator that owns the station (stations:manage);
// the service answers STATION_NOT_FOUND for anyone else's station.


const StationAccessModeEnum = builder.enumType('StationAccessMode', {
  values: STATION_ACCESS_MODES,
  description: 'PUBLIC: any valid token may charge; RESTRICTED: only tokens the access list names (others get Invalid).',
});

const StationAccessGrantKindEnum = builder.enumType('StationAccessGrantKind', {
  values: ACCESS_GRANT_KINDS,
  description: "USER: a driver's tokens; GROUP: tokens with this parentIdTag; ORGANISATION: tokens this operator issued.",
});

const StationAccessGrantRef = builder.objectRef<StationAccessGrantView>('StationAccessGrant').implement({
  description: 'One entry of a restricted station\'s access list.',
  authScopes: { permission: 'stations:manage' },
  fields: (t) => ({
    id: t.exposeID('id'),
    stationIdentity: t.exposeString('stationIdentity'),
    kind: t.expose('kind', { type: StationAccessGrantKindEnum }),
    userId: t.exposeID('userId', { nullable: true }),
    organisationId: t.exposeID('organisationId', { nullable: true }),
    parentIdTag: t.exposeString('parentIdTag', { nullable: true }),
    createdBy: t.exposeString('createdBy', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const StationAccessRef = builder.objectRef<StationAccessView>('StationAccess').implement({
  description: 'Who may charge at a station.',
  authScopes: { permission: 'stations:manage' },
  fields: (t) => ({
    stationIdentity: t.exposeString('stationIdentity'),
    mode: t.expose('mode', { type: StationAccessModeEnum }),
    grants: t.field({ type: [StationAccessGrantRef], resolve: (a) => a.grants }),
  }),
});

const GrantStationAccessInput = builder.inputType('GrantStationAccessInput', {
  description: 'Name exactly one of userId, parentIdTag or organisationId.',
  fields: (t) => ({
    stationIdentity: t.string({ required: true }),
    userId: t.id({ description: "A driver: all their tokens." }),
    parentIdTag: t.string({ description: 'A group: every token with this parentIdTag (matched case-insensitively).' }),
    organisationId: t.id({ description: 'An operator: every token it issued.' }),
  }),
});

builder.queryFields((t) => ({
  stationAccess: t.field({
    type: StationAccessRef,
    args: { stationIdentity: t.arg.string({ required: true }) },
    authScopes: { permission: 'stations:manage' },
    resolve: (_root, args, ctx) => ctx.services.access.view(ctx.caller, args.stationIdentity),
  }),
  stationAccessGrants: t.field({
    type: [StationAccessGrantRef],
    args: { stationIdentity: t.arg.string({ required: true }) },
    authScopes: { permission: 'stations:manage' },
    resolve: (_root, args, ctx) => ctx.services.access.grants(ctx.caller, args.stationIdentity),
  }),
}));

builder.mutationFields((t) => ({
  setStationAccessMode: t.field({
    type: StationAccessRef,
    args: { stationIdentity: t.arg.string({ required: true }), mode: t.arg({ type: StationAccessModeEnum, required: true }) },
    authScopes: { permission: 'stations:manage' },
    resolve: (_root, args, ctx) => ctx.services.access.setMode(ctx.caller, args.stationIdentity, args.mode),
  }),
  grantStationAccess: t.field({
    type: StationAccessGrantRef,
    description: 'Lets a driver, a group or an organisation charge at a restricted station. Granting twice is harmless.',
    args: { input: t.arg({ type: GrantStationAccessInput, required: true }) },
    authScopes: { permission: 'stations:manage' },
    resolve: (_root, { input }, ctx) =>
      ctx.services.access.grant(ctx.caller, input.stationIdentity, {
        userId: input.userId ? String(input.userId) : null,
        organisationId: input.organisationId ? String(input.organisationId) : null,
        parentIdTag: input.parentIdTag ?? null,
      }),
  }),
  revokeStationAccess: t.field({
    type: StationAccessGrantRef,
    description: 'Removes an entry from a station\'s access list; answers it as it was.',
    args: { id: t.arg.id({ required: true }) },
    authScopes: { permission: 'stations:manage' },
    resolve: (_root, args, ctx) => ctx.services.access.revoke(ctx.caller, String(args.id)),
  }),
}));

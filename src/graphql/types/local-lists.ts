import { LOCAL_LIST_MODES, type ResultOf } from '../../domain/operations/command.types.js';
import type { CommandOutcome, LocalListView } from '../../domain/operations/operations.types.js';
import { builder } from '../builder.js';
import { StationRef } from './station.js';
import { CommandPayloadRef } from './station-commands.js';

// A station's local authorization list, built from the tokens allowed to charge there (stations:command).

const LocalListUpdateModeEnum = builder.enumType('LocalListUpdateMode', {
  values: LOCAL_LIST_MODES,
  description: 'FULL: replace the list. DIFFERENTIAL: send only what changed since the last accepted update.',
});

const LocalListRef = builder.objectRef<LocalListView>('LocalAuthorizationList').implement({
  description: "The station's local authorization list as far as we know it.",
  authScopes: { permission: 'stations:command' },
  fields: (t) => ({
    version: t.exposeInt('version', { nullable: true, description: 'Null when the station has no local list support.' }),
    inSync: t.exposeBoolean('inSync', { description: 'We know its content, so a DIFFERENTIAL update is possible.' }),
    size: t.exposeInt('size', { nullable: true, description: 'Entries it holds, when known.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const LocalListVersionPayloadRef = builder
  .objectRef<CommandOutcome<ResultOf<'GET_LOCAL_LIST_VERSION'>> & { list: LocalListView }>('LocalListVersionPayload')
  .implement({
    authScopes: { permission: 'stations:command' },
    interfaces: [CommandPayloadRef],
    fields: (t) => ({
      version: t.int({ nullable: true, description: 'Null when the station has no local list support.', resolve: (o) => o.result.version }),
      list: t.field({ type: LocalListRef, resolve: (o) => o.list }),
    }),
  });

const SendLocalListPayloadRef = builder
  .objectRef<CommandOutcome<ResultOf<'SEND_LOCAL_LIST'>> & { list: LocalListView; sent: number }>('SendLocalListPayload')
  .implement({
    authScopes: { permission: 'stations:command' },
    interfaces: [CommandPayloadRef],
    fields: (t) => ({
      sent: t.int({ description: 'Entries sent (for DIFFERENTIAL: additions, changes and removals).', resolve: (o) => o.sent }),
      list: t.field({ type: LocalListRef, resolve: (o) => o.list }),
    }),
  });

builder.objectFields(StationRef, (t) => ({
  localListVersion: t.int({
    nullable: true,
    description: 'The version of its local authorization list, as last sent or reported.',
    authScopes: { permission: 'stations:command' },
    resolve: async (station, _args, ctx) => (await ctx.services.localLists.view(ctx.caller, station))?.version ?? null,
  }),
  localList: t.field({
    type: LocalListRef,
    nullable: true,
    authScopes: { permission: 'stations:command' },
    resolve: (station, _args, ctx) => ctx.services.localLists.view(ctx.caller, station),
  }),
}));

builder.mutationFields((t) => ({
  getLocalListVersion: t.field({
    type: LocalListVersionPayloadRef,
    args: { stationIdentity: t.arg.string({ required: true }) },
    authScopes: { permission: 'stations:command' },
    resolve: (_root, args, ctx) => ctx.services.localLists.fetchVersion(ctx.caller, args.stationIdentity),
  }),
  sendLocalList: t.field({
    type: SendLocalListPayloadRef,
    description: 'Sends the tokens allowed to charge at the station, so it can authorize them offline.',
    args: { stationIdentity: t.arg.string({ required: true }), mode: t.arg({ type: LocalListUpdateModeEnum, required: true }) },
    authScopes: { permission: 'stations:command' },
    resolve: (_root, args, ctx) => ctx.services.localLists.send(ctx.caller, args.stationIdentity, args.mode),
  }),
}));

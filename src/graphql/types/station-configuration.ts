import type { ResultOf } from '../../domain/operations/command.types.js';
import type { CommandOutcome, ConfigurationKeyView } from '../../domain/operations/operations.types.js';
import { builder } from '../builder.js';
import { StationRef } from './station.js';
import { CommandPayloadRef } from './station-commands.js';

// A station's configuration keys: read from the station and stored, shown, changed (stations:command).

const ConfigurationKeyRef = builder.objectRef<ConfigurationKeyView>('ConfigurationKey').implement({
  description: 'A configuration key as the station last reported it, or as we last changed it.',
  authScopes: { permission: 'stations:command' },
  fields: (t) => ({
    key: t.exposeString('key'),
    value: t.exposeString('value', { nullable: true }),
    readonly: t.exposeBoolean('readonly', { description: 'The station does not let it be changed.' }),
    rebootRequired: t.exposeBoolean('rebootRequired', {
      description: 'A new value was accepted but takes effect only after the station reboots.',
    }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const StationConfigurationPayloadRef = builder
  .objectRef<CommandOutcome<ResultOf<'GET_CONFIGURATION'>> & { keys: ConfigurationKeyView[] }>('StationConfigurationPayload')
  .implement({
    authScopes: { permission: 'stations:command' },
    interfaces: [CommandPayloadRef],
    fields: (t) => ({
      keys: t.field({ type: [ConfigurationKeyRef], description: 'The keys the station reported, as stored.', resolve: (o) => o.keys }),
      unknownKeys: t.stringList({ description: 'Requested keys the station does not know.', resolve: (o) => o.result.unknownKeys }),
    }),
  });

const ChangeConfigurationPayloadRef = builder
  .objectRef<CommandOutcome<ResultOf<'CHANGE_CONFIGURATION'>> & { key: ConfigurationKeyView | null }>(
    'ChangeStationConfigurationPayload',
  )
  .implement({
    authScopes: { permission: 'stations:command' },
    interfaces: [CommandPayloadRef],
    fields: (t) => ({
      key: t.field({ type: ConfigurationKeyRef, nullable: true, description: 'The key as stored, when the change was accepted.', resolve: (o) => o.key }),
      rebootRequired: t.boolean({ resolve: (o) => o.result.answer === 'REBOOT_REQUIRED' }),
    }),
  });

builder.objectField(StationRef, 'configuration', (t) =>
  t.field({
    type: [ConfigurationKeyRef],
    description: 'Configuration keys as last read from the station (getStationConfiguration), A-Z.',
    authScopes: { permission: 'stations:command' },
    resolve: (station, _args, ctx) => ctx.services.configuration.list(ctx.caller, station),
  }),
);

builder.mutationFields((t) => ({
  getStationConfiguration: t.field({
    type: StationConfigurationPayloadRef,
    description: 'Reads configuration keys from the station (all when keys is omitted) and stores them.',
    args: { stationIdentity: t.arg.string({ required: true }), keys: t.arg.stringList() },
    authScopes: { permission: 'stations:command' },
    resolve: (_root, args, ctx) => ctx.services.configuration.fetch(ctx.caller, args.stationIdentity, args.keys ?? null),
  }),
  changeStationConfiguration: t.field({
    type: ChangeConfigurationPayloadRef,
    args: {
      stationIdentity: t.arg.string({ required: true }),
      key: t.arg.string({ required: true }),
      value: t.arg.string({ required: true }),
    },
    authScopes: { permission: 'stations:command' },
    resolve: (_root, args, ctx) => ctx.services.configuration.change(ctx.caller, args.stationIdentity, { key: args.key, value: args.value }),
  }),
}));

import type { OrganisationView } from '../../domain/organisations/organisation.service.js';
import { builder } from '../builder.js';

export const OrganisationRef = builder.objectRef<OrganisationView>('Organisation').implement({
  description: 'A charge point operator: owns stations, employs operator staff, holds API keys.',
  authScopes: { authenticated: true },
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  organisations: t.field({
    type: [OrganisationRef],
    description: 'Admins: all; operators and API keys: their own.',
    authScopes: { authenticated: true },
    resolve: (_root, _args, ctx) => ctx.services.organisations.list(ctx.caller),
  }),
  organisation: t.field({
    type: OrganisationRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    authScopes: { authenticated: true },
    resolve: (_root, args, ctx) => ctx.services.organisations.get(ctx.caller, String(args.id)),
  }),
}));

builder.mutationField('createOrganisation', (t) =>
  t.field({
    type: OrganisationRef,
    args: { name: t.arg.string({ required: true }) },
    authScopes: { permission: 'organisations:manage' },
    resolve: (_root, args, ctx) => ctx.services.organisations.create({ name: args.name }),
  }),
);

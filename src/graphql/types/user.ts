import { ROLES } from '../../domain/accounts/permissions.js';
import type { UserView } from '../../domain/users/user.service.js';
import { builder } from '../builder.js';
import { pageRequest, toConnection } from '../pagination.js';

export const RoleEnum = builder.enumType('Role', {
  values: ROLES,
  description: 'DRIVER: an EV owner; OPERATOR: staff of a charge point operator (one organisation); ADMIN: runs the system.',
});

export const UserRef = builder.objectRef<UserView>('User').implement({
  description: 'A person: a driver, operator staff or an admin.',
  // Rows reach callers only through visibility-filtered services; any signed-in caller may read
  // them. A login's own answer (signUp, login) grants reading the account it logged into.
  authScopes: { authenticated: true, $granted: 'ownAccount' },
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    email: t.exposeString('email', { nullable: true }),
    role: t.expose('role', { type: RoleEnum }),
    organisationId: t.exposeID('organisationId', { nullable: true, description: 'The operator a staff member works for.' }),
    disabled: t.exposeBoolean('disabled'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const CreateUserInput = builder.inputType('CreateUserInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    email: t.string(),
    role: t.field({ type: RoleEnum, description: 'Default DRIVER.' }),
    organisationId: t.id({ description: 'Required for OPERATOR, refused for the others.' }),
    password: t.string({ description: 'Optional: without one, issue a password reset for the person to set theirs.' }),
  }),
});

builder.queryFields((t) => ({
  me: t.field({
    type: UserRef,
    nullable: true,
    description: 'The signed-in person (null for API keys).',
    authScopes: { authenticated: true },
    resolve: (_root, _args, ctx) => ctx.services.users.ownAccount(ctx.caller),
  }),
  user: t.field({
    type: UserRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    authScopes: { authenticated: true },
    description: 'Drivers can read only themselves; operators their staff and the drivers at their stations.',
    resolve: (_root, args, ctx) => ctx.services.users.get(ctx.caller, String(args.id)),
  }),
  users: t.connection({
    type: UserRef,
    args: { role: t.arg({ type: RoleEnum }) },
    authScopes: { permission: 'users:read' },
    resolve: async (_root, args, ctx) =>
      toConnection(await ctx.services.users.list(ctx.caller, pageRequest(args), { role: args.role ?? null })),
  }),
}));

builder.mutationFields((t) => ({
  createUser: t.field({
    type: UserRef,
    description: 'Admins create staff accounts (and drivers for the help desk).',
    args: { input: t.arg({ type: CreateUserInput, required: true }) },
    authScopes: { permission: 'users:manage' },
    resolve: (_root, { input }, ctx) =>
      ctx.services.users.create(ctx.caller, {
        ...input,
        role: input.role ?? undefined,
        organisationId: input.organisationId ? String(input.organisationId) : null,
      }),
  }),
  setUserRole: t.field({
    type: UserRef,
    args: { userId: t.arg.id({ required: true }), role: t.arg({ type: RoleEnum, required: true }), organisationId: t.arg.id() },
    authScopes: { permission: 'users:manage' },
    resolve: (_root, args, ctx) =>
      ctx.services.users.setRole(ctx.caller, String(args.userId), args.role, args.organisationId ? String(args.organisationId) : null),
  }),
  setUserDisabled: t.field({
    type: UserRef,
    description: 'A disabled account cannot log in, and its access tokens stop working at once.',
    args: { userId: t.arg.id({ required: true }), disabled: t.arg.boolean({ required: true }) },
    authScopes: { permission: 'users:manage' },
    resolve: (_root, args, ctx) => ctx.services.users.setDisabled(String(args.userId), args.disabled),
  }),
}));

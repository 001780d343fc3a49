import type { UserView } from '../../domain/users/user.service.js';
import { builder } from '../builder.js';

export const UserRef = builder.objectRef<UserView>('User').implement({
  description: 'A person tokens can belong to.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    email: t.exposeString('email', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const CreateUserInput = builder.inputType('CreateUserInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    email: t.string(),
  }),
});

builder.queryField('user', (t) =>
  t.field({
    type: UserRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.users.get(String(args.id)),
  }),
);

builder.mutationField('createUser', (t) =>
  t.field({
    type: UserRef,
    args: { input: t.arg({ type: CreateUserInput, required: true }) },
    resolve: (_root, { input }, ctx) => ctx.services.users.create(input),
  }),
);

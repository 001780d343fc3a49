import type { AuthTokens } from '../../domain/accounts/account.service.js';
import { builder } from '../builder.js';
import { viewerOf } from '../context.js';
import { badInput } from '../errors.js';
import { UserRef } from './user.js';

const AuthPayloadRef = builder.objectRef<AuthTokens>('AuthPayload').implement({
  description:
    'A login. Send `Authorization: Bearer <accessToken>` with each request (graphql-ws: connection param `authorization`). ' +
    'When it expires, trade the refresh token for a new pair with refreshSession; each refresh token works once.',
  authScopes: { public: true },
  fields: (t) => ({
    accessToken: t.exposeString('accessToken'),
    accessTokenExpiresAt: t.expose('accessTokenExpiresAt', { type: 'DateTime' }),
    refreshToken: t.exposeString('refreshToken'),
    refreshTokenExpiresAt: t.expose('refreshTokenExpiresAt', { type: 'DateTime' }),
    user: t.field({ type: UserRef, grantScopes: ['ownAccount'], resolve: (p) => p.user }),
  }),
});

const PasswordResetTokenRef = builder.objectRef<{ token: string; expiresAt: Date }>('PasswordResetToken').implement({
  authScopes: { permission: 'users:manage' },
  fields: (t) => ({
    token: t.exposeString('token', { description: 'Single use; hand it to the person out of band.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
  }),
});

const SignUpInput = builder.inputType('SignUpInput', {
  fields: (t) => ({
    email: t.string({ required: true }),
    password: t.string({ required: true, description: '8 to 256 characters.' }),
    name: t.string({ required: true }),
  }),
});

builder.mutationFields((t) => ({
  signUp: t.field({
    type: AuthPayloadRef,
    description: 'An EV driver creates an account and is logged in.',
    args: { input: t.arg({ type: SignUpInput, required: true }) },
    authScopes: { public: true },
    resolve: (_root, { input }, ctx) => ctx.services.accounts.signUp(input, ctx.request),
  }),
  login: t.field({
    type: AuthPayloadRef,
    description: 'The same error (INVALID_CREDENTIALS) for an unknown email and a wrong password; RATE_LIMITED after repeated failures.',
    args: { email: t.arg.string({ required: true }), password: t.arg.string({ required: true }) },
    authScopes: { public: true },
    resolve: (_root, args, ctx) => ctx.services.accounts.login(args.email, args.password, ctx.request),
  }),
  refreshSession: t.field({
    type: AuthPayloadRef,
    description: 'Trades a refresh token for a new pair. A refresh token used twice ends that login everywhere.',
    args: { refreshToken: t.arg.string({ required: true }) },
    authScopes: { public: true },
    resolve: (_root, args, ctx) => ctx.services.accounts.refresh(args.refreshToken, ctx.request),
  }),
  logout: t.boolean({
    description: 'Ends the login this refresh token belongs to.',
    args: { refreshToken: t.arg.string({ required: true }) },
    authScopes: { public: true },
    resolve: async (_root, args, ctx) => {
      await ctx.services.accounts.logout(args.refreshToken, ctx.request);
      return true;
    },
  }),
  logoutEverywhere: t.boolean({
    description: 'Ends every login of the signed-in person; access tokens stop working at once.',
    authScopes: { authenticated: true },
    resolve: async (_root, _args, ctx) => {
      const viewer = viewerOf(ctx);
      if (viewer.kind !== 'user') throw badInput('API keys have no logins; revoke the key instead');
      await ctx.services.accounts.logoutEverywhere(viewer.userId, ctx.request);
      return true;
    },
  }),
  changePassword: t.field({
    type: AuthPayloadRef,
    description: 'Ends every other login and returns a fresh one.',
    args: { currentPassword: t.arg.string({ required: true }), newPassword: t.arg.string({ required: true }) },
    authScopes: { authenticated: true },
    resolve: (_root, args, ctx) => {
      const viewer = viewerOf(ctx);
      if (viewer.kind !== 'user') throw badInput('API keys have no password');
      return ctx.services.accounts.changePassword(viewer.userId, args.currentPassword, args.newPassword, ctx.request);
    },
  }),
  requestPasswordReset: t.boolean({
    description: 'Always true: whether the email has an account is not revealed. The token is delivered out of band.',
    args: { email: t.arg.string({ required: true }) },
    authScopes: { public: true },
    resolve: async (_root, args, ctx) => {
      await ctx.services.accounts.requestPasswordReset(args.email, ctx.request);
      return true;
    },
  }),
  resetPassword: t.boolean({
    description: 'Sets a new password with a reset token (single use, expires); every login of the account ends.',
    args: { token: t.arg.string({ required: true }), newPassword: t.arg.string({ required: true }) },
    authScopes: { public: true },
    resolve: async (_root, args, ctx) => {
      await ctx.services.accounts.resetPassword(args.token, args.newPassword, ctx.request);
      return true;
    },
  }),
  issuePasswordReset: t.field({
    type: PasswordResetTokenRef,
    description: 'Support desk: a reset token for a person, to hand over out of band.',
    args: { userId: t.arg.id({ required: true }) },
    authScopes: { permission: 'users:manage' },
    resolve: (_root, args, ctx) => ctx.services.accounts.issuePasswordReset(ctx.caller, String(args.userId)),
  }),
}));

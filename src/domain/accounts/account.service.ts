import { randomUUID } from 'node:crypto';
import { type EntityManager, type MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { refId, requiredRefId } from '../../db/ref.js';
import type { Logger } from '../../logger.js';
import type { AuditService } from '../audit/audit.service.js';
import { auditedBy, type Caller } from '../caller.js';
import { isUuid } from '../ids.js';
import { parseInput } from '../input.js';
import { hashPassword, verifyNothing, verifyPassword } from '../password-hashing.js';
import { hashToken, newSecretToken } from '../secret-token.js';
import { UserSchema, type User } from '../users/user.entity.js';
import { insertUser, toUserView, type UserView } from '../users/user.service.js';
import type { AccessTokens } from './access-tokens.js';
import { EMAIL, PASSWORD } from './account-input.js';
import { AccountsError } from './accounts.errors.js';
import { PasswordResetSchema } from './password-reset.entity.js';
import { RateLimiter } from './rate-limiter.js';
import { RefreshTokenSchema } from './refresh-token.entity.js';
import type { Viewer } from './viewer.js';

export interface AuthTokens {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
  user: UserView;
}

/** Where the caller came from; rate limits and the audit log key on it. */
export interface RequestMeta {
  remoteAddress?: string | null;
}

/** Hands a password reset token to its owner. Mail is out of scope; see src/app.ts. */
export type PasswordResetDelivery = (reset: { email: string; userId: string; token: string; expiresAt: Date }) => void;

export interface AccountOptions {
  accessTokens: AccessTokens;
  refreshTokenTtlSeconds: number;
  passwordResetTtlSeconds: number;
  deliverPasswordReset: PasswordResetDelivery;
  /** Failed logins allowed per account and per address in `limitWindowMs`. */
  loginLimitPerAccount: number;
  loginLimitPerAddress: number;
  limitWindowMs: number;
}


const signUpInput = z.object({
  email: EMAIL,
  password: PASSWORD,
  name: z.string().trim().min(1).max(200),
});
export type SignUpInput = z.input<typeof signUpInput>;

// Opaque tokens are `rt_`/`pr_` + 43 base64url characters; anything longer is not ours.
const OPAQUE_TOKEN = z.string().min(1).max(200);

const invalid = (message: string, field: string) => new AccountsError('INVALID_ACCOUNT_INPUT', message, { field });

/**
 * Sign-up, login, refresh-token rotation, logout, password change and reset. Every failure a
 * guesser could learn from answers the same way and takes about the same time.
 */
export class AccountService {
  private readonly perAccount: RateLimiter;
  private readonly perAddress: RateLimiter;

  constructor(
    private readonly orm: MikroORM,
    private readonly audit: AuditService,
    private readonly options: AccountOptions,
    private readonly log: Logger,
  ) {
    this.perAccount = new RateLimiter(options.loginLimitPerAccount, options.limitWindowMs);
    this.perAddress = new RateLimiter(options.loginLimitPerAddress, options.limitWindowMs);
  }

  async signUp(input: SignUpInput, meta: RequestMeta = {}): Promise<AuthTokens> {
    this.throttle(null, meta);
    const data = parseInput(signUpInput, input, invalid);
    const em = this.orm.em.fork();
    const user = await insertUser(em, { name: data.name, email: data.email, password: data.password, role: 'DRIVER', organisationId: null });
    if (!user) throw new AccountsError('ACCOUNT_EMAIL_TAKEN', 'an account with this email already exists', { field: 'email' });
    await this.audit.record('SIGNED_UP', { actorUserId: user.id, subject: data.email, remoteAddress: meta.remoteAddress });
    return this.issueTokens(em, user, randomUUID(), meta);
  }

  async login(email: string, password: string, meta: RequestMeta = {}): Promise<AuthTokens> {
    const normalised = EMAIL.safeParse(email);
    const key = normalised.success ? normalised.data : String(email).trim().toLowerCase().slice(0, 320);
    this.throttle(key, meta);
    if (typeof password !== 'string' || password.length > 256) {
      throw new AccountsError('INVALID_ACCOUNT_INPUT', 'password: must be at most 256 characters', { field: 'password' });
    }
    const em = this.orm.em.fork();
    const user = normalised.success
      ? await em.findOne(UserSchema, { email: key })
      : null;
    const ok = user?.passwordHash ? await verifyPassword(user.passwordHash, password) : await verifyNothing(password);
    if (!ok || !user || user.disabledAt) {
      this.countFailure(key, meta);
      await this.audit.record('LOGIN_FAILED', {
        actorUserId: user?.id ?? null,
        subject: key,
        organisationId: orgIdOf(user),
        remoteAddress: meta.remoteAddress,
      });
      throw new AccountsError('INVALID_CREDENTIALS', 'the email or password is wrong');
    }
    this.perAccount.reset(key);
    await this.audit.record('LOGIN_SUCCEEDED', {
      actorUserId: user.id,
      subject: key,
      organisationId: orgIdOf(user),
      remoteAddress: meta.remoteAddress,
    });
    return this.issueTokens(em, user, randomUUID(), meta);
  }

  /**
   * Trades a refresh token for a new pair. The presented token is rotated exactly once (a
   * conditional update decides races); presenting a rotated or revoked token again revokes
   * its whole family, so a thief and the rightful client both have to log in again.
   */
  async refresh(refreshToken: string, meta: RequestMeta = {}): Promise<AuthTokens> {
    this.throttle(null, meta);
    const token = parseInput(OPAQUE_TOKEN, refreshToken, invalid);
    const em = this.orm.em.fork();
    const row = await em.findOne(RefreshTokenSchema, { tokenHash: hashToken(token) }, { populate: ['user'] });
    const now = new Date();
    if (!row) {
      this.countFailure(null, meta);
      throw new AccountsError('INVALID_REFRESH_TOKEN', 'the refresh token is not valid');
    }
    const user = row.user as unknown as User;
    if (row.rotatedAt || row.revokedAt) {
      if (row.rotatedAt) await this.revokeFamily(em, row.familyId, now, user, meta);
      throw new AccountsError('INVALID_REFRESH_TOKEN', 'the refresh token is not valid');
    }
    if (row.expiresAt <= now || user.disabledAt) {
      throw new AccountsError('INVALID_REFRESH_TOKEN', 'the refresh token is not valid');
    }
    const claimed = await em.nativeUpdate(RefreshTokenSchema, { id: row.id, rotatedAt: null, revokedAt: null }, { rotatedAt: now });
    if (claimed !== 1) {
      // Another request rotated it a moment ago: the same token used twice.
      await this.revokeFamily(em, row.familyId, now, user, meta);
      throw new AccountsError('INVALID_REFRESH_TOKEN', 'the refresh token is not valid');
    }
    return this.issueTokens(em, user, row.familyId, meta);
  }

  /** Ends the login the refresh token belongs to (its whole family). Unknown tokens are ignored. */
  async logout(refreshToken: string, meta: RequestMeta = {}): Promise<void> {
    const token = parseInput(OPAQUE_TOKEN, refreshToken, invalid);
    const em = this.orm.em.fork();
    const row = await em.findOne(RefreshTokenSchema, { tokenHash: hashToken(token) });
    if (!row) return;
    await em.nativeUpdate(RefreshTokenSchema, { familyId: row.familyId, revokedAt: null }, { revokedAt: new Date() });
    const userId = requiredRefId(row.user);
    await this.audit.record('LOGGED_OUT', { actorUserId: userId, remoteAddress: meta.remoteAddress });
  }

  /** Ends every login of the user: refresh tokens revoked, access tokens void at once. */
  async logoutEverywhere(userId: string, meta: RequestMeta = {}): Promise<void> {
    const em = this.orm.em.fork();
    await this.endAllLogins(em, userId);
    await this.audit.record('LOGGED_OUT', { actorUserId: userId, remoteAddress: meta.remoteAddress, details: { everywhere: true } });
  }

  async changePassword(userId: string, currentPassword: string, newPassword: string, meta: RequestMeta = {}): Promise<AuthTokens> {
    this.throttle(`user:${userId}`, meta);
    const next = parseInput(PASSWORD, newPassword, (m) => invalid(`newPassword: ${m.replace(/^input: /, '')}`, 'newPassword'));
    const em = this.orm.em.fork();
    const user = await em.findOne(UserSchema, { id: userId });
    if (!user) throw new AccountsError('INVALID_CREDENTIALS', 'the current password is wrong');
    const ok =
      typeof currentPassword === 'string' && currentPassword.length <= 256 && user.passwordHash
        ? await verifyPassword(user.passwordHash, currentPassword)
        : await verifyNothing(String(currentPassword).slice(0, 256));
    if (!ok) {
      this.countFailure(`user:${userId}`, meta);
      await this.audit.record('LOGIN_FAILED', { actorUserId: userId, subject: user.email, remoteAddress: meta.remoteAddress, details: { during: 'changePassword' } });
      throw new AccountsError('INVALID_CREDENTIALS', 'the current password is wrong');
    }
    user.passwordHash = await hashPassword(next);
    await em.flush();
    await this.endAllLogins(em, userId);
    await this.audit.record('PASSWORD_CHANGED', { actorUserId: userId, subject: user.email, organisationId: orgIdOf(user), remoteAddress: meta.remoteAddress });
    await em.refresh(user);
    return this.issueTokens(em, user, randomUUID(), meta);
  }

  /**
   * Starts a reset for the account with this email, if there is one. The caller learns
   * nothing either way: the same (empty) answer, rate limited per email and address.
   */
  async requestPasswordReset(email: string, meta: RequestMeta = {}): Promise<void> {
    const normalised = EMAIL.safeParse(email);
    const key = normalised.success ? normalised.data : String(email).trim().toLowerCase().slice(0, 320);
    this.throttle(`reset:${key}`, meta);
    this.countFailure(`reset:${key}`, meta);
    if (!normalised.success) return;
    const em = this.orm.em.fork();
    const user = await em.findOne(UserSchema, { email: key });
    if (!user || user.disabledAt) return;
    const reset = await this.createReset(em, user);
    await this.audit.record('PASSWORD_RESET_REQUESTED', { actorUserId: user.id, subject: key, remoteAddress: meta.remoteAddress });
    try {
      this.options.deliverPasswordReset({ email: key, userId: user.id, token: reset.token, expiresAt: reset.expiresAt });
    } catch (err) {
      this.log.error('password reset delivery failed', { userId: user.id, err });
    }
  }

  /** For support staff: a reset token for a user, handed over out of band. */
  async issuePasswordReset(caller: Caller, userId: string): Promise<{ token: string; expiresAt: Date }> {
    const em = this.orm.em.fork();
    const user = isUuid(userId) ? await em.findOne(UserSchema, { id: userId }) : null;
    if (!user) throw new AccountsError('INVALID_ACCOUNT_INPUT', `no user with id ${userId}`, { field: 'userId' });
    const reset = await this.createReset(em, user);
    await this.audit.record('PASSWORD_RESET_REQUESTED', {
      ...auditedBy(caller),
      subject: user.email,
      details: { forUserId: user.id, issuedBySupport: true },
    });
    return reset;
  }

  /** Sets a new password with a reset token: once, before it expires; every login ends. */
  async resetPassword(resetToken: string, newPassword: string, meta: RequestMeta = {}): Promise<void> {
    this.throttle(null, meta);
    const token = parseInput(OPAQUE_TOKEN, resetToken, invalid);
    const next = parseInput(PASSWORD, newPassword, (m) => invalid(`newPassword: ${m.replace(/^input: /, '')}`, 'newPassword'));
    const em = this.orm.em.fork();
    const now = new Date();
    const row = await em.findOne(PasswordResetSchema, { tokenHash: hashToken(token) });
    if (!row || row.usedAt || row.expiresAt <= now) {
      this.countFailure(null, meta);
      throw new AccountsError('INVALID_RESET_TOKEN', 'the reset token is not valid or has expired');
    }
    // Single use, even against two requests racing with the same token.
    const claimed = await em.nativeUpdate(PasswordResetSchema, { id: row.id, usedAt: null }, { usedAt: now });
    if (claimed !== 1) throw new AccountsError('INVALID_RESET_TOKEN', 'the reset token is not valid or has expired');
    const userId = requiredRefId(row.user);
    await em.nativeUpdate(UserSchema, { id: userId }, { passwordHash: await hashPassword(next) });
    // Any other outstanding reset of this account dies with this one.
    await em.nativeUpdate(PasswordResetSchema, { user: userId, usedAt: null }, { usedAt: now });
    await this.endAllLogins(em, userId);
    await this.audit.record('PASSWORD_RESET_COMPLETED', { actorUserId: userId, remoteAddress: meta.remoteAddress });
  }

  /** The caller behind an access token, read fresh: role, organisation and disabling apply at once. */
  async viewerFromAccessToken(token: string): Promise<Viewer | null> {
    const claims = await this.options.accessTokens.verify(token);
    if (!claims || !isUuid(claims.userId)) return null;
    const user = await this.orm.em.fork().findOne(UserSchema, { id: claims.userId });
    if (!user || user.disabledAt || user.tokenVersion !== claims.tokenVersion) return null;
    return { kind: 'user', userId: user.id, role: user.role, organisationId: orgIdOf(user), label: user.email ?? user.name };
  }

  /**
   * Creates the first admin from configuration, once: an existing account with that email is
   * left exactly as it is (its password is never overwritten).
   */
  async ensureAdmin(email: string, password: string): Promise<'created' | 'exists'> {
    const data = parseInput(z.object({ email: EMAIL, password: PASSWORD }), { email, password }, (m, f) =>
      invalid(`ADMIN_${f.toUpperCase()}: ${m}`, f),
    );
    const em = this.orm.em.fork();
    if (await em.findOne(UserSchema, { email: data.email })) return 'exists';
    // null: another node created it a moment ago.
    const admin = await insertUser(em, { name: 'Administrator', email: data.email, password: data.password, role: 'ADMIN', organisationId: null });
    if (!admin) return 'exists';
    await this.audit.record('USER_CREATED', { actorLabel: 'system', subject: data.email, details: { role: 'ADMIN', from: 'ADMIN_EMAIL' } });
    return 'created';
  }

  private throttle(accountKey: string | null, meta: RequestMeta): void {
    const waits = [accountKey ? this.perAccount.retryAfter(accountKey) : 0, meta.remoteAddress ? this.perAddress.retryAfter(meta.remoteAddress) : 0];
    const retryAfterSeconds = Math.max(...waits);
    if (retryAfterSeconds > 0) {
      void this.audit.record('LOGIN_RATE_LIMITED', { subject: accountKey, remoteAddress: meta.remoteAddress, details: { retryAfterSeconds } });
      throw new AccountsError('RATE_LIMITED', `too many attempts; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
    }
  }

  private countFailure(accountKey: string | null, meta: RequestMeta): void {
    if (accountKey) this.perAccount.hit(accountKey);
    if (meta.remoteAddress) this.perAddress.hit(meta.remoteAddress);
  }

  private async createReset(em: EntityManager, user: User): Promise<{ token: string; expiresAt: Date }> {
    const secret = newSecretToken();
    const token = `pr_${secret.token}`;
    const expiresAt = new Date(Date.now() + this.options.passwordResetTtlSeconds * 1000);
    em.create(PasswordResetSchema, { user, tokenHash: hashToken(token), expiresAt, usedAt: null });
    await em.flush();
    return { token, expiresAt };
  }

  private async revokeFamily(em: EntityManager, familyId: string, now: Date, user: User, meta: RequestMeta): Promise<void> {
    await em.nativeUpdate(RefreshTokenSchema, { familyId, revokedAt: null }, { revokedAt: now });
    await this.audit.record('REFRESH_TOKEN_REUSED', {
      actorUserId: user.id,
      subject: user.email,
      organisationId: orgIdOf(user),
      remoteAddress: meta.remoteAddress,
      details: { familyId },
    });
  }

  private async endAllLogins(em: EntityManager, userId: string): Promise<void> {
    await em.nativeUpdate(RefreshTokenSchema, { user: userId, revokedAt: null }, { revokedAt: new Date() });
    await em.getConnection().execute('update app_user set token_version = token_version + 1 where id = ?', [userId]);
  }

  private async issueTokens(em: EntityManager, user: User, familyId: string, meta: RequestMeta): Promise<AuthTokens> {
    const now = Date.now();
    const secret = newSecretToken();
    const refreshToken = `rt_${secret.token}`;
    const refreshExpiresAt = new Date(now + this.options.refreshTokenTtlSeconds * 1000);
    em.create(RefreshTokenSchema, {
      user,
      familyId,
      tokenHash: hashToken(refreshToken),
      expiresAt: refreshExpiresAt,
      rotatedAt: null,
      revokedAt: null,
      remoteAddress: meta.remoteAddress?.slice(0, 64) ?? null,
    });
    await em.flush();
    const accessToken = await this.options.accessTokens.sign({ userId: user.id, tokenVersion: user.tokenVersion });
    return {
      accessToken,
      accessTokenExpiresAt: new Date(now + this.options.accessTokens.ttlSeconds * 1000).toISOString(),
      refreshToken,
      refreshTokenExpiresAt: refreshExpiresAt.toISOString(),
      user: toUserView(user),
    };
  }
}

const orgIdOf = (user: User | null | undefined): string | null => refId(user?.organisation);

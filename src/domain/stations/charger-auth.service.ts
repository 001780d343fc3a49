import type { Logger } from '../../logger.js';
import type { AuditService } from '../audit/audit.service.js';
import { PasswordCheckCache } from './password-check-cache.js';
import { RefusalThrottle } from './refusal-throttle.js';
import type { StationRegistry } from './station-registry.service.js';
import type { SecurityProfile, StationCredentials } from './station.types.js';
import { passwordFingerprint, verifyStationPassword } from './station-password.js';

/** What the charger offered at the WebSocket handshake, decoded at the HTTP edge. */
export interface ChargerHandshake {
  identity: string;
  /** The Authorization header: absent, unreadable, or Basic with `<user>:<password>`. */
  credentials: { kind: 'none' } | { kind: 'malformed' } | { kind: 'basic'; userPass: string };
  /** Over TLS, ours or a trusted proxy's. */
  secure: boolean;
  remoteAddress: string | undefined;
}

export const CHARGER_REFUSAL_REASONS = [
  'UNKNOWN_IDENTITY',
  'NO_CREDENTIALS',
  'MALFORMED_CREDENTIALS',
  'WRONG_USERNAME',
  'WRONG_PASSWORD',
  'UNSECURED_NOT_ALLOWED',
  'PROFILE_DOWNGRADE',
] as const;
export type ChargerRefusalReason = (typeof CHARGER_REFUSAL_REASONS)[number];

export type ChargerAdmission =
  | { admitted: true; securityProfile: SecurityProfile; registered: boolean }
  | { admitted: false; reason: ChargerRefusalReason; message: string }
  /** Too many password checks queued: not a verdict on the charger, it should retry. */
  | { admitted: false; reason: 'BUSY'; message: string };

export interface ChargerAuthOptions {
  /** Stations without a password may connect without Basic auth (profile 0). */
  allowUnsecured: boolean;
  /** How long a password check is remembered. Default 5 minutes. */
  checkCacheTtlMs?: number;
  /** Audit at most one refusal per identity and reason per window. Default 1 minute. */
  refusalAuditWindowMs?: number;
  /** And at most this many refusal rows per window on this node. Default 600. */
  maxRefusalRowsPerWindow?: number;
  /** argon2 checks running at once; the rest queue. Default 2 (of libuv's 4 threads). */
  maxConcurrentChecks?: number;
  /** Checks allowed to wait; beyond that a handshake is answered 503. Default 5000. */
  maxQueuedChecks?: number;
}

/**
 * Decides at the WebSocket handshake whether a charger may connect, following the OCPP
 * security profiles: 0 no authentication, 1 HTTP Basic auth (user = identity, password =
 * the station's AuthorizationKey / BasicAuthPassword), 2 the same over TLS. A station may
 * never connect below the profile it reached; every refusal is audited (throttled).
 */
export class ChargerAuthService {
  /** Counters for the curious (and the tests): argon2 runs, and checks answered from memory. */
  readonly stats = { passwordChecks: 0, cachedChecks: 0 };
  private readonly cache: PasswordCheckCache;
  private readonly throttle: RefusalThrottle;
  private readonly limiter: Limiter;

  constructor(
    private readonly stations: StationRegistry,
    private readonly audit: AuditService,
    private readonly options: ChargerAuthOptions,
    private readonly log: Logger,
  ) {
    this.cache = new PasswordCheckCache(options.checkCacheTtlMs ?? 5 * 60_000, 50_000);
    this.throttle = new RefusalThrottle(options.refusalAuditWindowMs ?? 60_000, options.maxRefusalRowsPerWindow ?? 600);
    this.limiter = new Limiter(options.maxConcurrentChecks ?? 2, options.maxQueuedChecks ?? 5000);
  }

  async authenticate(handshake: ChargerHandshake): Promise<ChargerAdmission> {
    const { identity, credentials, secure } = handshake;
    let registered = false;
    let station = await this.stations.credentialsOf(identity);
    if (!station) {
      registered = (await this.stations.admit(identity)) === 'registered';
      station = registered ? await this.stations.credentialsOf(identity) : null;
      if (!station) return this.refuse(handshake, null, 'UNKNOWN_IDENTITY', 'Unknown charge point identity');
    }

    if (!station.passwordHash) {
      if (station.securityProfile > 0) {
        // Only reachable by editing the database: a profile needs a password to be met.
        return this.refuse(handshake, station, 'PROFILE_DOWNGRADE', `Station requires security profile ${station.securityProfile} but has no password`);
      }
      if (!this.options.allowUnsecured) {
        return this.refuse(handshake, station, 'UNSECURED_NOT_ALLOWED', 'Station has no password and unsecured connections are not allowed');
      }
      return { admitted: true, securityProfile: 0, registered };
    }

    if (credentials.kind === 'none') return this.refuse(handshake, station, 'NO_CREDENTIALS', 'Basic authentication required');
    if (credentials.kind === 'malformed') return this.refuse(handshake, station, 'MALFORMED_CREDENTIALS', 'Malformed Authorization header');
    // The user id is the identity exactly; the password is the rest (it may contain colons).
    if (!credentials.userPass.startsWith(`${identity}:`)) {
      return this.refuse(handshake, station, 'WRONG_USERNAME', 'Invalid credentials');
    }
    const password = credentials.userPass.slice(identity.length + 1);

    // Checked before the password: a refusal here costs no argon2.
    const offered: SecurityProfile = secure ? 2 : 1;
    if (offered < station.securityProfile) {
      return this.refuse(handshake, station, 'PROFILE_DOWNGRADE', `Station requires security profile ${station.securityProfile} (TLS)`);
    }

    const ok = await this.checkPassword(identity, station.passwordHash, password);
    if (ok === 'busy') {
      this.log.warn('charger password checks saturated; asking a charger to retry', { identity });
      return { admitted: false, reason: 'BUSY', message: 'Server busy, retry later' };
    }
    if (!ok) return this.refuse(handshake, station, 'WRONG_PASSWORD', 'Invalid credentials');

    if (offered > station.securityProfile && (await this.stations.raiseSecurityProfile(identity, offered))) {
      this.log.info('station reached a higher security profile', { identity, from: station.securityProfile, to: offered });
    }
    return { admitted: true, securityProfile: offered, registered };
  }

  private async checkPassword(identity: string, passwordHash: string, password: string): Promise<boolean | 'busy'> {
    const fingerprint = passwordFingerprint(password);
    const known = this.cache.get(identity, fingerprint, passwordHash);
    if (known !== undefined) {
      this.stats.cachedChecks += 1;
      return known;
    }
    const ok = await this.limiter.run(() => verifyStationPassword(passwordHash, password));
    if (ok === undefined) return 'busy';
    this.stats.passwordChecks += 1;
    this.cache.set(identity, fingerprint, passwordHash, ok);
    return ok;
  }

  private async refuse(
    handshake: ChargerHandshake,
    station: StationCredentials | null,
    reason: ChargerRefusalReason,
    message: string,
  ): Promise<ChargerAdmission> {
    const { write, suppressed, overflow } = this.throttle.admit(handshake.identity, reason);
    if (overflow) this.log.warn('too many refused chargers; not auditing more this minute', { reason });
    if (write) {
      await this.audit.record('CHARGER_REFUSED', {
        subject: handshake.identity,
        organisationId: station?.organisationId ?? null,
        remoteAddress: handshake.remoteAddress ?? null,
        details: {
          reason,
          tls: handshake.secure,
          ...(station ? { requiredProfile: station.securityProfile } : {}),
          // Same refusals left out of the log since the previous row.
          repeatedSincePrevious: suppressed,
        },
      });
    }
    return { admitted: false, reason, message };
  }
}

/** Runs at most `concurrency` tasks at once; refuses (undefined) when `maxQueued` already wait. */
class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxQueued: number,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T | undefined> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxQueued) return undefined;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter, or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}

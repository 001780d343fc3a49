import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { Dec, isCurrency, minorDigits } from './domain/pricing/money.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const seconds = z.coerce.number().int().positive();

// One schema over the environment; nothing else in the codebase reads process.env.
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('0.0.0.0'),
  NODE_ID: z.string().min(1).optional(),
  // A node that renews nothing for NODE_LEASE_TTL_SECONDS is taken for dead: its stations go offline.
  NODE_LEASE_TTL_SECONDS: z.coerce.number().int().min(2).max(3600).default(60),
  NODE_LEASE_RENEW_SECONDS: seconds.default(15),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().positive().default(10),
  EMBEDDED_PG_DIR: z.string().default('.data/postgres'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  // As root only: where the embedded data and binaries go when the postgres OS user cannot reach them.
  EMBEDDED_PG_FALLBACK_DIR: z.string().default('/var/lib/voltline-csms'),
  REDIS_URL: z.string().optional(),
  EVENTS_CHANNEL_PREFIX: z.string().default('csms'),
  OCPP_AUTO_REGISTER: bool.default('false'),
  // Profile 0 (no Basic auth) for stations without a password. On by default so a first
  // charger connects as the quick start says; production should turn it off.
  OCPP_ALLOW_UNSECURED: bool.default('true'),
  TLS_CERT_FILE: z.string().optional(),
  TLS_KEY_FILE: z.string().optional(),
  TRUST_PROXY: bool.default('false'),
  OCPP_HEARTBEAT_INTERVAL: seconds.default(300),
  OCPP_PING_INTERVAL: seconds.default(30),
  OCPP_CALL_TIMEOUT: seconds.default(30),
  // Handshake admission (src/ocpp/handshake-gate.ts): running at once, waiting, longest wait.
  OCPP_HANDSHAKE_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(256),
  OCPP_HANDSHAKE_QUEUE: z.coerce.number().int().min(0).max(100_000).default(2000),
  OCPP_HANDSHAKE_MAX_WAIT: seconds.default(5),
  // Sessions one id token may have at once (a token may override it); 0: no limit.
  AUTH_MAX_CONCURRENT_SESSIONS: z.coerce.number().int().min(0).max(1000).default(1),
  // Replaced by AUTH_MAX_CONCURRENT_SESSIONS; kept only to say so instead of silently ignoring it.
  AUTH_ALLOW_CONCURRENT_TX: z.string().optional(),
  // Signs access tokens (HS256). Required with DATABASE_URL; the embedded default generates one.
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ADMIN_EMAIL: z.string().email().optional(),
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  AUTH_ACCESS_TOKEN_TTL: seconds.default(900),
  AUTH_REFRESH_TOKEN_TTL: seconds.default(30 * 24 * 3600),
  AUTH_PASSWORD_RESET_TTL: seconds.default(3600),
  AUTH_LOGIN_LIMIT_PER_ACCOUNT: z.coerce.number().int().positive().default(5),
  AUTH_LOGIN_LIMIT_PER_ADDRESS: z.coerce.number().int().positive().default(50),
  AUTH_LIMIT_WINDOW: seconds.default(900),
  AUTH_WS_RECHECK_INTERVAL: seconds.default(30),
  // Development only: write password reset tokens to the log (there is no mail delivery).
  AUTH_LOG_RESET_TOKENS: bool.default('false'),
  // Limits of the public GraphQL API (see README "API limits").
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().positive().default(10),
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(0).default(30),
  GRAPHQL_MAX_COST: z.coerce.number().int().positive().default(25000),
  GRAPHQL_MAX_TOKENS: z.coerce.number().int().positive().default(5000),
  GRAPHQL_MAX_DIRECTIVES: z.coerce.number().int().min(0).default(50),
  GRAPHQL_MAX_BODY_BYTES: z.coerce.number().int().positive().default(2 * 1024 * 1024),
  GRAPHQL_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().default(20),
  GRAPHQL_RATE_LIMIT_BURST: z.coerce.number().int().positive().default(100),
  GRAPHQL_WS_MAX_BUFFERED_BYTES: z.coerce.number().int().positive().default(4 * 1024 * 1024),
  METER_BATCH_MAX_ROWS: z.coerce.number().int().positive().default(5000),
  METER_BATCH_MAX_WAIT_MS: z.coerce.number().int().min(0).default(10),
  METER_RETENTION_DAYS: z.coerce.number().int().positive().max(36_500).optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  PUBLIC_URL: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'must be an http:// or https:// URL')
    .optional(),
  FILES_DIR: z.string().default('.data/files'),
  // Sizes are answered as GraphQL Int, so at most 2^31 - 1 bytes.
  DIAGNOSTICS_MAX_BYTES: z.coerce.number().int().positive().max(2 ** 31 - 1).default(64 * 1024 * 1024),
  // The PostgreSQL schema of the job queue's tables, and how often an idle worker looks for work.
  JOBS_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a lower-case SQL identifier').default('pgboss'),
  JOBS_POLL_INTERVAL: z.coerce.number().min(0.5).max(600).default(2),
  // ISO 4217: the currency of sessions no tariff applied to (recorded at no cost).
  BILLING_DEFAULT_CURRENCY: z
    .string()
    .refine((c) => isCurrency(c), 'an ISO 4217 currency code, e.g. EUR')
    .default('EUR'),
  // Seconds between re-pricing a long session's running cost (short ones re-price on every sample).
  LIVE_COST_INTERVAL: z.coerce.number().min(0).max(3600).default(30),
  FIRMWARE_MAX_BYTES: z.coerce.number().int().positive().max(2 ** 31 - 1).default(512 * 1024 * 1024),
  // Who we are in OCPI (the sender of exported Tariff objects): not secrets, so defaults are fine.
  OCPI_COUNTRY_CODE: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 country code, e.g. NL')
    .transform((v) => v.toUpperCase())
    .default('NL'),
  OCPI_PARTY_ID: z
    .string()
    .regex(/^[A-Za-z0-9]{3}$/, '3 letters or digits (ISO 15118 party id), e.g. CSM')
    .transform((v) => v.toUpperCase())
    .default('CSM'),
  // Card payment (Stripe). Without STRIPE_SECRET_KEY card payment is off.
  STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_/, 'a Stripe secret or restricted key (sk_... or rk_...)').optional(),
  STRIPE_WEBHOOK_SECRET: z.string().regex(/^whsec_/, 'a webhook signing secret (whsec_...)').optional(),
  STRIPE_PUBLISHABLE_KEY: z.string().regex(/^pk_/, 'a publishable key (pk_...)').optional(),
  // A stand-in or a proxy instead of api.stripe.com.
  STRIPE_API_HOST: z.string().min(1).optional(),
  STRIPE_API_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  STRIPE_API_PROTOCOL: z.enum(['http', 'https']).optional(),
  PAYMENT_HOLD_AMOUNT: z.string().regex(/^\d{1,7}(\.\d{1,3})?$/, 'a positive decimal amount, e.g. 50.00').default('50.00'),
  PAYMENT_CURRENCY: z.string().refine(isCurrency, 'an ISO 4217 currency code, e.g. EUR').default('EUR'),
  PAYMENT_HOLD_TTL: seconds.default(15 * 60),
  // May a driver with no payment method and no billing account start (billed later)? The operator's policy.
  PAYMENT_REQUIRED: bool.default('false'),
  // May a driver with an unpaid invoice start another session? The operator's policy.
  PAYMENT_BLOCK_UNPAID: bool.default('false'),
}).superRefine((e, ctx) => {
  // Half a TLS configuration is a mistake, not a reason to serve plain HTTP.
  if (Boolean(e.TLS_CERT_FILE) !== Boolean(e.TLS_KEY_FILE)) {
    const missing = e.TLS_CERT_FILE ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE';
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: [missing], message: 'TLS_CERT_FILE and TLS_KEY_FILE go together' });
  }
  if (Boolean(e.ADMIN_EMAIL) !== Boolean(e.ADMIN_PASSWORD)) {
    const missing = e.ADMIN_EMAIL ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL';
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: [missing], message: 'ADMIN_EMAIL and ADMIN_PASSWORD go together' });
  }
  if (e.AUTH_ALLOW_CONCURRENT_TX !== undefined) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['AUTH_ALLOW_CONCURRENT_TX'],
      message: 'replaced by AUTH_MAX_CONCURRENT_SESSIONS (sessions per token at once; 0: no limit)',
    });
  }
  if (e.STRIPE_SECRET_KEY || e.STRIPE_WEBHOOK_SECRET || e.STRIPE_PUBLISHABLE_KEY) {
    for (const key of ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'STRIPE_PUBLISHABLE_KEY'] as const) {
      if (!e[key]) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: 'STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET and STRIPE_PUBLISHABLE_KEY go together' });
      }
    }
  }
  if (new Dec(e.PAYMENT_HOLD_AMOUNT).lte(0) || new Dec(e.PAYMENT_HOLD_AMOUNT).decimalPlaces() > minorDigits(e.PAYMENT_CURRENCY)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['PAYMENT_HOLD_AMOUNT'], message: `a positive amount with at most ${minorDigits(e.PAYMENT_CURRENCY)} decimals in ${e.PAYMENT_CURRENCY}` });
  }
  // A node must renew before its lease runs out, else it is taken for dead between two renewals.
  if (e.NODE_LEASE_RENEW_SECONDS >= e.NODE_LEASE_TTL_SECONDS) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['NODE_LEASE_RENEW_SECONDS'], message: `must be less than NODE_LEASE_TTL_SECONDS (${e.NODE_LEASE_TTL_SECONDS})` });
  }
  // A secret made up on the spot would log everyone out on each restart, and differ per node.
  if (e.DATABASE_URL && !e.JWT_SECRET) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['JWT_SECRET'], message: 'required when DATABASE_URL is set (e.g. `openssl rand -base64 48`)' });
  }
});

export interface Config {
  port: number;
  host: string;
  nodeId: string;
  /** This node's liveness claim: renewed every renewSeconds, taken for dead after ttlSeconds. */
  nodeLease: { ttlSeconds: number; renewSeconds: number };
  database: { url: string; poolMax: number } | { embedded: { dir: string; port: number; fallbackDir: string } };
  redisUrl: string | undefined;
  eventsChannelPrefix: string;
  /** Serve HTTPS/WSS on the one port with this certificate and key (PEM files). */
  tls: { certFile: string; keyFile: string } | null;
  /**
   * Behind a TLS-terminating proxy: believe its X-Forwarded-Proto and X-Forwarded-For.
   * Only safe when nothing but the proxy can reach the port.
   */
  trustProxy: boolean;
  ocpp: {
    autoRegister: boolean;
    /** Stations without a password may connect without Basic auth (security profile 0). */
    allowUnsecured: boolean;
    heartbeatIntervalSeconds: number;
    pingIntervalMs: number;
    callTimeoutMs: number;
    handshakes: { concurrency: number; maxQueued: number; maxWaitMs: number };
  };
  /** Sessions one id token may have at once unless the token says otherwise; 0: no limit. */
  authorization: { maxConcurrentSessions: number };
  auth: {
    /** The secret itself, or (embedded default only) the file it is generated into once. */
    jwtSecret: { value: string } | { generatedFile: string };
    admin: { email: string; password: string } | null;
    accessTokenTtlSeconds: number;
    refreshTokenTtlSeconds: number;
    passwordResetTtlSeconds: number;
    loginLimitPerAccount: number;
    loginLimitPerAddress: number;
    limitWindowMs: number;
    logResetTokens: boolean;
    /** How often a graphql-ws connection's credential is checked again. */
    wsRecheckIntervalMs: number;
  };
  graphqlLimits: {
    maxDepth: number;
    maxAliases: number;
    maxCost: number;
    maxTokens: number;
    maxDirectives: number;
    /** A larger HTTP body is refused (413) before it is read; also graphql-ws' maxPayload. */
    maxBodyBytes: number;
    /** Token bucket per caller (user, API key, else address) on each node. */
    ratePerSecond: number;
    rateBurst: number;
    /** A graphql-ws client whose unsent data passes this is cut off (a consumer that stopped reading). */
    wsMaxBufferedBytes: number;
  };
  meterBatch: { maxRows: number; maxWaitMs: number };
  /** Days of meter samples kept (whole day partitions dropped after); null: forever. */
  meterRetentionDays: number | null;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Base URL chargers reach this server at (upload and download locations); unset: the listening address. */
  publicUrl: string | undefined;
  files: { dir: string; diagnosticsMaxBytes: number; firmwareMaxBytes: number };
  jobs: { schema: string; pollingIntervalSeconds: number };
  billing: { defaultCurrency: string; liveCostIntervalMs: number };
  /** Our OCPI party: country_code and party_id of the Tariff objects we export. */
  ocpi: { countryCode: string; partyId: string };
  payments: PaymentsConfig;
}

export interface PaymentsConfig {
  /** Null: card payment is off. */
  stripe: {
    secretKey: string;
    webhookSecret: string;
    publishableKey: string;
    api: { host?: string; port?: number; protocol?: 'http' | 'https' };
  } | null;
  /** Decimal string in `currency`, held before a start. */
  holdAmount: string;
  currency: string;
  /** A hold never attached to a session is released after this. */
  holdTtlSeconds: number;
  /** Refuse a start without a payment method or a billing account. */
  required: boolean;
  /** Refuse a start while the driver owes on an open invoice. */
  blockUnpaid: boolean;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "not set", as in most shells' `FOO= npm start`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    // Stations are tracked per node; two nodes on one host differ by port.
    nodeId: e.NODE_ID ?? `${hostname()}:${e.PORT}`,
    nodeLease: { ttlSeconds: e.NODE_LEASE_TTL_SECONDS, renewSeconds: e.NODE_LEASE_RENEW_SECONDS },
    database: e.DATABASE_URL
      ? { url: e.DATABASE_URL, poolMax: e.DATABASE_POOL_MAX }
      : { embedded: { dir: resolve(e.EMBEDDED_PG_DIR), port: e.EMBEDDED_PG_PORT, fallbackDir: resolve(e.EMBEDDED_PG_FALLBACK_DIR) } },
    redisUrl: e.REDIS_URL,
    eventsChannelPrefix: e.EVENTS_CHANNEL_PREFIX,
    tls: e.TLS_CERT_FILE && e.TLS_KEY_FILE ? { certFile: resolve(e.TLS_CERT_FILE), keyFile: resolve(e.TLS_KEY_FILE) } : null,
    trustProxy: e.TRUST_PROXY,
    ocpp: {
      autoRegister: e.OCPP_AUTO_REGISTER,
      allowUnsecured: e.OCPP_ALLOW_UNSECURED,
      heartbeatIntervalSeconds: e.OCPP_HEARTBEAT_INTERVAL,
      pingIntervalMs: e.OCPP_PING_INTERVAL * 1000,
      callTimeoutMs: e.OCPP_CALL_TIMEOUT * 1000,
      handshakes: {
        concurrency: e.OCPP_HANDSHAKE_CONCURRENCY,
        maxQueued: e.OCPP_HANDSHAKE_QUEUE,
        maxWaitMs: e.OCPP_HANDSHAKE_MAX_WAIT * 1000,
      },
    },
    authorization: { maxConcurrentSessions: e.AUTH_MAX_CONCURRENT_SESSIONS },
    auth: {
      jwtSecret: e.JWT_SECRET
        ? { value: e.JWT_SECRET }
        : { generatedFile: join(dirname(resolve(e.EMBEDDED_PG_DIR)), 'jwt-secret') },
      admin: e.ADMIN_EMAIL && e.ADMIN_PASSWORD ? { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD } : null,
      accessTokenTtlSeconds: e.AUTH_ACCESS_TOKEN_TTL,
      refreshTokenTtlSeconds: e.AUTH_REFRESH_TOKEN_TTL,
      passwordResetTtlSeconds: e.AUTH_PASSWORD_RESET_TTL,
      loginLimitPerAccount: e.AUTH_LOGIN_LIMIT_PER_ACCOUNT,
      loginLimitPerAddress: e.AUTH_LOGIN_LIMIT_PER_ADDRESS,
      limitWindowMs: e.AUTH_LIMIT_WINDOW * 1000,
      logResetTokens: e.AUTH_LOG_RESET_TOKENS,
      wsRecheckIntervalMs: e.AUTH_WS_RECHECK_INTERVAL * 1000,
    },
    graphqlLimits: {
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxCost: e.GRAPHQL_MAX_COST,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
      maxBodyBytes: e.GRAPHQL_MAX_BODY_BYTES,
      ratePerSecond: e.GRAPHQL_RATE_LIMIT_PER_SECOND,
      rateBurst: e.GRAPHQL_RATE_LIMIT_BURST,
      wsMaxBufferedBytes: e.GRAPHQL_WS_MAX_BUFFERED_BYTES,
    },
    meterBatch: { maxRows: e.METER_BATCH_MAX_ROWS, maxWaitMs: e.METER_BATCH_MAX_WAIT_MS },
    meterRetentionDays: e.METER_RETENTION_DAYS ?? null,
    logLevel: e.LOG_LEVEL,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    files: { dir: resolve(e.FILES_DIR), diagnosticsMaxBytes: e.DIAGNOSTICS_MAX_BYTES, firmwareMaxBytes: e.FIRMWARE_MAX_BYTES },
    jobs: { schema: e.JOBS_SCHEMA, pollingIntervalSeconds: e.JOBS_POLL_INTERVAL },
    billing: { defaultCurrency: e.BILLING_DEFAULT_CURRENCY, liveCostIntervalMs: e.LIVE_COST_INTERVAL * 1000 },
    ocpi: { countryCode: e.OCPI_COUNTRY_CODE, partyId: e.OCPI_PARTY_ID },
    payments: {
      stripe:
        e.STRIPE_SECRET_KEY && e.STRIPE_WEBHOOK_SECRET && e.STRIPE_PUBLISHABLE_KEY
          ? {
              secretKey: e.STRIPE_SECRET_KEY,
              webhookSecret: e.STRIPE_WEBHOOK_SECRET,
              publishableKey: e.STRIPE_PUBLISHABLE_KEY,
              api: { host: e.STRIPE_API_HOST, port: e.STRIPE_API_PORT, protocol: e.STRIPE_API_PROTOCOL },
            }
          : null,
      holdAmount: e.PAYMENT_HOLD_AMOUNT,
      currency: e.PAYMENT_CURRENCY,
      holdTtlSeconds: e.PAYMENT_HOLD_TTL,
      required: e.PAYMENT_REQUIRED,
      blockUnpaid: e.PAYMENT_BLOCK_UNPAID,
    },
  };
}

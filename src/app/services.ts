import type { Config } from '../config.js';
import { SYSTEM_CALLER } from '../domain/caller.js';
import type { Database } from '../db/database.js';
import { AccessTokens, resolveJwtSecret } from '../domain/accounts/access-tokens.js';
import { AccountService } from '../domain/accounts/account.service.js';
import { ApiKeyService } from '../domain/accounts/api-key.service.js';
import { StationAccessService } from '../domain/access/station-access.service.js';
import { AuditService } from '../domain/audit/audit.service.js';
import { CdrService } from '../domain/cdrs/cdr.service.js';
import { LiveCosts } from '../domain/cdrs/live-costs.js';
import { SessionCosts } from '../domain/cdrs/session-costs.js';
import { DiagnosticsService } from '../domain/diagnostics/diagnostics.service.js';
import { FirmwareFileService } from '../domain/firmware/firmware-files.service.js';
import { FirmwareProgressService } from '../domain/firmware/firmware-progress.service.js';
import { FirmwareRolloutService } from '../domain/firmware/firmware-rollout.service.js';
import { InvoiceService } from '../domain/invoices/invoice.service.js';
import { MonitoringService } from '../domain/monitoring/monitoring.service.js';
import { LeaseSweepService } from '../domain/nodes/lease-sweep.service.js';
import { NodeLeaseRepository } from '../domain/nodes/node-lease.repository.js';
import { NodeLeaseService } from '../domain/nodes/node-lease.service.js';
import { ChargingLimitService } from '../domain/operations/charging-limit.service.js';
import { CommandRunner } from '../domain/operations/command-runner.js';
import { LocalListService } from '../domain/operations/local-list.service.js';
import { ReservationBook } from '../domain/operations/reservation-book.js';
import { ReservationService } from '../domain/operations/reservation.service.js';
import { StationCommandService } from '../domain/operations/station-command.service.js';
import { StationConfigurationService } from '../domain/operations/station-configuration.service.js';
import type { StationLink } from '../domain/operations/station-link.js';
import { BillingAccountService } from '../domain/payments/billing-account.service.js';
import { GuestCheckoutService } from '../domain/payments/guest-checkout.service.js';
import { PaymentMethodService } from '../domain/payments/payment-method.service.js';
import { PaymentWebhookService } from '../domain/payments/payment-webhook.service.js';
import { PaymentService } from '../domain/payments/payment.service.js';
import { toMinorUnits } from '../domain/pricing/money.js';
import { StripePaymentProvider } from '../payments/stripe/stripe-payment-provider.js';
import { OrganisationService } from '../domain/organisations/organisation.service.js';
import type { InvoiceIssuer } from '../domain/invoices/invoice.ports.js';
import type { OffSessionCharger } from '../domain/payments/payment.ports.js';
import { PlanBillingService } from '../domain/plans/plan-billing.service.js';
import { PlanService } from '../domain/plans/plan.service.js';
import { MeterSampleWriter } from '../domain/sessions/meter-sample-writer.js';
import { MeterPartitionService } from '../domain/sessions/meter-partition.service.js';
import { SessionFactsReader } from '../domain/sessions/session-facts.js';
import { SessionService } from '../domain/sessions/session.service.js';
import { ChargerAuthService } from '../domain/stations/charger-auth.service.js';
import { StationPresence } from '../domain/stations/station-presence.service.js';
import { StationRegistry } from '../domain/stations/station-registry.service.js';
import { StationHotRows } from '../domain/stations/station-hot-rows.js';
import { StationRepository } from '../domain/stations/station.repository.js';
import { StationTelemetry } from '../domain/stations/station-telemetry.service.js';
import { TariffService } from '../domain/tariffs/tariff.service.js';
import { IdTokenService } from '../domain/users/id-token.service.js';
import { UserService } from '../domain/users/user.service.js';
import type { EventBus } from '../events/event-bus.js';
import { LocalFileStore } from '../files/local-file-store.js';
import { jobHandlers, jobSchedules } from '../jobs/index.js';
import { PgBossJobQueue } from '../jobs/job-queue.js';
import type { AppServices } from '../graphql/context.js';
import type { Logger } from '../logger.js';
import type { OcppServices } from '../ocpp/ocpp-services.js';



export interface ServiceDeps {
  config: Config;
  log: Logger;
  database: Database;
  events: EventBus;
  /** The way to the chargers, routed to whichever node holds the socket (bound once the router exists). */
  link: StationLink;
  /** Base URL chargers reach this server at; known once listening. */
  publicUrl: () => string;
  /** Ports of other areas, supplied from outside (tests' own implementations); absent: the wired ones. */
  ports?: Partial<BillingPorts>;
}

/** Ports one billing area offers another, replaceable as a whole (tests record and fail on demand). */
export interface BillingPorts {
  invoices: InvoiceIssuer;
  offSessionCharger: OffSessionCharger;
}

/** The domain, wired: what GraphQL resolvers, OCPP handlers and the HTTP routes may call. */
export interface Services {
  /** For GraphQL resolvers and HTTP routes. */
  app: AppServices;
  /** For OCPP handlers. */
  ocpp: OcppServices;
  chargerAuth: ChargerAuthService;
  presence: StationPresence;
  /** This node's lease: written by recover(), given up by stop() once its stations are offline. */
  lease: Pick<NodeLeaseService, 'stop' | 'onLost'>;
  /** Work a previous run left half-done, put right before taking traffic. */
  recover(): Promise<void>;
  /** Lets in-flight work record its outcome and writes what was acknowledged; after the sockets close. */
  close(): Promise<void>;
}

// The one list of the domain's services. A new area adds its service here and to AppServices.
export async function createServices({ config, log, database, events, link, publicUrl, ports = {} }: ServiceDeps): Promise<Services> {
  const { orm } = database;
  const jobs = new PgBossJobQueue(
    { connectionString: database.url, schema: config.jobs.schema, pollingIntervalSeconds: config.jobs.pollingIntervalSeconds },
    log,
  );
  const audit = new AuditService(orm, log);
  const stationRows = new StationRepository(orm, database.pool);
  const stationHotRows = new StationHotRows(database.pool);
  const monitoring = new MonitoringService(orm, events, stationRows);
  const stations = new StationRegistry(stationRows, stationHotRows, audit, { autoRegister: config.ocpp.autoRegister }, log);
  const presence = new StationPresence(stationRows, stationHotRows, events, { nodeId: config.nodeId }, log, monitoring);
  const leases = new NodeLeaseRepository(orm);
  const lease = new NodeLeaseService(leases, { nodeId: config.nodeId, ...config.nodeLease }, log);
  const leaseSweep = new LeaseSweepService(
    leases,
    {
      nodesConnectedOnlyBefore: (seconds) => stationRows.nodesConnectedOnlyBefore(seconds),
      releaseStationsOfNode: (nodeId, reason) => presence.releaseStationsOfNode(nodeId, reason),
    },
    { ttlSeconds: config.nodeLease.ttlSeconds },
    log,
  );
  const telemetry = new StationTelemetry(stationRows, stationHotRows, events, log, monitoring);
  const chargerAuth = new ChargerAuthService(stations, audit, { allowUnsecured: config.ocpp.allowUnsecured }, log);
  const access = new StationAccessService(orm, audit, stationRows);
  const idTokens = new IdTokenService(orm, audit, access, { maxConcurrentSessions: config.authorization.maxConcurrentSessions });
  const writer = new MeterSampleWriter(database.pool, config.meterBatch, log);
  const meterPartitions = new MeterPartitionService(database.pool, { retentionDays: config.meterRetentionDays, daysAhead: 7, daysBehind: 1 }, log);
  const reservationBook = new ReservationBook(orm, stationRows);
  const organisations = new OrganisationService(orm);
  const users = new UserService(orm, audit);

  // Billing. Plans first (pricing asks them for a driver's benefits and tariff), then tariffs,
  // CDRs and running costs, invoices from CDRs, and payments (Stripe when its keys are set).
  const plans = new PlanService(orm, jobs);
  const tariffs = new TariffService(orm, stationRows, { ocpi: config.ocpi, planTariffs: plans });
  const sessionFacts = new SessionFactsReader(orm);
  const cdrs = new CdrService(orm, sessionFacts, stationRows, tariffs, plans, jobs, {
    party: config.ocpi,
    defaultCurrency: config.billing.defaultCurrency,
  });
  const liveCosts = new LiveCosts(
    tariffs,
    stationRows,
    sessionFacts,
    plans,
    { minIntervalMs: config.billing.liveCostIntervalMs, defaultCurrency: config.billing.defaultCurrency },
    log,
  );
  const costs = new SessionCosts(tariffs, liveCosts, cdrs, log);
  const invoiceService = new InvoiceService(
    orm,
    cdrs,
    {
      organisationName: async (id) => (await organisations.get(SYSTEM_CALLER, id))?.name ?? null,
      customer: async (id) => await users.get(SYSTEM_CALLER, id),
    },
    { publicUrl },
  );
  const invoices: InvoiceIssuer = ports.invoices ?? invoiceService;
  const provider = config.payments.stripe
    ? new StripePaymentProvider({ secretKey: config.payments.stripe.secretKey, webhookSecret: config.payments.stripe.webhookSecret, api: config.payments.stripe.api })
    : null;
  const paymentSettings = {
    publishableKey: config.payments.stripe?.publishableKey ?? null,
    holdAmountMinor: toMinorUnits(config.payments.holdAmount, config.payments.currency),
    currency: config.payments.currency,
    holdTtlMs: config.payments.holdTtlSeconds * 1000,
    required: config.payments.required,
    blockUnpaid: config.payments.blockUnpaid,
    publicUrl,
  };
  const billing = { cdrs, invoices, hasUnpaid: (userId: string) => invoiceService.hasUnpaid(userId) };
  const paymentMethods = new PaymentMethodService(orm, provider, paymentSettings, users, log);
  const billingAccounts = new BillingAccountService(orm, users, billing, log);
  const payments = new PaymentService(orm, provider, paymentSettings, paymentMethods, billingAccounts, billing, log);
  const planBilling = new PlanBillingService(orm, jobs, invoices, ports.offSessionCharger ?? paymentMethods);
  const sessions = new SessionService(orm, events, stationRows, telemetry, idTokens, writer, reservationBook, costs, jobs, payments);
  const accounts = new AccountService(
    orm,
    audit,
    {
      accessTokens: new AccessTokens(await resolveJwtSecret(config.auth.jwtSecret), config.auth.accessTokenTtlSeconds),
      refreshTokenTtlSeconds: config.auth.refreshTokenTtlSeconds,
      passwordResetTtlSeconds: config.auth.passwordResetTtlSeconds,
      loginLimitPerAccount: config.auth.loginLimitPerAccount,
      loginLimitPerAddress: config.auth.loginLimitPerAddress,
      limitWindowMs: config.auth.limitWindowMs,
      // No mail here: the token reaches its owner through support staff (issuePasswordReset),
      // or, in development, the log.
      deliverPasswordReset: ({ email, token, expiresAt }) => {
        if (config.auth.logResetTokens) log.warn('password reset token (AUTH_LOG_RESET_TOKENS is on)', { email, resetToken: token, expiresAt });
        else log.info('password reset requested; no mail delivery is configured', { email });
      },
    },
    log,
  );
  const apiKeys = new ApiKeyService(orm, audit);
  const runner = new CommandRunner(orm, link);
  const files = new LocalFileStore(config.files.dir);
  const diagnostics = new DiagnosticsService(orm, stationRows, telemetry, monitoring, runner, files, {
    publicUrl,
    maxUploadBytes: config.files.diagnosticsMaxBytes,
  });
  const firmwareFiles = new FirmwareFileService(orm, files, { publicUrl, maxFileBytes: config.files.firmwareMaxBytes });
  const firmwareProgress = new FirmwareProgressService(orm, events, telemetry, monitoring, { nodeId: config.nodeId });
  const firmwareRollouts = new FirmwareRolloutService(orm, events, stationRows, runner, firmwareFiles, firmwareProgress, {
    publicUrl,
    nodeId: config.nodeId,
  });

  const commands = new StationCommandService(runner, stationRows, idTokens, sessions, monitoring, payments);
  const guestCheckout = new GuestCheckoutService(orm, provider, paymentSettings, stationRows, idTokens, jobs, {
    async start(identity, connectorId, idTag) {
      const outcome = await commands.startCharging(SYSTEM_CALLER, identity, { connectorId, idTag });
      return { accepted: outcome.command.status === 'ACCEPTED', reason: outcome.command.status.toLowerCase() };
    },
  }, billing.cdrs, log);
  const paymentWebhooks = new PaymentWebhookService(orm, provider, paymentMethods, guestCheckout, log);

  const app: AppServices = {
    accounts,
    apiKeys,
    organisations,
    audit,
    stations,
    stationTelemetry: telemetry,
    sessions,
    idTokens,
    access,
    users,
    events,
    commands,
    payments,
    paymentMethods,
    billingAccounts,
    guestCheckout,
    paymentWebhooks,
    configuration: new StationConfigurationService(orm, runner, stationRows),
    reservations: new ReservationService(runner, stationRows, reservationBook, idTokens),
    localLists: new LocalListService(orm, runner, stationRows, access),
    chargingLimits: new ChargingLimitService(orm, runner, stationRows),
    monitoring,
    diagnostics,
    cdrs,
    liveCosts,
    firmwareFiles,
    firmwareRollouts,
    plans,
    invoices: invoiceService,
    tariffs,
  };
  const ocpp: OcppServices = {
    presence,
    telemetry,
    sessions,
    diagnostics,
    firmwareProgress,
    heartbeatIntervalSeconds: config.ocpp.heartbeatIntervalSeconds,
  };

  for (const handler of jobHandlers({ log, cdrs, plans, planBilling, invoices: invoiceService, payments, guestCheckout, billingAccounts, meterPartitions, leaseSweep })) {
    jobs.handle(handler);
  }

  return {
    app,
    ocpp,
    chargerAuth,
    presence,
    lease,
    async recover() {
      if (config.auth.admin) {
        const outcome = await accounts.ensureAdmin(config.auth.admin.email, config.auth.admin.password);
        if (outcome === 'created') log.info('created the first admin from ADMIN_EMAIL', { email: config.auth.admin.email });
      }
      // Today's partition exists before the first charger writes (the job keeps it so after).
      await meterPartitions.ensure();
      // Before chargers can connect: a sweep on another node takes a node without a lease for dead.
      await lease.start();
      const released = await presence.releaseStationsOfThisNode();
      if (released) log.info('marked stations of a previous run offline', { count: released });
      const interrupted = await firmwareProgress.failInterruptedJobs();
      if (interrupted) log.warn('firmware jobs a previous run never sent marked SEND_FAILED', { count: interrupted });
      liveCosts.start(events);
      await jobs.start(jobSchedules());
    },
    async close() {
      // Running jobs finish first; nothing new is fetched after this.
      await jobs.stop();
      // Calls to stations have failed by now; let their requests and jobs record that.
      await diagnostics.close();
      await firmwareRollouts.close();
      await writer.close();
      await liveCosts.close();
      await presence.close();
    },
  };
}

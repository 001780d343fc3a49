import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import { AccessTokens, resolveJwtSecret } from '../domain/accounts/access-tokens.js';
import { AccountService } from '../domain/accounts/account.service.js';
import { ApiKeyService } from '../domain/accounts/api-key.service.js';
import { StationAccessService } from '../domain/access/station-access.service.js';
import { AuditService } from '../domain/audit/audit.service.js';
import { DiagnosticsService } from '../domain/diagnostics/diagnostics.service.js';
import { FirmwareFileService } from '../domain/firmware/firmware-files.service.js';
import { FirmwareProgressService } from '../domain/firmware/firmware-progress.service.js';
import { FirmwareRolloutService } from '../domain/firmware/firmware-rollout.service.js';
import { MonitoringService } from '../domain/monitoring/monitoring.service.js';
import { ChargingLimitService } from '../domain/operations/charging-limit.service.js';
import { CommandRunner } from '../domain/operations/command-runner.js';
import { LocalListService } from '../domain/operations/local-list.service.js';
import { ReservationBook } from '../domain/operations/reservation-book.js';
import { ReservationService } from '../domain/operations/reservation.service.js';
import { StationCommandService } from '../domain/operations/station-command.service.js';
import { StationConfigurationService } from '../domain/operations/station-configuration.service.js';
import type { StationLink } from '../domain/operations/station-link.js';
import { OrganisationService } from '../domain/organisations/organisation.service.js';
import { MeterSampleWriter } from '../domain/sessions/meter-sample-writer.js';
import { SessionService } from '../domain/sessions/session.service.js';
import { ChargerAuthService } from '../domain/stations/charger-auth.service.js';
import { StationPresence } from '../domain/stations/station-presence.service.js';
import { StationRegistry } from '../domain/stations/station-registry.service.js';
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
}

/** The domain, wired: what GraphQL resolvers, OCPP handlers and the HTTP routes may call. */
export interface Services {
  /** For GraphQL resolvers and HTTP routes. */
  app: AppServices;
  /** For OCPP handlers. */
  ocpp: OcppServices;
  chargerAuth: ChargerAuthService;
  presence: StationPresence;
  /** Work a previous run left half-done, put right before taking traffic. */
  recover(): Promise<void>;
  /** Lets in-flight work record its outcome and writes what was acknowledged; after the sockets close. */
  close(): Promise<void>;
}

// The one list of the domain's services. A new area adds its service here and to AppServices.
export async function createServices({ config, log, database, events, link, publicUrl }: ServiceDeps): Promise<Services> {
  const { orm } = database;
  const jobs = new PgBossJobQueue(
    { connectionString: database.url, schema: config.jobs.schema, pollingIntervalSeconds: config.jobs.pollingIntervalSeconds },
    log,
  );
  const audit = new AuditService(orm, log);
  const stationRows = new StationRepository(orm);
  const monitoring = new MonitoringService(orm, events, stationRows);
  const stations = new StationRegistry(stationRows, audit, { autoRegister: config.ocpp.autoRegister });
  const presence = new StationPresence(stationRows, events, { nodeId: config.nodeId }, monitoring);
  const telemetry = new StationTelemetry(stationRows, events, monitoring);
  const chargerAuth = new ChargerAuthService(stations, audit, { allowUnsecured: config.ocpp.allowUnsecured }, log);
  const access = new StationAccessService(orm, audit, stationRows);
  const idTokens = new IdTokenService(orm, audit, access, { maxConcurrentSessions: config.authorization.maxConcurrentSessions });
  const writer = new MeterSampleWriter(database.pool, config.meterBatch, log);
  const reservationBook = new ReservationBook(orm, stationRows);
  const sessions = new SessionService(orm, events, stationRows, telemetry, idTokens, writer, reservationBook);
  const users = new UserService(orm, audit);
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

  // The plans area passes its planTariffs here once it exists.
  const tariffs = new TariffService(orm, stationRows, { ocpi: config.ocpi });

  const app: AppServices = {
    accounts,
    apiKeys,
    organisations: new OrganisationService(orm),
    audit,
    stations,
    stationTelemetry: telemetry,
    sessions,
    idTokens,
    access,
    users,
    events,
    commands: new StationCommandService(runner, stationRows, idTokens, sessions, monitoring),
    configuration: new StationConfigurationService(orm, runner, stationRows),
    reservations: new ReservationService(runner, stationRows, reservationBook, idTokens),
    localLists: new LocalListService(orm, runner, stationRows, access),
    chargingLimits: new ChargingLimitService(orm, runner, stationRows),
    monitoring,
    diagnostics,
    firmwareFiles,
    firmwareRollouts,
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

  for (const handler of jobHandlers({ log })) jobs.handle(handler);

  return {
    app,
    ocpp,
    chargerAuth,
    presence,
    async recover() {
      if (config.auth.admin) {
        const outcome = await accounts.ensureAdmin(config.auth.admin.email, config.auth.admin.password);
        if (outcome === 'created') log.info('created the first admin from ADMIN_EMAIL', { email: config.auth.admin.email });
      }
      const released = await presence.releaseStationsOfThisNode();
      if (released) log.info('marked stations of a previous run offline', { count: released });
      const interrupted = await firmwareProgress.failInterruptedJobs();
      if (interrupted) log.warn('firmware jobs a previous run never sent marked SEND_FAILED', { count: interrupted });
      await jobs.start(jobSchedules());
    },
    async close() {
      // Running jobs finish first; nothing new is fetched after this.
      await jobs.stop();
      // Calls to stations have failed by now; let their requests and jobs record that.
      await diagnostics.close();
      await firmwareRollouts.close();
      await writer.close();
      await presence.close();
    },
  };
}

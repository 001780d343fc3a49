import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import { ConfigError, type Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { AccessTokens, resolveJwtSecret } from './domain/accounts/access-tokens.js';
import { AccountService } from './domain/accounts/account.service.js';
import { ApiKeyService } from './domain/accounts/api-key.service.js';
import { StationAccessService } from './domain/access/station-access.service.js';
import { AuditService } from './domain/audit/audit.service.js';
import { OrganisationService } from './domain/organisations/organisation.service.js';
import { ChargingLimitService } from './domain/operations/charging-limit.service.js';
import { CommandRunner } from './domain/operations/command-runner.js';
import { LocalListService } from './domain/operations/local-list.service.js';
import { ReservationBook } from './domain/operations/reservation-book.js';
import { ReservationService } from './domain/operations/reservation.service.js';
import { StationCommandService } from './domain/operations/station-command.service.js';
import { StationConfigurationService } from './domain/operations/station-configuration.service.js';
import { DiagnosticsService } from './domain/diagnostics/diagnostics.service.js';
import { FirmwareService } from './domain/firmware/firmware.service.js';
import { MonitoringService } from './domain/monitoring/monitoring.service.js';
import { MeterSampleWriter } from './domain/sessions/meter-sample-writer.js';
import { SessionService } from './domain/sessions/session.service.js';
import { ChargerAuthService } from './domain/stations/charger-auth.service.js';
import { StationPresence } from './domain/stations/station-presence.service.js';
import { StationRegistry } from './domain/stations/station-registry.service.js';
import { StationRepository } from './domain/stations/station.repository.js';
import { StationTelemetry } from './domain/stations/station-telemetry.service.js';
import { IdTokenService } from './domain/users/id-token.service.js';
import { UserService } from './domain/users/user.service.js';
import { createEventBus, type EventBus } from './events/event-bus.js';
import { requestOrigin } from './http/request-origin.js';
import { LocalFileStore } from './files/local-file-store.js';
import { contextFor, type AppServices, type GraphQLContext } from './graphql/context.js';
import { authenticate, credentialOf, type Authentication } from './http/authenticate.js';
import { maskError } from './graphql/errors.js';
import { schema } from './graphql/schema.js';
import { bearerFileAccess } from './http/file-access.js';
import { createFileRoutes } from './http/file-routes.js';
import { createLogger, type Logger } from './logger.js';
import { createStationLink } from './ocpp/command-link.js';
import { createCommandRouter, type CommandRouter } from './ocpp/command-router.js';
import { createOcppMaintenance } from './ocpp/ocpp-maintenance.js';
import { createOcppServer } from './ocpp/ocpp-server.js';
import type { StationCaller } from './ocpp/station-caller.js';
import { createStationGateway, SUPPORTED_PROTOCOLS } from './ocpp/station-gateway.js';

export interface App {
  /** http://host:port (https:// with TLS) of the running server. */
  url: string;
  port: number;
  services: AppServices;
  database: Database;
  stop(): Promise<void>;
}

/**
 * Wires config -> database -> events -> services -> HTTP (GraphQL + graphql-ws + OCPP),
 * all on one port, and starts listening. Tests start it on port 0.
 */
export async function startApp(config: Config, log: Logger = createLogger(config.logLevel)): Promise<App> {
  // Read the certificate before anything starts: a bad path should stop us at once.
  const tls = config.tls ? await readTls(config.tls) : null;
  const database = await openDatabase(config, log);
  let events: EventBus | undefined;
  try {
    events = await createEventBus({ redisUrl: config.redisUrl, channelPrefix: config.eventsChannelPrefix });
    return await listen(config, log, database, events, tls);
  } catch (err) {
    await events?.close();
    await database.close();
    throw err;
  }
}

async function listen(
  config: Config,
  log: Logger,
  database: Database,
  events: EventBus,
  tls: { cert: Buffer; key: Buffer } | null,
): Promise<App> {
  const audit = new AuditService(database.orm, log);
  const stationRows = new StationRepository(database.orm);
  const monitoring = new MonitoringService(database.orm, events, stationRows);
  const stations = new StationRegistry(stationRows, audit, { autoRegister: config.ocpp.autoRegister });
  const presence = new StationPresence(stationRows, events, { nodeId: config.nodeId }, monitoring);
  const telemetry = new StationTelemetry(stationRows, events, monitoring);
  const chargerAuth = new ChargerAuthService(stations, audit, { allowUnsecured: config.ocpp.allowUnsecured }, log);
  const access = new StationAccessService(database.orm, audit, stationRows);
  const idTokens = new IdTokenService(database.orm, audit, access, { maxConcurrentSessions: config.authorization.maxConcurrentSessions });
  const writer = new MeterSampleWriter(database.pool, config.meterBatch, log);
  const reservationBook = new ReservationBook(database.orm);
  const sessions = new SessionService(database.orm, events, stationRows, telemetry, idTokens, writer, reservationBook);
  const users = new UserService(database.orm, audit);
  const accessTokens = new AccessTokens(await resolveJwtSecret(config.auth.jwtSecret), config.auth.accessTokenTtlSeconds);
  const accounts = new AccountService(
    database.orm,
    audit,
    {
      accessTokens,
      refreshTokenTtlSeconds: config.auth.refreshTokenTtlSeconds,
      passwordResetTtlSeconds: config.auth.passwordResetTtlSeconds,
      loginLimitPerAccount: config.auth.loginLimitPerAccount,
      loginLimitPerAddress: config.auth.loginLimitPerAddress,
      limitWindowMs: config.auth.limitWindowMs,
      // No mail here: the token reaches its owner through support staff (issuePasswordReset),
      // or, in development, the log.
      deliverPasswordReset: ({ email, token, expiresAt }) => {
        if (config.auth.logResetTokens) log.warn('password reset token (AUTH_LOG_RESET_TOKENS is on)', { email, token, expiresAt });
        else log.info('password reset requested; no mail delivery is configured', { email });
      },
    },
    log,
  );
  const apiKeys = new ApiKeyService(database.orm, audit);
  if (config.auth.admin) {
    const outcome = await accounts.ensureAdmin(config.auth.admin.email, config.auth.admin.password);
    if (outcome === 'created') log.info('created the first admin from ADMIN_EMAIL', { email: config.auth.admin.email });
  }

  // Diagnostics and firmware calls take the same routed path as every command (`router`, below,
  // exists before anything can call).
  const caller: StationCaller = {
    call: (identity, action, payload, timeoutMs) => router.call(identity, action, payload, timeoutMs),
  };
  const maintenance = createOcppMaintenance(caller);
  const files = new LocalFileStore(config.files.dir);
  // Known once listening (port 0 in tests); PUBLIC_URL when chargers reach us by another name.
  let publicUrl = config.publicUrl ?? '';
  const diagnostics = new DiagnosticsService(database.orm, telemetry, monitoring, maintenance, files, {
    publicUrl: () => publicUrl,
    maxUploadBytes: config.files.diagnosticsMaxBytes,
  });
  const firmware = new FirmwareService(database.orm, events, telemetry, monitoring, maintenance, files, {
    publicUrl: () => publicUrl,
    maxFileBytes: config.files.firmwareMaxBytes,
    nodeId: config.nodeId,
  });

  const released = await presence.releaseStationsOfThisNode();
  if (released) log.info('marked stations of a previous run offline', { count: released });
  const interrupted = await firmware.failInterruptedJobs();
  if (interrupted) log.warn('firmware jobs a previous run never sent marked SEND_FAILED', { count: interrupted });

  const ocpp = createOcppServer({
    gateway: createStationGateway(
      { stations, presence, telemetry, idTokens, sessions, diagnostics, firmware, heartbeatIntervalSeconds: config.ocpp.heartbeatIntervalSeconds },
      log,
      { chargerAuth, trustProxy: config.trustProxy },
    ),
    protocols: SUPPORTED_PROTOCOLS,
    remoteAddress: (req) => requestOrigin(req, config.trustProxy).remoteAddress,
    pingIntervalMs: config.ocpp.pingIntervalMs,
    callTimeoutMs: config.ocpp.callTimeoutMs,
    logger: log,
  });

  // Commands reach a station through whichever node holds its socket.
  let router: CommandRouter;
  try {
    router = await createCommandRouter({
      local: ocpp,
      nodeId: config.nodeId,
      locate: (identity) => presence.connectedNodeOf(identity),
      defaultTimeoutMs: config.ocpp.callTimeoutMs,
      redisUrl: config.redisUrl,
      channelPrefix: config.eventsChannelPrefix,
      logger: log,
    });
  } catch (err) {
    await ocpp.close();
    throw err;
  }
  const runner = new CommandRunner(database.orm, createStationLink(router));
  const services: AppServices = {
    accounts,
    apiKeys,
    organisations: new OrganisationService(database.orm),
    audit,
    stations,
    stationTelemetry: telemetry,
    sessions,
    idTokens,
    access,
    users,
    events,
    commands: new StationCommandService(runner, idTokens, sessions, monitoring),
    configuration: new StationConfigurationService(database.orm, runner),
    reservations: new ReservationService(runner, reservationBook, idTokens),
    localLists: new LocalListService(database.orm, runner, access),
    chargingLimits: new ChargingLimitService(database.orm, runner),
    monitoring,
    diagnostics,
    firmware,
  };

  const yoga = createYoga<{ req: IncomingMessage }, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    context: async (initial) => {
      const origin = requestOrigin(initial.req, config.trustProxy);
      // graphql-ws authenticated the connection once (onConnect); HTTP requests each carry a header.
      const ws = (initial as { wsAuthentication?: Authentication }).wsAuthentication;
      const auth = ws ?? (await authenticate(services, credentialOf(initial.req.headers.authorization), origin.remoteAddress));
      return contextFor(services, auth, { remoteAddress: origin.remoteAddress ?? null });
    },
    maskedErrors: { maskError },
    logging: false,
    landingPage: false,
  });

  // The access policy is the one place operator file endpoints are authorised: the same
  // credentials as the GraphQL API, and each file only for whoever operates its station.
  const fileAccess = bearerFileAccess(services, (req) => requestOrigin(req, config.trustProxy).remoteAddress);
  const fileRoutes = createFileRoutes({ diagnostics, firmware, access: fileAccess, log });

  const onRequest: RequestListener = (req, res) => {
    if (fileRoutes(req, res)) return;
    if (req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ status: 'ok', stationsConnected: ocpp.connectedCount(), events: events.transport, commands: router.transport }),
      );
      return;
    }
    void yoga.handle(req, res);
  };
  // With a certificate the one port speaks HTTPS/WSS only: GraphQL and chargers (profile 2) alike.
  const server: Server | HttpsServer = tls
    ? createHttpsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, onRequest)
    : createServer(onRequest);

  const graphqlWs = new WebSocketServer({ noServer: true });
  const wsCleanup = useServer<Record<string, unknown>, { authentication?: Authentication; recheck?: NodeJS.Timeout }>(
    {
      // The connection param `authorization` authenticates the whole connection; a credential
      // that is presented and refused closes it (4403), as the protocol's onConnect allows.
      // A long-lived connection is checked again every AUTH_WS_RECHECK_INTERVAL: once its
      // credential expires or is revoked, or the account's role changes, it is closed (4403)
      // and the client reconnects with a fresh token, so subscriptions never outlive access.
      onConnect: async (ctx) => {
        const origin = requestOrigin(ctx.extra.request, config.trustProxy);
        const credential = credentialOf(ctx.connectionParams?.authorization);
        const auth = await authenticate(services, credential, origin.remoteAddress);
        if (auth.rejected) return false;
        ctx.extra.authentication = auth;
        if (credential && auth.viewer) {
          const before = JSON.stringify(auth.viewer);
          ctx.extra.recheck = setInterval(() => {
            void authenticate(services, credential, origin.remoteAddress)
              .then((again) => {
                if (JSON.stringify(again.viewer) !== before) ctx.extra.socket.close(4403, 'Forbidden: credential expired or changed');
              })
              .catch((err) => log.warn('could not re-check a graphql-ws credential', { err }));
          }, config.auth.wsRecheckIntervalMs);
          ctx.extra.recheck.unref();
        }
        return true;
      },
      onClose: (ctx) => clearInterval(ctx.extra.recheck),
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args),
      onSubscribe: async (ctx, _id, payload) => {
        const { schema: s, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
          wsAuthentication: ctx.extra.authentication ?? { viewer: null, rejected: false },
        });
        let document;
        try {
          document = parse(payload.query);
        } catch (err) {
          return [err as never];
        }
        const errors = validate(s, document);
        if (errors.length > 0) return errors;
        return {
          schema: s,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
      },
    },
    graphqlWs,
  );

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (ocpp.handleUpgrade(req, socket, head)) return;
    const path = (req.url ?? '').split('?')[0];
    if (path === '/graphql') {
      graphqlWs.handleUpgrade(req, socket, head, (ws) => graphqlWs.emit('connection', ws, req));
      return;
    }
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // A deep accept queue: thousands of chargers reconnect at once after an outage or a restart.
    server.listen({ port: config.port, host: config.host, backlog: 4096 }, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `${tls ? 'https' : 'http'}://${host}:${port}`;
  log.info('listening', {
    graphql: `${url}/graphql`,
    ocpp: `${tls ? 'wss' : 'ws'}://${host}:${port}/ocpp/<identity>`,
    events: events.transport,
    embeddedDatabase: database.embedded,
    allowUnsecuredChargers: config.ocpp.allowUnsecured,
  });
  if (!config.publicUrl) {
    publicUrl = url;
    if (config.host === '0.0.0.0' || config.host === '::') {
      log.warn('PUBLIC_URL is not set: stations are given upload and download URLs on this address', { publicUrl });
    }
  }

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // Stop taking new work, let chargers go, write what was acknowledged, then close stores.
      server.close();
      await wsCleanup.dispose();
      await ocpp.close();
      await router.close();
      server.closeAllConnections();
      // Calls to stations have failed by now; let their requests and jobs record that.
      await diagnostics.close();
      await firmware.close();
      await writer.close();
      await presence.close();
      await events.close();
      await database.close();
      log.info('stopped');
    })());

  return { url, port, services, database, stop };
}

async function readTls(files: { certFile: string; keyFile: string }): Promise<{ cert: Buffer; key: Buffer }> {
  const read = (path: string, variable: string) =>
    readFile(path).catch((err: NodeJS.ErrnoException) => {
      throw new ConfigError(`Invalid configuration:\n  ${variable}: cannot read ${path} (${err.code ?? err.message})`);
    });
  const [cert, key] = await Promise.all([read(files.certFile, 'TLS_CERT_FILE'), read(files.keyFile, 'TLS_KEY_FILE')]);
  return { cert, key };
}

interface EnvelopedRoot {
  execute: (args: ExecutionArgs) => never;
  subscribe: (args: ExecutionArgs) => never;
}

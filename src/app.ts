import { readFile } from 'node:fs/promises';
import { bodyLimitRoute } from './http/body-limit.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createGraphQLServer } from './app/graphql-server.js';
import { createOcppEdge, type OcppEdge } from './app/ocpp-edge.js';
import { healthRoute, pathOf, routeRequests, routeUpgrades } from './app/http-routes.js';
import { createServices, type BillingPorts } from './app/services.js';
import { shutdownInOrder } from './app/shutdown.js';
import { ConfigError, type Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { createEventBus, type EventBus } from './events/event-bus.js';
import type { AppServices } from './graphql/context.js';
import { bearerFileAccess } from './http/file-access.js';
import { createFileRoutes } from './http/file-routes.js';
import { createInvoiceRoutes } from './http/invoice-routes.js';
import { createPaymentRoutes } from './http/payment-routes.js';
import { requestOrigin } from './http/request-origin.js';
import { createLogger, type Logger } from './logger.js';
import { createStationLink } from './ocpp/command-link.js';

export interface App {
  /** http://host:port (https:// with TLS) of the running server. */
  url: string;
  port: number;
  services: AppServices;
  database: Database;
  stop(): Promise<void>;
}

/**
 * Wires config -> database -> events -> services (src/app/services.ts) -> OCPP, GraphQL and
 * HTTP routes on one port, and starts listening. Tests start it on port 0.
 */
export interface StartOptions {
  /** Other areas' ports supplied from outside (tests' recording implementations). */
  ports?: Partial<BillingPorts>;
}

export async function startApp(config: Config, log: Logger = createLogger(config.logLevel), options: StartOptions = {}): Promise<App> {
  // Read the certificate before anything starts: a bad path should stop us at once.
  const tls = config.tls ? await readTls(config.tls) : null;
  const database = await openDatabase(config, log);
  let events: EventBus | undefined;
  try {
    events = await createEventBus({ redisUrl: config.redisUrl, channelPrefix: config.eventsChannelPrefix, logger: log });
    return await listen(config, log, database, events, tls, options);
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
  options: StartOptions,
): Promise<App> {
  // Calls to chargers take the routed path (`edge.router`, below, exists before anything can call).
  let edge: OcppEdge;
  // Known once listening (port 0 in tests); PUBLIC_URL when chargers reach us by another name.
  let publicUrl = config.publicUrl ?? '';
  const services = await createServices({
    config,
    log,
    database,
    events,
    link: createStationLink({ call: (identity, action, payload, timeoutMs) => edge.router.call(identity, action, payload, timeoutMs) }),
    publicUrl: () => publicUrl,
    ports: options.ports,
  });
  await services.recover();
  edge = await createOcppEdge(config, log, services);
  const { server: ocpp, router } = edge;
  // Another node took this one for dead and marked its stations offline: the chargers reconnect,
  // and connecting marks them online again.
  services.lease.onLost(() => void ocpp.disconnectAll('Node lease lost, please reconnect'));

  const graphql = createGraphQLServer({
    services: services.app,
    trustProxy: config.trustProxy,
    wsRecheckIntervalMs: config.auth.wsRecheckIntervalMs,
    limits: config.graphqlLimits,
    log,
  });
  // The access policy is the one place operator file endpoints are authorised: the same
  // credentials as the GraphQL API, and each file only for whoever operates its station.
  const fileAccess = bearerFileAccess(services.app, (req) => requestOrigin(req, config.trustProxy).remoteAddress);
  const handleGraphql = (req: IncomingMessage, res: ServerResponse) => void graphql.yoga.handle(req, res);
  const onRequest = routeRequests(
    [
      // GraphQL over HTTP (POST /graphql) reaches yoga only through the body bound.
      bodyLimitRoute('/graphql', config.graphqlLimits.maxBodyBytes, handleGraphql),
      createFileRoutes({ diagnostics: services.app.diagnostics, firmwareFiles: services.app.firmwareFiles, access: fileAccess, log }),
      createInvoiceRoutes({ invoices: services.app.invoices, access: fileAccess, log }),
      createPaymentRoutes({ webhooks: services.app.paymentWebhooks, guestCheckout: services.app.guestCheckout, log }),
      healthRoute(async () => {
        const redis = worst(events.redisState(), router.redisState());
        const db = await database.ping();
        return { up: db === 'up' && redis !== 'down', fields: { stationsConnected: ocpp.connectedCount(), events: events.transport, commands: router.transport, database: db, redis } };
      }),
    ],
    handleGraphql,
  );
  // With a certificate the one port speaks HTTPS/WSS only: GraphQL and chargers (profile 2) alike.
  const server: Server | HttpsServer = tls
    ? createHttpsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, onRequest)
    : createServer(onRequest);
  server.on(
    'upgrade',
    routeUpgrades([
      (req: IncomingMessage, socket: Duplex, head: Buffer) => ocpp.handleUpgrade(req, socket, head),
      (req, socket, head) => pathOf(req) === '/graphql' && (graphql.handleUpgrade(req, socket, head), true),
    ]),
  );

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

  // Stop taking new work, let chargers go, write what was acknowledged, then close the stores.
  const stop = shutdownInOrder(
    [
      { name: 'http', run: () => server.close() },
      { name: 'graphql-ws', run: () => graphql.close() },
      { name: 'ocpp', run: () => ocpp.close() },
      { name: 'command router', run: () => router.close() },
      { name: 'http connections', run: () => server.closeAllConnections() },
      { name: 'services', run: () => services.close() },
      // Renewed until this node's stations are offline (ocpp, services), then given up.
      { name: 'node lease', run: () => services.lease.stop() },
      { name: 'events', run: () => events.close() },
      { name: 'database', run: () => database.close() },
    ],
    log,
  );
  return { url, port, services: services.app, database, stop };
}

async function readTls(files: { certFile: string; keyFile: string }): Promise<{ cert: Buffer; key: Buffer }> {
  const read = (path: string, variable: string) =>
    readFile(path).catch((err: NodeJS.ErrnoException) => {
      throw new ConfigError(`Invalid configuration:\n  ${variable}: cannot read ${path} (${err.code ?? err.message})`);
    });
  const [cert, key] = await Promise.all([read(files.certFile, 'TLS_CERT_FILE'), read(files.keyFile, 'TLS_KEY_FILE')]);
  return { cert, key };
}

// Redis is down for /health when any of its clients is.
function worst(...states: ('up' | 'down' | 'off')[]): 'up' | 'down' | 'off' {
  if (states.includes('down')) return 'down';
  return states.includes('up') ? 'up' : 'off';
}

import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { createCommandRouter, type CommandRouter } from '../ocpp/command-router.js';
import { createOcppServer, type OcppServer } from '../ocpp/ocpp-server.js';
import { requestOrigin } from '../http/request-origin.js';
import { createStationGateway, SUPPORTED_PROTOCOLS } from '../ocpp/station-gateway.js';
import type { Services } from './services.js';

export interface OcppEdge {
  /** This node's charger sockets. */
  server: OcppServer;
  /** Calls to a charger, through whichever node holds its socket. */
  router: CommandRouter;
}

/** The chargers' side of the port: the OCPP server over the services, and the command router. */
export async function createOcppEdge(config: Config, log: Logger, services: Services): Promise<OcppEdge> {
  const server = createOcppServer({
    gateway: createStationGateway(services.ocpp, log, { chargerAuth: services.chargerAuth, trustProxy: config.trustProxy }),
    protocols: SUPPORTED_PROTOCOLS,
    remoteAddress: (req) => requestOrigin(req, config.trustProxy).remoteAddress,
    pingIntervalMs: config.ocpp.pingIntervalMs,
    callTimeoutMs: config.ocpp.callTimeoutMs,
    handshakes: config.ocpp.handshakes,
    logger: log,
  });
  try {
    const router = await createCommandRouter({
      local: server,
      nodeId: config.nodeId,
      locate: (identity) => services.presence.connectedNodeOf(identity),
      defaultTimeoutMs: config.ocpp.callTimeoutMs,
      redisUrl: config.redisUrl,
      channelPrefix: config.eventsChannelPrefix,
      logger: log,
    });
    return { server, router };
  } catch (err) {
    await server.close();
    throw err;
  }
}

import type { IncomingMessage } from 'node:http';
import type { ChargerAuthService } from '../domain/stations/charger-auth.service.js';
import { parseBasicAuthorization } from '../http/basic-auth.js';
import { requestOrigin } from '../http/request-origin.js';
import type { Logger } from '../logger.js';
import { OcppError } from './ocpp-error.js';
import type { ActionHandler, OcppServices } from './ocpp-services.js';
import type { HandshakeVerdict, OcppGateway, OcppProtocol, StationContext } from './types.js';
import { v16Handlers } from './v16/v16.handlers.js';

const HANDLERS: Partial<Record<OcppProtocol, Record<string, ActionHandler>>> = {
  'ocpp1.6': v16Handlers,
};

/** The protocols we have handlers for, offered at the WebSocket handshake. */
export const SUPPORTED_PROTOCOLS = Object.keys(HANDLERS) as OcppProtocol[];

export interface HandshakeOptions {
  chargerAuth: ChargerAuthService;
  /** Believe X-Forwarded-Proto/-For from a TLS-terminating proxy (TRUST_PROXY). */
  trustProxy: boolean;
}

// RFC 7235: a 401 names the scheme the client should use.
const CHALLENGE = { 'WWW-Authenticate': 'Basic realm="OCPP"' };

/** Connects the OCPP transport to the domain: admission, dispatch per version, presence. */
export function createStationGateway(services: OcppServices, log: Logger, handshake: HandshakeOptions): OcppGateway {
  return {
    async verifyHandshake(identity: string, _protocol: OcppProtocol, req: IncomingMessage): Promise<HandshakeVerdict> {
      const origin = requestOrigin(req, handshake.trustProxy);
      const result = await handshake.chargerAuth.authenticate({
        identity,
        credentials: parseBasicAuthorization(req.headers.authorization),
        secure: origin.secure,
        remoteAddress: origin.remoteAddress,
      });
      if (result.admitted) {
        if (result.registered) log.info('station auto-registered', { identity });
        log.debug('charger authenticated', { identity, securityProfile: result.securityProfile, from: origin.remoteAddress });
        return { accept: true };
      }
      switch (result.reason) {
        case 'UNKNOWN_IDENTITY':
          // OCPP-J: an identity the central system does not know is answered 404.
          return { accept: false, status: 404, reason: result.message };
        case 'BUSY':
          return { accept: false, status: 503, reason: result.message, headers: { 'Retry-After': '10' } };
        default:
          return { accept: false, status: 401, reason: result.message, headers: CHALLENGE };
      }
    },

    async handleCall(station: StationContext, action: string, payload: unknown): Promise<unknown> {
      services.presence.touch(station.identity);
      const handler = HANDLERS[station.protocol]?.[action];
      if (!handler) throw new OcppError('NotImplemented', `${action} is not implemented`);
      return handler(station, payload as never, services);
    },

    async onConnected(station: StationContext): Promise<void> {
      await services.presence.markConnected(station.identity, station.protocol);
      log.info('station connected', { identity: station.identity, protocol: station.protocol, from: station.remoteAddress });
    },

    async onDisconnected(station: StationContext, reason: string): Promise<void> {
      await services.presence.markDisconnected(station.identity, reason);
      log.info('station disconnected', { identity: station.identity, reason });
    },
  };
}

import type { IncomingMessage } from 'node:http';
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

/** Connects the OCPP transport to the domain: admission, dispatch per version, presence. */
export function createStationGateway(services: OcppServices, log: Logger): OcppGateway {
  return {
    async verifyHandshake(identity: string, _protocol: OcppProtocol, _req: IncomingMessage): Promise<HandshakeVerdict> {
      const admitted = await services.stations.admit(identity);
      if (admitted === 'unknown') return { accept: false, status: 404, reason: 'unknown charge point identity' };
      if (admitted === 'registered') log.info('station auto-registered', { identity });
      return { accept: true };
    },

    async handleCall(station: StationContext, action: string, payload: unknown): Promise<unknown> {
      services.stations.touch(station.identity);
      const handler = HANDLERS[station.protocol]?.[action];
      if (!handler) throw new OcppError('NotImplemented', `${action} is not implemented`);
      return handler(station, payload as never, services);
    },

    async onConnected(station: StationContext): Promise<void> {
      await services.stations.markConnected(station.identity, station.protocol);
      log.info('station connected', { identity: station.identity, protocol: station.protocol, from: station.remoteAddress });
    },

    async onDisconnected(station: StationContext, reason: string): Promise<void> {
      await services.stations.markDisconnected(station.identity, reason);
      log.info('station disconnected', { identity: station.identity, reason });
    },
  };
}

import type { IncomingMessage } from 'node:http';

/** WebSocket subprotocols we speak, in order of preference. */
export const OCPP_PROTOCOLS = ['ocpp2.0.1', 'ocpp1.6'] as const;
export type OcppProtocol = (typeof OCPP_PROTOCOLS)[number];

/** Who is on the other end of a charger socket. */
export interface StationContext {
  identity: string;
  protocol: OcppProtocol;
  remoteAddress: string | undefined;
}

export type HandshakeVerdict =
  | { accept: true }
  | {
      accept: false;
      status: 400 | 401 | 403 | 404 | 503;
      reason: string;
      /** Extra response headers, e.g. `WWW-Authenticate` with a 401. */
      headers?: Record<string, string>;
    };

/**
 * What the OCPP transport needs from the rest of the system. The transport owns
 * framing, validation, ordering and liveness; everything with meaning is here.
 */
export interface OcppGateway {
  /** Decide at the HTTP upgrade whether this identity may connect. */
  verifyHandshake(identity: string, protocol: OcppProtocol, request: IncomingMessage): Promise<HandshakeVerdict>;
  /**
   * Handle one inbound CALL whose payload already passed schema validation.
   * Resolve with the CALLRESULT payload; throw an OcppError for a CALLERROR.
   */
  handleCall(station: StationContext, action: string, payload: unknown): Promise<unknown>;
  /** The socket for this identity is open (after any replaced socket was closed). */
  onConnected(station: StationContext): Promise<void> | void;
  /** The socket closed or was found dead. Not called for a socket replaced by a newer one. */
  onDisconnected(station: StationContext, reason: string): Promise<void> | void;
}

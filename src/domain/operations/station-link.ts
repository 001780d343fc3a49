import type { CommandOf, ResultOf, StationCommandKind } from './command.types.js';

/** A command in a protocol's words, ready to send, and how to read the station's answer. */
export interface EncodedCommand<R> {
  /** The protocol's name for the message, e.g. OCPP 1.6 "Reset". Recorded in the history. */
  action: string;
  /** The message payload exactly as sent. */
  payload: unknown;
  /** What the history keeps of the payload when it carries a secret (a URL's token); else the payload. */
  recorded?: unknown;
  decode(response: unknown): R;
}

/**
 * The one way the domain reaches a station, implemented by the OCPP edge: encode per protocol,
 * then deliver to whichever node holds the station's socket. `send` rejects with a
 * CommandDeliveryError when no answer comes back. Services send through CommandRunner, which
 * records every call.
 */
export interface StationLink {
  /** Throws OperationsError COMMAND_NOT_SUPPORTED when the protocol cannot express the command. */
  encode<K extends StationCommandKind>(protocol: string, command: CommandOf<K>): EncodedCommand<ResultOf<K>>;
  send(identity: string, action: string, payload: unknown, timeoutMs?: number): Promise<unknown>;
}

export type DeliveryFailure = 'OFFLINE' | 'TIMEOUT' | 'CHARGER_ERROR';

/** The station could not be reached, did not answer in time, or answered with an error. */
export class CommandDeliveryError extends Error {
  override readonly name = 'CommandDeliveryError';
  constructor(
    readonly failure: DeliveryFailure,
    message: string,
    /** For CHARGER_ERROR: the station's error code, e.g. NotSupported. */
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

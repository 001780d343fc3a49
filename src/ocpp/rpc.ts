import { OcppError } from './ocpp-error.js';

/** OCPP-J message type ids. */
export const MessageType = { Call: 2, CallResult: 3, CallError: 4 } as const;

/** OCPP-J limits message ids to 36 characters (a UUID). */
export const MAX_MESSAGE_ID_LENGTH = 36;

export interface CallFrame {
  type: 2;
  id: string;
  action: string;
  payload: unknown;
}

export interface CallResultFrame {
  type: 3;
  id: string;
  payload: unknown;
}

export interface CallErrorFrame {
  type: 4;
  id: string;
  /** The error code exactly as sent; may be either version's spelling. */
  code: string;
  description: string;
  details: unknown;
}

export type OcppFrame = CallFrame | CallResultFrame | CallErrorFrame;

export type ParseResult =
  | { ok: true; frame: OcppFrame }
  | {
      ok: false;
      /** The message id when one could be read, so a CALLERROR can be addressed. */
      id: string | undefined;
      /** The message type id when it was a number, whatever its value. */
      messageType: number | undefined;
      error: OcppError;
    };

function fail(error: OcppError, id?: string, messageType?: number): ParseResult {
  return { ok: false, id, messageType, error };
}

/** Parse one OCPP-J text frame. Never throws. */
export function parseFrame(text: string): ParseResult {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return fail(new OcppError('RpcFrameworkError', 'Frame is not valid JSON'));
  }
  if (!Array.isArray(message)) return fail(new OcppError('RpcFrameworkError', 'Frame is not a JSON array'));

  const [type, id] = message as unknown[];
  if (typeof id !== 'string') return fail(new OcppError('RpcFrameworkError', 'Message id could not be read'));
  const messageType = typeof type === 'number' ? type : undefined;
  if (messageType === undefined) return fail(new OcppError('RpcFrameworkError', 'Message type id must be a number'), id);
  if (id.length === 0 || id.length > MAX_MESSAGE_ID_LENGTH) {
    return fail(
      new OcppError('RpcFrameworkError', `Message id must be 1 to ${MAX_MESSAGE_ID_LENGTH} characters`),
      id,
      messageType,
    );
  }

  switch (messageType) {
    case MessageType.Call: {
      const [, , action, payload] = message as unknown[];
      if (message.length !== 4) return malformed('CALL must have 4 elements', id, messageType);
      if (typeof action !== 'string' || action === '') return malformed('CALL action must be a string', id, messageType);
      return { ok: true, frame: { type: 2, id, action, payload } };
    }
    case MessageType.CallResult: {
      if (message.length !== 3) return malformed('CALLRESULT must have 3 elements', id, messageType);
      return { ok: true, frame: { type: 3, id, payload: message[2] } };
    }
    case MessageType.CallError: {
      // Tolerate a missing details element: some 1.6 firmwares send 4-element errors.
      const [, , code, description, details] = message as unknown[];
      if (message.length !== 4 && message.length !== 5) return malformed('CALLERROR must have 5 elements', id, messageType);
      if (typeof code !== 'string' || typeof description !== 'string') {
        return malformed('CALLERROR code and description must be strings', id, messageType);
      }
      return { ok: true, frame: { type: 4, id, code, description, details: details ?? {} } };
    }
    default:
      return fail(new OcppError('MessageTypeNotSupported', `Message type id ${messageType} is not supported`), id, messageType);
  }
}

function malformed(description: string, id: string, messageType: number): ParseResult {
  return fail(new OcppError('RpcFrameworkError', description), id, messageType);
}

/** `[2, id, action, payload]` */
export function serializeCall(id: string, action: string, payload: unknown): string {
  return JSON.stringify([MessageType.Call, id, action, payload]);
}

/** `[3, id, payload]` */
export function serializeCallResult(id: string, payload: unknown): string {
  return JSON.stringify([MessageType.CallResult, id, payload]);
}

// OCPP 2.0.1 caps errorDescription at 255 characters; 1.6 sets no cap but chargers have buffers.
const MAX_ERROR_DESCRIPTION_LENGTH = 255;

/** `[4, id, code, description, details]`; `code` must already be in the peer's spelling. */
export function serializeCallError(id: string, code: string, description: string, details?: unknown): string {
  const text =
    description.length > MAX_ERROR_DESCRIPTION_LENGTH ? description.slice(0, MAX_ERROR_DESCRIPTION_LENGTH) : description;
  return JSON.stringify([MessageType.CallError, id, code, text, details ?? {}]);
}

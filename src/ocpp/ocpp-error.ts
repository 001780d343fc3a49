import type { OcppProtocol } from './types.js';

/**
 * Version-neutral OCPP-J error codes, spelled as in OCPP 2.0.1. Use these everywhere
 * inside the system; `wireErrorCode` turns them into what a given charger understands.
 */
export const OCPP_ERROR_CODES = [
  'FormatViolation',
  'GenericError',
  'InternalError',
  'MessageTypeNotSupported',
  'NotImplemented',
  'NotSupported',
  'OccurrenceConstraintViolation',
  'PropertyConstraintViolation',
  'ProtocolError',
  'RpcFrameworkError',
  'SecurityError',
  'TypeConstraintViolation',
] as const;
export type OcppErrorCode = (typeof OCPP_ERROR_CODES)[number];

/** Error codes an OCPP 1.6J CALLERROR may carry. */
export const OCPP16_WIRE_ERROR_CODES = [
  'NotImplemented',
  'NotSupported',
  'InternalError',
  'ProtocolError',
  'SecurityError',
  'FormationViolation',
  'PropertyConstraintViolation',
  'OccurenceConstraintViolation',
  'TypeConstraintViolation',
  'GenericError',
] as const;
export type Ocpp16WireErrorCode = (typeof OCPP16_WIRE_ERROR_CODES)[number];

// 1.6 has no MessageTypeNotSupported / RpcFrameworkError: an unknown message type id is
// a protocol-level problem (ProtocolError); a frame that is not a valid RPC structure is
// "not conform the PDU structure", which 1.6 calls FormationViolation.
const TO_OCPP16: Record<OcppErrorCode, Ocpp16WireErrorCode> = {
  FormatViolation: 'FormationViolation',
  GenericError: 'GenericError',
  InternalError: 'InternalError',
  MessageTypeNotSupported: 'ProtocolError',
  NotImplemented: 'NotImplemented',
  NotSupported: 'NotSupported',
  OccurrenceConstraintViolation: 'OccurenceConstraintViolation',
  PropertyConstraintViolation: 'PropertyConstraintViolation',
  ProtocolError: 'ProtocolError',
  RpcFrameworkError: 'FormationViolation',
  SecurityError: 'SecurityError',
  TypeConstraintViolation: 'TypeConstraintViolation',
};

/** The spelling of `code` that a charger speaking `protocol` understands. */
export function wireErrorCode(code: OcppErrorCode, protocol: OcppProtocol): string {
  return protocol === 'ocpp1.6' ? TO_OCPP16[code] : code;
}

/**
 * The version-neutral code for an error code received on the wire (either spelling),
 * or undefined when it is not a code OCPP defines.
 */
export function neutralErrorCode(wire: string): OcppErrorCode | undefined {
  if (wire === 'FormationViolation') return 'FormatViolation';
  if (wire === 'OccurenceConstraintViolation') return 'OccurrenceConstraintViolation';
  return (OCPP_ERROR_CODES as readonly string[]).includes(wire) ? (wire as OcppErrorCode) : undefined;
}

/** An error that becomes a CALLERROR on the wire. Throw it from a gateway handler. */
export class OcppError extends Error {
  override readonly name = 'OcppError';
  readonly code: OcppErrorCode;
  readonly description: string;
  readonly details: object | undefined;

  constructor(code: OcppErrorCode, description: string, details?: object) {
    super(`${code}: ${description}`);
    this.code = code;
    this.description = description;
    this.details = details;
  }
}

/** The charger answered one of our CALLs with a CALLERROR. */
export class OcppCallError extends Error {
  override readonly name = 'OcppCallError';
  constructor(
    readonly action: string,
    /** The code exactly as the charger sent it. */
    readonly code: string,
    readonly description: string,
    readonly details: unknown,
  ) {
    super(`Charger answered ${action} with CALLERROR ${code}: ${description}`);
  }
}

/** The charger did not answer one of our CALLs in time. */
export class OcppTimeoutError extends Error {
  override readonly name = 'OcppTimeoutError';
  constructor(
    readonly action: string,
    readonly timeoutMs: number,
  ) {
    super(`Charger did not answer ${action} within ${timeoutMs} ms`);
  }
}

/** The station has no open socket on this node (never connected, gone, or closed mid-call). */
export class StationOfflineError extends Error {
  override readonly name = 'StationOfflineError';
  constructor(
    readonly identity: string,
    detail = 'is not connected',
  ) {
    super(`Station ${identity} ${detail}`);
  }
}

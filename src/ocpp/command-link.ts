import type { CommandOf, ResultOf, StationCommandKind } from '../domain/operations/command.types.js';
import { OperationsError } from '../domain/operations/operations.errors.js';
import { CommandDeliveryError, type EncodedCommand, type StationLink } from '../domain/operations/station-link.js';
import type { CommandRouter } from './command-router.js';
import { OcppCallError, OcppError, OcppTimeoutError, StationOfflineError } from './ocpp-error.js';
import { validateRequest } from './schema-validator.js';
import type { OcppProtocol } from './types.js';
import { encodeV16Command } from './v16/v16.commands.js';

type Encoder = <K extends StationCommandKind>(command: CommandOf<K>) => EncodedCommand<ResultOf<K>>;

const ENCODERS: Partial<Record<OcppProtocol, Encoder>> = {
  'ocpp1.6': encodeV16Command,
};

/** The operations domain's way to stations: per-protocol encoding, routed delivery, failures in domain terms. */
export function createStationLink(router: Pick<CommandRouter, 'call'>): StationLink {
  return {
    encode<K extends StationCommandKind>(protocol: string, command: CommandOf<K>) {
      const encode = ENCODERS[protocol as OcppProtocol];
      if (!encode) {
        throw new OperationsError('COMMAND_NOT_SUPPORTED', `commands to ${protocol} stations are not supported yet`);
      }
      const encoded = encode<K>(command);
      // Checked here as well as in the transport, so that a payload the schema refuses is bad
      // input before anything is recorded, and an OcppError from send() is always about the answer.
      const invalid = validateRequest(protocol as OcppProtocol, encoded.action, encoded.payload);
      if (invalid) throw new OperationsError('INVALID_COMMAND_INPUT', invalid.description, { field: 'input' });
      return encoded;
    },

    async send(identity, action, payload, timeoutMs) {
      try {
        return await router.call(identity, action, payload, timeoutMs);
      } catch (error) {
        throw toDeliveryError(identity, error);
      }
    },
  };
}

function toDeliveryError(identity: string, error: unknown): unknown {
  if (error instanceof StationOfflineError) return new CommandDeliveryError('OFFLINE', error.message);
  if (error instanceof OcppTimeoutError) {
    return new CommandDeliveryError('TIMEOUT', `Station ${identity} did not answer ${error.action} within ${error.timeoutMs / 1000} s`);
  }
  if (error instanceof OcppCallError) {
    return new CommandDeliveryError(
      'CHARGER_ERROR',
      `Station ${identity} answered ${error.action} with ${error.code}${error.description ? `: ${error.description}` : ''}`,
      error.code,
    );
  }
  // Our payloads were checked in encode(), so this is an answer that broke the schema.
  if (error instanceof OcppError) {
    return new CommandDeliveryError('CHARGER_ERROR', `Station ${identity} sent an invalid answer: ${error.description}`, error.code);
  }
  return error;
}

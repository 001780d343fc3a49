import { StationCallFailed, type StationMaintenance } from '../domain/station-maintenance.js';
import { OcppCallError, OcppError, OcppTimeoutError, StationOfflineError } from './ocpp-error.js';
import type { StationCaller } from './station-caller.js';
import {
  fromGetDiagnosticsResponse,
  toGetDiagnosticsRequest,
  toUpdateFirmwareRequest,
} from './v16/v16.maintenance.js';
import type { GetDiagnosticsResponse } from './v16/v16.types.js';

/**
 * Maintenance calls over OCPP. Only 1.6 has handlers today; when 2.0.1 arrives, pick the mapping
 * by the station's protocol here. Transport failures become StationCallFailed, so services can
 * end a request in a definite state without knowing OCPP.
 */
export function createOcppMaintenance(caller: StationCaller): StationMaintenance {
  const send = async (identity: string, action: string, payload: unknown): Promise<unknown> => {
    try {
      return await caller.call(identity, action, payload);
    } catch (error) {
      throw toCallFailure(error);
    }
  };
  return {
    async requestDiagnostics(identity, command) {
      const answer = await send(identity, 'GetDiagnostics', toGetDiagnosticsRequest(command));
      return fromGetDiagnosticsResponse(answer as GetDiagnosticsResponse);
    },
    async updateFirmware(identity, command) {
      // 1.6 UpdateFirmware.conf is empty: a CALLRESULT is the acceptance.
      await send(identity, 'UpdateFirmware', toUpdateFirmwareRequest(command));
    },
  };
}

export function toCallFailure(error: unknown): unknown {
  if (error instanceof StationOfflineError) return new StationCallFailed('OFFLINE', error.message);
  if (error instanceof OcppTimeoutError) return new StationCallFailed('TIMEOUT', error.message);
  if (error instanceof OcppCallError) return new StationCallFailed('REJECTED', `the station answered ${error.code}: ${error.description}`);
  if (error instanceof OcppError) return new StationCallFailed('INVALID', error.message);
  return error;
}

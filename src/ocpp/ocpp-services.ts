import type { DiagnosticsService } from '../domain/diagnostics/diagnostics.service.js';
import type { FirmwareProgressService } from '../domain/firmware/firmware-progress.service.js';
import type { SessionService } from '../domain/sessions/session.service.js';
import type { StationPresence } from '../domain/stations/station-presence.service.js';
import type { StationTelemetry } from '../domain/stations/station-telemetry.service.js';
import type { StationContext } from './types.js';

/** What an OCPP handler may call: domain services only, never the ORM. */
export interface OcppServices {
  presence: StationPresence;
  telemetry: StationTelemetry;
  sessions: SessionService;
  diagnostics: DiagnosticsService;
  firmwareProgress: FirmwareProgressService;
  heartbeatIntervalSeconds: number;
}

/** An inbound action's handler: a payload that passed the schema in, a response payload out. */
export type ActionHandler = (station: StationContext, payload: never, services: OcppServices) => Promise<object>;

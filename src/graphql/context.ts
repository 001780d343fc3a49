import type { Actor } from '../domain/actor.js';
import type { ChargingLimitService } from '../domain/operations/charging-limit.service.js';
import type { LocalListService } from '../domain/operations/local-list.service.js';
import type { ReservationService } from '../domain/operations/reservation.service.js';
import type { StationCommandService } from '../domain/operations/station-command.service.js';
import type { StationConfigurationService } from '../domain/operations/station-configuration.service.js';
import type { DiagnosticsService } from '../domain/diagnostics/diagnostics.service.js';
import type { FirmwareService } from '../domain/firmware/firmware.service.js';
import type { MonitoringService } from '../domain/monitoring/monitoring.service.js';
import type { SessionService } from '../domain/sessions/session.service.js';
import type { StationService } from '../domain/stations/station.service.js';
import type { IdTokenService } from '../domain/users/id-token.service.js';
import type { UserService } from '../domain/users/user.service.js';
import type { EventBus } from '../events/event-bus.js';

/** Everything a resolver may reach: services and the event bus, never the ORM. */
export interface AppServices {
  stations: StationService;
  sessions: SessionService;
  tokens: IdTokenService;
  users: UserService;
  monitoring: MonitoringService;
  diagnostics: DiagnosticsService;
  firmware: FirmwareService;
  events: EventBus;
  commands: StationCommandService;
  configuration: StationConfigurationService;
  reservations: ReservationService;
  localLists: LocalListService;
  chargingLimits: ChargingLimitService;
}

export interface GraphQLContext {
  services: AppServices;
  /** Who is calling, once authentication sets it; audit records fall back to the plain API. */
  actor?: Actor;
}

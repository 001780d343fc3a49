import type { FirmwareJobView } from './firmware/firmware.types.js';
import type { AlertView } from './monitoring/monitoring.types.js';
import type { MeterValuesEvent, SessionUpdatedEvent } from './sessions/session.types.js';
import type { StationStatusEvent } from './stations/station.types.js';

// Every event the domain publishes, by channel. Events are small JSON objects (ids, numbers,
// ISO timestamps), never entities, so they cross Redis unchanged. Every event names the
// organisation of its station (and a session's events its driver), so a subscription passes on
// only what its subscriber may see without reading the database.
export interface DomainEvents {
  'station.status': StationStatusEvent;
  'meter.values': MeterValuesEvent;
  'session.updated': SessionUpdatedEvent;
  /** Faults, offline/online, boots, firmware and diagnostics failures: what operators are told about. */
  'station.alert': AlertView;
  /** A firmware job was created or moved (sent, progress reported, failed, superseded). */
  'firmware.job': FirmwareJobView;
}

export type ChannelName = keyof DomainEvents;

/**
 * The domain's port for telling the world what changed. Services publish only after the change
 * is committed. Transports (Redis, in-process) live in src/events and implement it.
 */
export interface EventPublisher {
  publish<K extends ChannelName>(channel: K, event: DomainEvents[K]): void;
}

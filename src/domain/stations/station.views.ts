import type { StationKey } from './station-observer.js';
import { refId } from '../../db/ref.js';
import { isoOrNull } from '../timestamps.js';
import type { Connector } from './connector.entity.js';
import type { StationReport } from './station-report.entity.js';
import type { Station } from './station.entity.js';
import type { ConnectorView, StationReportView, StationStatusEvent, StationView } from './station.types.js';

// Rows to what leaves the stations area: views for the API, payloads for events.

export function toConnectorView(c: Connector): ConnectorView {
  return {
    connectorId: c.connectorId,
    status: c.status as ConnectorView['status'],
    errorCode: c.errorCode as ConnectorView['errorCode'],
    info: c.info ?? null,
    vendorId: c.vendorId ?? null,
    vendorErrorCode: c.vendorErrorCode ?? null,
    statusAt: isoOrNull(c.statusAt),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function toStationView(s: Station, connectors: readonly Connector[]): StationView {
  return {
    id: s.id,
    identity: s.identity,
    name: s.name,
    organisationId: refId(s.organisation),
    address: s.address ?? null,
    latitude: s.latitude ?? null,
    longitude: s.longitude ?? null,
    timeZone: s.timeZone,
    securityProfile: s.securityProfile,
    hasPassword: s.passwordHash != null,
    ocppProtocol: s.ocppProtocol ?? null,
    vendor: s.vendor ?? null,
    model: s.model ?? null,
    serialNumber: s.serialNumber ?? null,
    chargeBoxSerialNumber: s.chargeBoxSerialNumber ?? null,
    firmwareVersion: s.firmwareVersion ?? null,
    iccid: s.iccid ?? null,
    imsi: s.imsi ?? null,
    meterType: s.meterType ?? null,
    meterSerialNumber: s.meterSerialNumber ?? null,
    online: s.online,
    connectedAt: isoOrNull(s.connectedAt),
    disconnectedAt: isoOrNull(s.disconnectedAt),
    lastSeenAt: isoOrNull(s.lastSeenAt),
    lastBootAt: isoOrNull(s.lastBootAt),
    lastHeartbeatAt: isoOrNull(s.lastHeartbeatAt),
    diagnosticsStatus: s.diagnosticsStatus ?? null,
    diagnosticsStatusAt: isoOrNull(s.diagnosticsStatusAt),
    firmwareStatus: s.firmwareStatus ?? null,
    firmwareStatusAt: isoOrNull(s.firmwareStatusAt),
    connectors: connectors.map(toConnectorView),
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

export function toReportView(r: StationReport): StationReportView {
  return {
    id: String(r.id),
    kind: r.kind,
    status: r.status ?? null,
    vendorId: r.vendorId ?? null,
    messageId: r.messageId ?? null,
    data: r.data ?? null,
    receivedAt: r.receivedAt.toISOString(),
  };
}

/** A `station.status` event of the station as it now is; callers set what changed. */
export function statusEventOf(
  station: StationKey,
  at: Date,
  change: Partial<Omit<StationStatusEvent, 'stationId' | 'stationIdentity' | 'organisationId' | 'occurredAt'>> &
    Pick<StationStatusEvent, 'kind'>,
): StationStatusEvent {
  return {
    stationId: station.id,
    stationIdentity: station.identity,
    organisationId: station.organisationId,
    connectorId: null,
    status: null,
    errorCode: null,
    info: null,
    vendorErrorCode: null,
    online: station.online,
    occurredAt: at.toISOString(),
    ...change,
  };
}

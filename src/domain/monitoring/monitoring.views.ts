import { refId, requiredRefId } from '../../db/ref.js';
import type { ConnectorStatusEvent } from '../stations/connector-status-event.entity.js';
import type { Station } from '../stations/station.entity.js';
import type { ConnectorErrorCode, ConnectorStatus } from '../stations/station.types.js';
import { isoOrNull } from '../timestamps.js';
import type { Alert } from './alert.entity.js';
import type { Fault } from './fault.entity.js';
import type { AlertInput, AlertView, ConnectionEventView, FaultView, ReportedStatusView, StatusEventView } from './monitoring.types.js';
import type { StationConnectionEvent } from './station-connection-event.entity.js';

// Rows of monitoring as the edges and events see them.

/** For a fault loaded with its station. */
export function toFaultView(f: Fault): FaultView {
  return {
    id: f.id,
    stationId: requiredRefId(f.station),
    stationIdentity: f.station.identity,
    organisationId: refId(f.station.organisation),
    connectorId: f.connectorId,
    ...reportedStatus(f),
    open: f.open,
    openedAt: f.openedAt.toISOString(),
    closedAt: isoOrNull(f.closedAt),
  };
}

export function toAlertView(a: Alert, station: Pick<Station, 'id' | 'identity' | 'organisation'>): AlertView {
  return {
    id: a.id,
    stationId: station.id,
    stationIdentity: station.identity,
    organisationId: refId(station.organisation),
    kind: a.kind,
    severity: a.severity,
    connectorId: a.connectorId ?? null,
    message: a.message,
    details: a.details,
    subjectType: a.subjectType ?? null,
    subjectId: a.subjectId ?? null,
    at: a.at.toISOString(),
  };
}

export function toConnectionEventView(r: StationConnectionEvent): ConnectionEventView {
  return { online: r.online, reason: r.reason ?? null, at: r.at.toISOString() };
}

export function toStatusEventView(r: ConnectorStatusEvent): StatusEventView {
  return {
    connectorId: r.connectorId,
    ...reportedStatus(r),
    occurredAt: r.occurredAt.toISOString(),
    receivedAt: r.receivedAt.toISOString(),
    applied: r.applied,
  };
}

function reportedStatus(r: Pick<Fault, 'status' | 'errorCode' | 'info' | 'vendorId' | 'vendorErrorCode'>): ReportedStatusView {
  return {
    status: r.status as ConnectorStatus,
    errorCode: r.errorCode as ConnectorErrorCode,
    info: r.info ?? null,
    vendorId: r.vendorId ?? null,
    vendorErrorCode: r.vendorErrorCode ?? null,
  };
}

/** An alert's own columns as raised: the one place its defaults and the message bound are set. */
export function alertColumns(input: AlertInput) {
  return {
    kind: input.kind,
    severity: input.severity,
    connectorId: input.connectorId ?? null,
    message: input.message.slice(0, 500),
    details: input.details ?? {},
    subjectType: input.subject?.type ?? null,
    subjectId: input.subject?.id ?? null,
    at: input.at ?? new Date(),
  };
}

import { refId, requiredRefId } from '../../db/ref.js';
import { isoOrNull } from '../timestamps.js';
import type { ChargingSession } from './charging-session.entity.js';
import type { SessionEnergyRow } from './meter-sample-writer.js';
import type { MeterSample } from './meter-sample.entity.js';
import type { MeterSampleView, SessionView } from './session.types.js';

/** The station a session is at, as its view names it: events and subscriptions filter by the operator. */
export interface SessionStation {
  identity: string;
  organisationId: string | null;
}

export function toSessionView(s: ChargingSession, station: SessionStation): SessionView {
  return {
    id: s.id,
    transactionId: s.transactionId,
    stationId: requiredRefId(s.station),
    stationIdentity: station.identity,
    organisationId: station.organisationId,
    userId: refId(s.user),
    connectorId: s.connectorId,
    idTag: s.idTag,
    idTokenId: refId(s.idToken),
    authorizationStatus: s.authorizationStatus,
    status: s.status,
    reservationId: s.reservationId ?? null,
    startedAt: s.startedAt.toISOString(),
    stoppedAt: isoOrNull(s.stoppedAt),
    meterStartWh: Number(s.meterStartWh),
    meterStopWh: s.meterStopWh === null || s.meterStopWh === undefined ? null : Number(s.meterStopWh),
    energyWh: Number(s.energyWh),
    lastSampleAt: isoOrNull(s.lastSampleAt),
    stopReason: (s.stopReason ?? null) as SessionView['stopReason'],
    stopIdTag: s.stopIdTag ?? null,
    tariffId: s.tariffId ?? null,
    tariffVersionId: s.tariffVersionId ?? null,
    updatedAt: s.updatedAt.toISOString(),
  };
}

/** For sessions loaded with their station populated. */
export function stationOf(s: ChargingSession): SessionStation {
  return { identity: s.station.identity, organisationId: refId(s.station.organisation) };
}

/** The same view from a raw row the meter writer returned, so the hot path reads nothing back. */
export function sessionViewFromRow(r: SessionEnergyRow, station: SessionStation): SessionView {
  return {
    id: r.id,
    transactionId: r.transaction_id,
    stationId: r.station_id,
    stationIdentity: station.identity,
    organisationId: station.organisationId,
    userId: r.user_id,
    connectorId: r.connector_id,
    idTag: r.id_tag,
    idTokenId: r.id_token_id,
    authorizationStatus: r.authorization_status as SessionView['authorizationStatus'],
    status: r.status as SessionView['status'],
    reservationId: r.reservation_id,
    startedAt: r.started_at.toISOString(),
    stoppedAt: isoOrNull(r.stopped_at),
    meterStartWh: Number(r.meter_start_wh),
    meterStopWh: r.meter_stop_wh === null ? null : Number(r.meter_stop_wh),
    energyWh: Number(r.energy_wh),
    lastSampleAt: isoOrNull(r.last_sample_at),
    stopReason: r.stop_reason as SessionView['stopReason'],
    stopIdTag: r.stop_id_tag,
    tariffId: r.tariff_id,
    tariffVersionId: r.tariff_version_id,
    updatedAt: r.updated_at.toISOString(),
  };
}

export function toMeterSampleView(r: MeterSample): MeterSampleView {
  return {
    sampledAt: r.sampledAt.toISOString(),
    measurand: r.measurand,
    phase: r.phase ?? null,
    unit: r.unit ?? null,
    context: r.context ?? null,
    location: r.location ?? null,
    format: r.format ?? null,
    value: r.value,
    numericValue: r.numericValue ?? null,
  };
}

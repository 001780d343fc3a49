// OCPP 1.6J, charger to CSMS. Each handler maps the payload, calls one service, maps the answer.
import type {
  AuthorizeRequest,
  BootNotificationRequest,
  DataTransferRequest,
  DiagnosticsStatusNotificationRequest,
  FirmwareStatusNotificationRequest,
  MeterValuesRequest,
  StartTransactionRequest,
  StatusNotificationRequest,
  StopTransactionRequest,
} from './v16.types.js';
import type { ActionHandler, OcppServices } from '../ocpp-services.js';
import type { StationContext } from '../types.js';
import {
  toBootInfo,
  toConnectorStatus,
  toDiagnosticsUploadStatus,
  toFirmwareProgress,
  toIdTagInfo,
  toMeterReport,
  toTransactionStart,
  toTransactionStop,
} from './v16.mapper.js';

const now = () => new Date().toISOString();

type Handler<P> = (station: StationContext, payload: P, services: OcppServices) => Promise<object>;

const bootNotification: Handler<BootNotificationRequest> = async (station, p, s) => {
  await s.telemetry.recordBoot(station.identity, toBootInfo(p));
  return { status: 'Accepted', currentTime: now(), interval: s.heartbeatIntervalSeconds };
};

const heartbeat: Handler<object> = async (station, _p, s) => {
  await s.presence.recordHeartbeat(station.identity);
  return { currentTime: now() };
};

const statusNotification: Handler<StatusNotificationRequest> = async (station, p, s) => {
  await s.telemetry.recordConnectorStatus(station.identity, toConnectorStatus(p));
  return {};
};

const authorize: Handler<AuthorizeRequest> = async (station, p, s) => {
  return { idTagInfo: toIdTagInfo(await s.sessions.authorize(station.identity, p.idTag)) };
};

const startTransaction: Handler<StartTransactionRequest> = async (station, p, s) => {
  const { transactionId, authorization } = await s.sessions.start(station.identity, toTransactionStart(p));
  return { transactionId, idTagInfo: toIdTagInfo(authorization) };
};

const meterValues: Handler<MeterValuesRequest> = async (station, p, s) => {
  await s.sessions.recordMeterValues(station.identity, toMeterReport(p));
  return {};
};

const stopTransaction: Handler<StopTransactionRequest> = async (station, p, s) => {
  const { authorization } = await s.sessions.stop(station.identity, toTransactionStop(p));
  return authorization ? { idTagInfo: toIdTagInfo(authorization) } : {};
};

// We speak no vendor extensions yet: everything is kept for operators and answered UnknownVendorId.
const dataTransfer: Handler<DataTransferRequest> = async (station, p, s) => {
  await s.telemetry.recordReport(station.identity, {
    kind: 'DATA_TRANSFER',
    vendorId: p.vendorId,
    messageId: p.messageId,
    data: p.data,
    status: 'UnknownVendorId',
  });
  return { status: 'UnknownVendorId' };
};

// The station's own word (p.status) is kept in its report log; the domain word drives the request or job.
const diagnosticsStatusNotification: Handler<DiagnosticsStatusNotificationRequest> = async (station, p, s) => {
  await s.diagnostics.recordStatus(station.identity, { status: toDiagnosticsUploadStatus(p), reported: p.status });
  return {};
};

const firmwareStatusNotification: Handler<FirmwareStatusNotificationRequest> = async (station, p, s) => {
  await s.firmwareProgress.recordStatus(station.identity, { progress: toFirmwareProgress(p), reported: p.status });
  return {};
};

/** Inbound 1.6 actions we implement; any other action gets NotImplemented. */
export const v16Handlers: Record<string, ActionHandler> = {
  BootNotification: bootNotification as ActionHandler,
  Heartbeat: heartbeat as ActionHandler,
  StatusNotification: statusNotification as ActionHandler,
  Authorize: authorize as ActionHandler,
  StartTransaction: startTransaction as ActionHandler,
  MeterValues: meterValues as ActionHandler,
  StopTransaction: stopTransaction as ActionHandler,
  DataTransfer: dataTransfer as ActionHandler,
  DiagnosticsStatusNotification: diagnosticsStatusNotification as ActionHandler,
  FirmwareStatusNotification: firmwareStatusNotification as ActionHandler,
};

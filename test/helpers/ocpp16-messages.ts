// Builders for OCPP 1.6 payloads a charger sends, with sensible defaults to override.

export const isoNow = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();

export const bootNotification = (o: Record<string, unknown> = {}) => ({
  chargePointVendor: 'Voltline Labs',
  chargePointModel: 'VL-22',
  chargePointSerialNumber: 'SN-0001',
  firmwareVersion: '1.2.3',
  meterType: 'DZG',
  ...o,
});

export const statusNotification = (connectorId: number, status: string, o: Record<string, unknown> = {}) => ({
  connectorId,
  status,
  errorCode: 'NoError',
  timestamp: isoNow(),
  ...o,
});

export const startTransaction = (idTag: string, o: Record<string, unknown> = {}) => ({
  connectorId: 1,
  idTag,
  meterStart: 1000,
  timestamp: isoNow(),
  ...o,
});

export const energySample = (value: string | number, o: Record<string, unknown> = {}) => ({
  value: String(value),
  measurand: 'Energy.Active.Import.Register',
  unit: 'Wh',
  context: 'Sample.Periodic',
  ...o,
});

export const meterValues = (
  transactionId: number | undefined,
  sampledValue: Record<string, unknown>[],
  o: Record<string, unknown> = {},
) => ({
  connectorId: 1,
  ...(transactionId === undefined ? {} : { transactionId }),
  meterValue: [{ timestamp: isoNow(), sampledValue }],
  ...o,
});

export const stopTransaction = (transactionId: number, meterStop: number, o: Record<string, unknown> = {}) => ({
  transactionId,
  meterStop,
  timestamp: isoNow(),
  ...o,
});

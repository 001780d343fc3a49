// Asking a station for maintenance work, in domain terms. The OCPP layer implements it per
// protocol version (src/ocpp/ocpp-maintenance.ts); services never see a protocol payload.

export interface DiagnosticsUploadCommand {
  /** Where the station uploads the file (HTTP(S) PUT or POST). */
  location: string;
  startTime?: Date | null;
  stopTime?: Date | null;
  retries?: number | null;
  retryIntervalSeconds?: number | null;
}

export interface FirmwareUpdateCommand {
  /** Where the station downloads the firmware. */
  location: string;
  /** From when the station may download it. */
  retrieveAt: Date;
  retries?: number | null;
  retryIntervalSeconds?: number | null;
}

export interface StationMaintenance {
  /** Resolves with the name of the file the station will upload, or null when it has no diagnostics. */
  requestDiagnostics(identity: string, command: DiagnosticsUploadCommand): Promise<{ fileName: string | null }>;
  /** Resolves once the station accepted the request. */
  updateFirmware(identity: string, command: FirmwareUpdateCommand): Promise<void>;
}

/**
 * Why a call to a station did not get a usable answer: OFFLINE (no socket), TIMEOUT (no answer
 * in time), REJECTED (the station answered with an error) or INVALID (a payload broke the schema).
 */
export type StationCallFailure = 'OFFLINE' | 'TIMEOUT' | 'REJECTED' | 'INVALID';

export class StationCallFailed extends Error {
  override readonly name = 'StationCallFailed';
  constructor(
    readonly failure: StationCallFailure,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Sends one OCPP CALL to a station and resolves with its CALLRESULT payload. Rejects with
 * StationOfflineError, OcppTimeoutError, OcppCallError or OcppError (src/ocpp/ocpp-error.ts).
 * For now the local OCPP server's `call` (one node); the routed command service, which reaches
 * the node that holds the socket and keeps command history, takes its place when merged.
 */
export interface StationCaller {
  call(identity: string, action: string, payload: unknown, timeoutMs?: number): Promise<unknown>;
}

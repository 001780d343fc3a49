import type { ConnectorErrorCode, ConnectorStatus } from '../stations/station.types.js';

/** What identifies one fault: a change of any of these on a connector is a different fault. */
export interface FaultKey {
  errorCode: ConnectorErrorCode;
  vendorId: string | null;
  vendorErrorCode: string | null;
}

export interface StatusReportFacts extends FaultKey {
  status: ConnectorStatus;
}

export interface FaultDecision {
  /** Close the connector's open fault. */
  close: boolean;
  /** Open a new fault for this report. */
  open: boolean;
}

/**
 * A connector is in fault while it reports an error code other than NO_ERROR, or the FAULTED
 * status (some chargers send Faulted with NoError and only a vendor error code). It is clear
 * again on a report with NO_ERROR and any other status. A repeat of the same fault (e.g. the
 * status moves from Faulted to Unavailable with the same code) changes nothing.
 */
export function decideFault(open: FaultKey | null, report: StatusReportFacts): FaultDecision {
  if (!isFaulty(report)) return { close: open !== null, open: false };
  if (open === null) return { close: false, open: true };
  if (sameFault(open, report)) return { close: false, open: false };
  return { close: true, open: true };
}

export function isFaulty(report: StatusReportFacts): boolean {
  return report.errorCode !== 'NO_ERROR' || report.status === 'FAULTED';
}

function sameFault(a: FaultKey, b: FaultKey): boolean {
  return a.errorCode === b.errorCode && (a.vendorId ?? null) === (b.vendorId ?? null) && (a.vendorErrorCode ?? null) === (b.vendorErrorCode ?? null);
}

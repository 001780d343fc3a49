import type { ConnectorStatus } from '../stations/station.types.js';
import type { StatusChange } from './pricing.types.js';

// Charging or parking, from the connector statuses the charger reported inside the transaction.
// CHARGING is charging; SUSPENDED_EV, SUSPENDED_EVSE and FINISHING are parking (connected, not
// charging). Every other status (PREPARING, OCCUPIED, FAULTED, …) leaves the state as it was:
// it says nothing about whether energy may flow. Before the first telling status, and when no
// statuses are given at all, the session is charging. The state is driven by status only: a long
// span without energy is NOT turned into parking by guesswork.

export type SessionState = 'CHARGING' | 'PARKING';

/** A stretch of the session in one state, [from, to) in epoch ms. */
export interface StateSpan {
  from: number;
  to: number;
  state: SessionState;
}

const STATE_OF: Partial<Record<ConnectorStatus, SessionState>> = {
  CHARGING: 'CHARGING',
  SUSPENDED_EV: 'PARKING',
  SUSPENDED_EVSE: 'PARKING',
  FINISHING: 'PARKING',
};

/** The session's state spans, covering [start, end) without gaps; adjacent spans differ. */
export function stateSpans(start: number, end: number, statuses: readonly StatusChange[]): StateSpan[] {
  const changes = statuses
    .map((s) => ({ at: s.at.getTime(), state: STATE_OF[s.status] }))
    .filter((c): c is { at: number; state: SessionState } => c.state !== undefined && Number.isFinite(c.at))
    .sort((a, b) => a.at - b.at);
  let state: SessionState = 'CHARGING';
  for (const c of changes) if (c.at <= start) state = c.state;
  const spans: StateSpan[] = [];
  let from = start;
  for (const c of changes) {
    if (c.at <= start || c.at >= end || c.state === state) continue;
    if (c.at > from) spans.push({ from, to: c.at, state });
    from = c.at;
    state = c.state;
  }
  if (end > from || spans.length === 0) spans.push({ from, to: Math.max(end, from), state });
  return spans;
}

export function stateAt(spans: readonly StateSpan[], t: number): SessionState {
  for (const s of spans) if (t >= s.from && t < s.to) return s.state;
  return spans[spans.length - 1]?.state ?? 'CHARGING';
}

/** Charging milliseconds in [a, b). */
export function chargingMs(spans: readonly StateSpan[], a: number, b: number): number {
  let ms = 0;
  for (const s of spans) {
    if (s.state !== 'CHARGING') continue;
    const lo = Math.max(a, s.from);
    const hi = Math.min(b, s.to);
    if (hi > lo) ms += hi - lo;
  }
  return ms;
}

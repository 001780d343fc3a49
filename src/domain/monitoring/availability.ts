import type { ConnectorStatus } from '../stations/station.types.js';

// Uptime and availability from the connection and status histories: pure, so the rules can be
// read and tested without a database. A state holds from its change until the next change; the
// state at `from` is the last change before it (unknown when there is none).

export interface StateChange<S> {
  at: Date;
  state: S;
}

export interface History<S> {
  /** The state in force at the start of the window; null when nothing was recorded before it. */
  before: S | null;
  /** Changes inside the window, in any order. */
  changes: StateChange<S>[];
}

export interface AvailabilityInput {
  from: Date;
  to: Date;
  connection: History<boolean>;
  connectors: ({ connectorId: number } & History<ConnectorStatus>)[];
}

export interface ConnectorAvailability {
  connectorId: number;
  /** Online and the connector serviceable: available, reserved, or in use. */
  availableSeconds: number;
  availableRatio: number;
  /** Part of availableSeconds: a vehicle charging or suspended. */
  chargingSeconds: number;
  faultedSeconds: number;
  unavailableSeconds: number;
  /** The station was not connected, so the connector's state is not known. */
  offlineSeconds: number;
  /** Online, but the connector had reported no status yet. */
  unknownSeconds: number;
}

export interface Availability {
  windowSeconds: number;
  onlineSeconds: number;
  onlineRatio: number;
  connectors: ConnectorAvailability[];
}

type Bucket = 'available' | 'faulted' | 'unavailable' | 'offline' | 'unknown';

const CHARGING: ReadonlySet<ConnectorStatus> = new Set(['CHARGING', 'SUSPENDED_EV', 'SUSPENDED_EVSE']);

export function bucketOf(online: boolean, status: ConnectorStatus | null): Bucket {
  if (!online) return 'offline';
  switch (status) {
    case null:
    case 'UNKNOWN':
      return 'unknown';
    case 'FAULTED':
      return 'faulted';
    case 'UNAVAILABLE':
      return 'unavailable';
    case 'AVAILABLE':
    case 'PREPARING':
    case 'CHARGING':
    case 'SUSPENDED_EVSE':
    case 'SUSPENDED_EV':
    case 'FINISHING':
    case 'RESERVED':
    case 'OCCUPIED':
      return 'available';
    default: {
      const unhandled: never = status;
      return unhandled;
    }
  }
}

interface Segment<S> {
  start: number;
  end: number;
  state: S;
}

/** The window cut into the pieces where one state held. Changes at the same instant: the later one in the list wins. */
export function segments<S>(history: History<S>, fromMs: number, toMs: number): Segment<S | null>[] {
  const changes = history.changes
    .map((c, i) => ({ at: c.at.getTime(), state: c.state, i }))
    .filter((c) => c.at >= fromMs && c.at < toMs)
    .sort((a, b) => a.at - b.at || a.i - b.i);
  const out: Segment<S | null>[] = [];
  let start = fromMs;
  let state: S | null = history.before;
  for (const change of changes) {
    if (change.at > start) out.push({ start, end: change.at, state });
    start = change.at;
    state = change.state;
  }
  if (toMs > start) out.push({ start, end: toMs, state });
  return out;
}

export function computeAvailability(input: AvailabilityInput): Availability {
  const fromMs = input.from.getTime();
  const toMs = input.to.getTime();
  const windowMs = Math.max(0, toMs - fromMs);
  const connection = segments(input.connection, fromMs, toMs);
  const onlineMs = sum(connection.filter((s) => s.state === true));

  const connectors = [...input.connectors]
    .sort((a, b) => a.connectorId - b.connectorId)
    .map((connector): ConnectorAvailability => {
      const ms: Record<Bucket, number> = { available: 0, faulted: 0, unavailable: 0, offline: 0, unknown: 0 };
      let chargingMs = 0;
      for (const piece of overlay(connection, segments(connector, fromMs, toMs))) {
        const length = piece.end - piece.start;
        ms[bucketOf(piece.online === true, piece.status)] += length;
        if (piece.online === true && piece.status !== null && CHARGING.has(piece.status)) chargingMs += length;
      }
      return {
        connectorId: connector.connectorId,
        availableSeconds: seconds(ms.available),
        availableRatio: ratio(ms.available, windowMs),
        chargingSeconds: seconds(chargingMs),
        faultedSeconds: seconds(ms.faulted),
        unavailableSeconds: seconds(ms.unavailable),
        offlineSeconds: seconds(ms.offline),
        unknownSeconds: seconds(ms.unknown),
      };
    });

  return { windowSeconds: seconds(windowMs), onlineSeconds: seconds(onlineMs), onlineRatio: ratio(onlineMs, windowMs), connectors };
}

// Both lists cover the same window without gaps; walk them together.
function overlay(
  connection: Segment<boolean | null>[],
  status: Segment<ConnectorStatus | null>[],
): { start: number; end: number; online: boolean | null; status: ConnectorStatus | null }[] {
  const out = [];
  let i = 0;
  let j = 0;
  while (i < connection.length && j < status.length) {
    const a = connection[i];
    const b = status[j];
    const start = Math.max(a.start, b.start);
    const end = Math.min(a.end, b.end);
    if (end > start) out.push({ start, end, online: a.state, status: b.state });
    if (a.end <= b.end) i++;
    else j++;
  }
  return out;
}

const sum = (pieces: { start: number; end: number }[]) => pieces.reduce((total, p) => total + (p.end - p.start), 0);
const seconds = (ms: number) => Math.round(ms / 1000);
const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

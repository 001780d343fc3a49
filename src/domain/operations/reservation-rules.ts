import { tokenLookupKey } from '../users/id-token.service.js';

// Who may charge where while reservations are held. Pure rules over the reservations a
// station holds; ReservationBook loads them and applies the verdicts.
//
// A reservation on connector N admits only its idTag, or any idTag of the same parentIdTag
// (the group it was made for). A reservation on connector 0 (any connector) is not enforced
// here: OCPP leaves it to the station to keep one connector free for it; it is only linked to
// the session that uses it.

export interface HeldReservation {
  id: number;
  connectorId: number;
  idTag: string;
  parentIdTag: string | null;
  expiresAt: Date;
}

export interface PresentedTag {
  idTag: string;
  /** The presented token's group, when we know the token. */
  parentIdTag: string | null;
}

export type StartVerdict =
  | { verdict: 'FREE' }
  /** The start uses this reservation of the same tag. */
  | { verdict: 'USES'; reservationId: number }
  /** The connector is reserved for another tag until then. */
  | { verdict: 'RESERVED'; until: Date };

export type AuthorizeVerdict = { verdict: 'FREE' } | { verdict: 'RESERVED'; until: Date };

export function reservationAdmits(r: HeldReservation, tag: PresentedTag): boolean {
  if (tokenLookupKey(r.idTag) === tokenLookupKey(tag.idTag)) return true;
  return r.parentIdTag !== null && tag.parentIdTag !== null && tokenLookupKey(r.parentIdTag) === tokenLookupKey(tag.parentIdTag);
}

/** A transaction starting on `connectorId` with `tag`, optionally naming the reservation it uses. */
export function screenStart(
  held: HeldReservation[],
  start: PresentedTag & { connectorId: number; reservationId: number | null },
  now: Date,
): StartVerdict {
  const live = held.filter((r) => r.expiresAt > now);
  const own = live.filter((r) => (r.connectorId === start.connectorId || r.connectorId === 0) && reservationAdmits(r, start));
  const used =
    own.find((r) => r.id === start.reservationId) ?? own.find((r) => r.connectorId === start.connectorId) ?? own[0];
  if (used) return { verdict: 'USES', reservationId: used.id };
  const blocking = live.find((r) => r.connectorId === start.connectorId);
  return blocking ? { verdict: 'RESERVED', until: blocking.expiresAt } : { verdict: 'FREE' };
}

/**
 * OCPP 1.6 Authorize names no connector, so a tag is refused only when every connector we
 * know of is reserved for someone else: there is nowhere it could charge. Otherwise it is
 * authorized, and a start on a reserved connector is refused at StartTransaction.
 */
export function screenAuthorize(
  held: HeldReservation[],
  connectorIds: number[],
  tag: PresentedTag,
  now: Date,
): AuthorizeVerdict {
  const live = held.filter((r) => r.expiresAt > now);
  if (live.some((r) => reservationAdmits(r, tag))) return { verdict: 'FREE' };
  const connectors = connectorIds.filter((id) => id > 0);
  if (connectors.length === 0) return { verdict: 'FREE' };
  const blocking = connectors.map((id) => live.find((r) => r.connectorId === id));
  if (blocking.some((r) => r === undefined)) return { verdict: 'FREE' };
  const until = Math.min(...blocking.map((r) => r!.expiresAt.getTime()));
  return { verdict: 'RESERVED', until: new Date(until) };
}

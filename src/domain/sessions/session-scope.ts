import { seesOrganisation, visibleRowsWhere, type Visibility } from '../accounts/viewer.js';

/** A session, or an event of one, as far as who may see it goes. */
export interface SessionOwnership {
  /** The station's operator. */
  organisationId: string | null;
  /** The driver whose session it is. */
  userId: string | null;
}

/** Drivers see their own sessions; operators and API keys those at their organisation's stations; admins all. */
export function seesSession(visibility: Visibility, session: SessionOwnership): boolean {
  if (visibility.kind === 'driver') return session.userId !== null && session.userId === visibility.userId;
  return seesOrganisation(visibility, session.organisationId);
}

/** The same rule as a condition on charging_session rows. */
export function visibleSessionsWhere(visibility: Visibility): Record<string, unknown> {
  return visibleRowsWhere(visibility, { organisation: 'station.organisation', driver: 'user' });
}

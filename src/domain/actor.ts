/**
 * Who asked for something, as recorded in audit trails. The GraphQL edge fills it from the
 * authenticated caller; calls without one are recorded as the plain API.
 */
export interface Actor {
  /** Human-readable: a user's name or email, an API client's name, 'api', 'system'. */
  label: string;
  userId: string | null;
}

export const API_ACTOR: Actor = { label: 'api', userId: null };

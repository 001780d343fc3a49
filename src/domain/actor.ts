/**
 * Who asked for something, as recorded in audit trails. The GraphQL edge fills it from the
 * authenticated caller; work the system does on its own is recorded as 'system'.
 */
export interface Actor {
  /** Human-readable: a user's name or email, an API client's name, 'system'. */
  label: string;
  userId: string | null;
  apiKeyId?: string | null;
}

export const SYSTEM_ACTOR: Actor = { label: 'system', userId: null };

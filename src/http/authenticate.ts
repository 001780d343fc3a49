import type { AccountService } from '../domain/accounts/account.service.js';
import type { ApiKeyService } from '../domain/accounts/api-key.service.js';
import type { Viewer } from '../domain/accounts/viewer.js';

export interface Authentication {
  viewer: Viewer | null;
  /** A credential was presented and refused (expired, revoked, malformed). */
  rejected: boolean;
}

const ANONYMOUS: Authentication = { viewer: null, rejected: false };

/**
 * `Authorization: Bearer <token>` over HTTP, connection param `authorization` over graphql-ws
 * (with or without the `Bearer ` prefix). Access tokens are JWTs; API keys start with `vk_`.
 */
export function credentialOf(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (!trimmed) return null;
  const bearer = /^Bearer\s+(.+)$/i.exec(trimmed);
  return (bearer ? bearer[1]! : trimmed).trim().slice(0, 4096);
}

export async function authenticate(
  services: { accounts: AccountService; apiKeys: ApiKeyService },
  credential: string | null,
  remoteAddress: string | null | undefined,
): Promise<Authentication> {
  if (!credential) return ANONYMOUS;
  const viewer = credential.startsWith('vk_')
    ? await services.apiKeys.authenticate(credential, remoteAddress)
    : await services.accounts.viewerFromAccessToken(credential);
  return viewer ? { viewer, rejected: false } : { viewer: null, rejected: true };
}

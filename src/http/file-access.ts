import type { IncomingMessage } from 'node:http';
import type { AccountService } from '../domain/accounts/account.service.js';
import type { ApiKeyService } from '../domain/accounts/api-key.service.js';
import type { Permission } from '../domain/accounts/permissions.js';
import { actorOf, viewerCan, visibilityOf, type Viewer } from '../domain/accounts/viewer.js';
import type { Caller } from '../domain/caller.js';
import { authenticate, credentialOf } from './authenticate.js';

/** The operator (and invoice) file endpoints. Station endpoints are authorised by the token in their URL instead. */
export type FileAction = 'DOWNLOAD_DIAGNOSTICS' | 'UPLOAD_FIRMWARE' | 'DOWNLOAD_FIRMWARE' | 'DOWNLOAD_INVOICE';

/**
 * Who may use an operator file endpoint at all (401 / 403 otherwise). Which files they reach is
 * the services' business: the `caller` goes with every call, and another organisation's file is
 * not found (404).
 */
export type FileAccess =
  | { verdict: 'ALLOW'; viewer: Viewer; caller: Caller }
  | { verdict: 'UNAUTHENTICATED' | 'FORBIDDEN' };

export type FileAccessPolicy = (req: IncomingMessage, action: FileAction) => Promise<FileAccess>;

// Any one of these. Downloading diagnostics is for those who request them and those who watch the stations.
const NEEDS: Record<FileAction, readonly Permission[]> = {
  DOWNLOAD_DIAGNOSTICS: ['monitoring:read', 'stations:command'],
  UPLOAD_FIRMWARE: ['stations:command'],
  DOWNLOAD_FIRMWARE: ['stations:command'],
  // Operators their organisation's invoices, drivers their own (the invoices service decides which).
  DOWNLOAD_INVOICE: ['billing:read', 'billing:self'],
};

/** `Authorization: Bearer <access token | vk_ API key>`, the same credentials as the GraphQL API. */
export function bearerFileAccess(
  services: { accounts: AccountService; apiKeys: ApiKeyService },
  remoteAddress: (req: IncomingMessage) => string | null | undefined,
): FileAccessPolicy {
  return async (req, action) => {
    const address = remoteAddress(req);
    const { viewer } = await authenticate(services, credentialOf(req.headers.authorization), address);
    if (!viewer) return { verdict: 'UNAUTHENTICATED' };
    if (!NEEDS[action].some((permission) => viewerCan(viewer, permission))) return { verdict: 'FORBIDDEN' };
    return { verdict: 'ALLOW', viewer, caller: { visibility: visibilityOf(viewer), actor: actorOf(viewer), remoteAddress: address ?? null } };
  };
}

import type { IncomingMessage } from 'node:http';

/** The operator file endpoints. Station endpoints are authorised by the token in their URL instead. */
export type FileAction = 'DOWNLOAD_DIAGNOSTICS' | 'UPLOAD_FIRMWARE' | 'DOWNLOAD_FIRMWARE';

export type AccessVerdict = 'ALLOW' | 'UNAUTHENTICATED' | 'FORBIDDEN';

/** Decides whether an HTTP request may use an operator file endpoint: 401 / 403 otherwise. */
export type FileAccessPolicy = (req: IncomingMessage, action: FileAction) => AccessVerdict | Promise<AccessVerdict>;

// Until operators authenticate, these endpoints are as open as the GraphQL API. Replace this
// policy (passed in src/app.ts) with one that checks the operator's session and role.
export const openFileAccess: FileAccessPolicy = () => 'ALLOW';

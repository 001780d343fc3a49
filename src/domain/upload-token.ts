import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// Chargers can only be given a URL, so the credential for an upload or a download is a random
// token inside it. Only its hash is stored: a database dump does not open anyone's upload.

export function newUploadToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function tokenMatches(storedHash: string | null | undefined, token: string): boolean {
  if (!storedHash) return false;
  const expected = Buffer.from(storedHash, 'hex');
  const actual = Buffer.from(hashToken(token), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

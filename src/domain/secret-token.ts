import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// Random bearer secrets: upload and download URLs given to chargers, refresh tokens, password
// reset tokens, API keys. Only their SHA-256 is stored: a database dump opens nothing. (They are
// 256 random bits, so a fast hash is enough; passwords, chosen by people, get argon2id.)

export function newSecretToken(): { token: string; hash: string } {
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

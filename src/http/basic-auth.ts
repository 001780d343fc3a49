/**
 * An `Authorization: Basic ...` header, decoded (RFC 7617). `userPass` is kept whole: the
 * caller knows the expected user id, which for OCPP (the station identity) may itself
 * contain a colon.
 */
export type BasicCredentials = { kind: 'none' } | { kind: 'malformed' } | { kind: 'basic'; userPass: string };

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function parseBasicAuthorization(header: string | undefined): BasicCredentials {
  if (header === undefined) return { kind: 'none' };
  const match = /^Basic +(\S+) *$/i.exec(header);
  if (!match || match[1].length % 4 !== 0 || !BASE64.test(match[1])) return { kind: 'malformed' };
  const bytes = Buffer.from(match[1], 'base64');
  // Anything that does not survive a UTF-8 round trip is not a password we could have issued.
  const userPass = bytes.toString('utf8');
  if (!Buffer.from(userPass, 'utf8').equals(bytes) || !userPass.includes(':')) return { kind: 'malformed' };
  return { kind: 'basic', userPass };
}

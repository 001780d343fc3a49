import { errors, jwtVerify, SignJWT } from 'jose';

const ISSUER = 'voltline-csms';
const AUDIENCE = 'voltline-csms:api';

export interface AccessTokenClaims {
  userId: string;
  /** The user's token version when issued; a newer one on the account voids the token. */
  tokenVersion: number;
}

/** Short-lived HS256 JWTs: who the caller is, nothing about what they may do (read per request). */
export class AccessTokens {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    readonly ttlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  sign(claims: AccessTokenClaims): Promise<string> {
    return new SignJWT({ ver: claims.tokenVersion })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }

  /** The claims of a valid, unexpired token of ours; null for anything else. */
  async verify(token: string): Promise<AccessTokenClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || typeof payload.ver !== 'number') return null;
      return { userId: payload.sub, tokenVersion: payload.ver };
    } catch (err) {
      if (err instanceof errors.JOSEError || err instanceof TypeError) return null;
      throw err;
    }
  }
}

/**
 * The signing secret: from JWT_SECRET, or, for the embedded default only, generated once into
 * a 0600 file beside the embedded database so logins survive restarts.
 */
export async function resolveJwtSecret(source: { value: string } | { generatedFile: string }): Promise<string> {
  if ('value' in source) return source.value;
  const { mkdir, readFile, writeFile } = await import('node:fs/promises');
  const { dirname } = await import('node:path');
  const { randomBytes } = await import('node:crypto');
  try {
    return (await readFile(source.generatedFile, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const secret = randomBytes(48).toString('base64url');
  await mkdir(dirname(source.generatedFile), { recursive: true });
  await writeFile(source.generatedFile, `${secret}\n`, { mode: 0o600, flag: 'wx' }).catch(async (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  return (await readFile(source.generatedFile, 'utf8')).trim();
}

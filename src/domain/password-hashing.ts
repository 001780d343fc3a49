import { hash, verify, type Options } from '@node-rs/argon2';

// argon2id at OWASP's baseline (19 MiB, 2 passes, 1 lane): about 15 ms per check on one core.
// Used for people's passwords and stations' Basic auth passwords alike.
const ARGON2: Options = { algorithm: 2 /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false; // a hash we cannot parse matches nothing
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the time of one real check when there is no hash to check against (an unknown
 * email), so a wrong password and an unknown account cost the same.
 */
export async function verifyNothing(password: string): Promise<false> {
  dummyHash ??= hash('not a password of anyone', ARGON2);
  await verifyPassword(await dummyHash, password);
  return false;
}

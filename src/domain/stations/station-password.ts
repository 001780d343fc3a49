import { createHmac, randomBytes } from 'node:crypto';
import { hash, verify, type Options } from '@node-rs/argon2';
import { z } from 'zod';

// OCPP 2.0.1 (A00, BasicAuthPassword) and the 1.6 security whitepaper: the Basic auth
// password of a station is 16 to 40 printable ASCII characters.
export const STATION_PASSWORD = z
  .string()
  .min(16, 'must be at least 16 characters')
  .max(40, 'must be at most 40 characters')
  .regex(/^[\x20-\x7e]*$/, 'must be printable ASCII');

/** 16 random bytes as 32 hex digits: 128 bits, and no character a charger's UI can mangle. */
export function generateStationPassword(): string {
  return randomBytes(16).toString('hex');
}

// argon2id at OWASP's baseline (19 MiB, 2 passes, 1 lane): about 15 ms per check on one core.
// Chargers reconnect in bursts, so checks are also cached (see charger-auth.service.ts).
const ARGON2: Options = { algorithm: 2 /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashStationPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export async function verifyStationPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false; // a hash we cannot parse matches nothing
  }
}

// Keyed per process, so fingerprints kept in memory are useless anywhere else.
const fingerprintKey = randomBytes(32);

/** A fast, non-reversible stand-in for a password, for in-memory caches. */
export function passwordFingerprint(password: string): string {
  return createHmac('sha256', fingerprintKey).update(password).digest('base64url');
}

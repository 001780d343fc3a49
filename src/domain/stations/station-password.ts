import { createHmac, randomBytes } from 'node:crypto';
import { hashPassword, verifyPassword } from '../password-hashing.js';
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

// Checks cost an argon2id run; chargers reconnect in bursts, so they are also cached
// (see charger-auth.service.ts).
export const hashStationPassword = hashPassword;
export const verifyStationPassword = verifyPassword;

// Keyed per process, so fingerprints kept in memory are useless anywhere else.
const fingerprintKey = randomBytes(32);

/** A fast, non-reversible stand-in for a password, for in-memory caches. */
export function passwordFingerprint(password: string): string {
  return createHmac('sha256', fingerprintKey).update(password).digest('base64url');
}

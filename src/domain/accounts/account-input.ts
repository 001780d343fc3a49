import { z } from 'zod';

// NIST 800-63B: at least 8 characters, long passphrases welcome, no composition rules.
export const PASSWORD = z.string().min(8, 'must be at least 8 characters').max(256, 'must be at most 256 characters');

/** Emails are kept trimmed and lower-cased: the login name, compared exactly. */
export const EMAIL = z.string().trim().toLowerCase().max(320).email();

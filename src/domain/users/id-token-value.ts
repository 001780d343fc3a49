import type { IdTokenType } from './id-token.entity.js';
import { looksLikeUid, parseRfidUid } from './rfid-uid.js';

// idTag values travel as OCPP CiString20 (1.6) or up to 36 characters (2.0.1 IdToken); eMAIDs fit too.
export const TOKEN_VALUE_MAX = 36;
const PRINTABLE = /^[\x21-\x7E]+$/;

/** OCPP compares idTags case-insensitively; so do we. */
export function tokenLookupKey(value: string): string {
  return value.trim().toUpperCase();
}

export type TokenValue = { ok: true; value: string; lookupKey: string } | { ok: false; reason: string };

/**
 * The stored spelling of a token's value. A card UID written in any usual spelling becomes its
 * canonical form, so the same card cannot be registered twice. `strictUid`: an RFID value must be
 * a UID (cards an operator imports or a driver claims); otherwise an RFID value that is not
 * written as a UID is kept as the charger reports it.
 */
export function tokenValueOf(type: IdTokenType, raw: string, options: { strictUid?: boolean } = {}): TokenValue {
  const text = raw.trim();
  if (type === 'RFID' && (options.strictUid || looksLikeUid(text))) {
    const uid = parseRfidUid(text);
    return uid.ok ? { ok: true, value: uid.uid, lookupKey: uid.uid } : { ok: false, reason: `not a card UID: it ${uid.reason}` };
  }
  if (text.length === 0) return { ok: false, reason: 'must not be empty' };
  if (text.length > TOKEN_VALUE_MAX) return { ok: false, reason: `must be at most ${TOKEN_VALUE_MAX} characters` };
  if (!PRINTABLE.test(text)) return { ok: false, reason: 'printable ASCII without spaces' };
  return { ok: true, value: text, lookupKey: tokenLookupKey(text) };
}

/** The keys an idTag a charger sent may be stored under: as sent, and (for cards) as a canonical UID. */
export function lookupCandidates(idTag: string): { exact: string; uid: string | null } {
  const uid = parseRfidUid(idTag);
  const exact = tokenLookupKey(idTag);
  return { exact, uid: uid.ok && uid.uid !== exact ? uid.uid : null };
}

/** Printed card numbers compare without case, spaces or dashes ("1234 5678" = "1234-5678"). */
export function printedNumberKey(text: string): string {
  return text.replace(/[\s-]/g, '').toUpperCase();
}

// ISO 14443 / 15693 card UIDs are 4, 7, 8 or 10 bytes. Readers, chargers and printed lists
// spell the same UID differently ("04:a2:3b:1c", "04-A2-3B-1C", "04a23b1c"); one canonical
// spelling, upper-case hex without separators, makes them the same card.
export const UID_BYTE_LENGTHS = [4, 7, 8, 10] as const;

const SEPARATORS = /[:\-\s.]/;

export type UidParse = { ok: true; uid: string } | { ok: false; reason: string };

/** The canonical UID, or why `text` is not one. */
export function parseRfidUid(text: string): UidParse {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, reason: 'is empty' };
  const groups = trimmed.split(SEPARATORS);
  if (groups.some((g) => !/^[0-9a-fA-F]+$/.test(g))) {
    return { ok: false, reason: 'must be hexadecimal, optionally separated per byte by ":", "-" or spaces' };
  }
  // Separators may only fall between bytes, never inside one.
  if (groups.length > 1 && groups.some((g) => g.length % 2 !== 0)) {
    return { ok: false, reason: 'separators must fall between bytes (two hex digits)' };
  }
  const hex = groups.join('').toUpperCase();
  if (!(UID_BYTE_LENGTHS as readonly number[]).includes(hex.length / 2)) {
    return { ok: false, reason: `has ${hex.length} hex digits; a card UID has 4, 7, 8 or 10 bytes (8, 14, 16 or 20 hex digits)` };
  }
  return { ok: true, uid: hex };
}

/** Whether `text` is written as a UID would be (hex digits and byte separators only). */
export function looksLikeUid(text: string): boolean {
  return /^[0-9a-fA-F:\-\s.]+$/.test(text.trim()) && /[0-9a-fA-F]/.test(text);
}

import { tokenLookupKey, type IdTokenView } from '../users/id-token.service.js';
import type { LocalListEntry, LocalListMode } from './command.types.js';
import type { StoredListEntry } from './local-list.entity.js';

export type ListContent = Record<string, StoredListEntry>;

/** The list a station should hold: every token allowed to charge there, keyed by lookup key. */
export function listContentOf(tokens: Pick<IdTokenView, 'value' | 'expiresAt' | 'parentIdTag'>[]): ListContent {
  const content: ListContent = {};
  for (const t of tokens) {
    content[tokenLookupKey(t.value)] = { idTag: t.value, status: 'ACCEPTED', expiresAt: t.expiresAt, parentIdTag: t.parentIdTag };
  }
  return content;
}

/**
 * The entries to send so that a station holding `current` ends up holding `desired`. FULL
 * sends everything desired; DIFFERENTIAL sends what is new or changed, and removals (entries
 * without authorization) for what is no longer desired.
 */
export function localListUpdate(current: ListContent, desired: ListContent, mode: LocalListMode): LocalListEntry[] {
  const entries: LocalListEntry[] = [];
  for (const [key, entry] of Object.entries(desired)) {
    if (mode === 'DIFFERENTIAL' && sameEntry(current[key], entry)) continue;
    entries.push(toEntry(entry));
  }
  if (mode === 'DIFFERENTIAL') {
    for (const [key, entry] of Object.entries(current)) {
      if (!(key in desired)) entries.push({ idTag: entry.idTag, authorization: null });
    }
  }
  return entries;
}

function sameEntry(a: StoredListEntry | undefined, b: StoredListEntry): boolean {
  return (
    a !== undefined &&
    a.idTag === b.idTag &&
    a.status === b.status &&
    a.expiresAt === b.expiresAt &&
    a.parentIdTag === b.parentIdTag
  );
}

function toEntry(e: StoredListEntry): LocalListEntry {
  return {
    idTag: e.idTag,
    authorization: {
      status: e.status as NonNullable<LocalListEntry['authorization']>['status'],
      expiresAt: e.expiresAt ? new Date(e.expiresAt) : null,
      parentIdTag: e.parentIdTag,
    },
  };
}

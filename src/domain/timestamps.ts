// Views and events carry timestamps as ISO 8601 strings in UTC; time zones are applied at the edges.

export function isoOrNull(d: Date | null | undefined): string | null {
  return d ? d.toISOString() : null;
}

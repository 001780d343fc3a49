/**
 * The id behind a MikroORM reference: a relation is an entity, a bare primary key, or absent,
 * depending on how the row was loaded. One place reads it, for every area's views.
 */
export function refId(ref: { id: string } | string | null | undefined): string | null;
export function refId(ref: unknown): string | null;
export function refId(ref: unknown): string | null {
  if (ref == null) return null;
  return typeof ref === 'string' ? ref : (ref as { id: string }).id;
}

/** For a relation that is never null (a station's connector, a session's station). */
export function requiredRefId(ref: unknown): string {
  const id = refId(ref);
  if (id === null) throw new Error('a required relation is missing');
  return id;
}

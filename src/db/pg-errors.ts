// What a PostgreSQL error says about whom to blame, from its SQLSTATE. The pg driver sets
// `code`; MikroORM's exceptions copy it from the driver's error.

function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length === 5 ? code : undefined;
}

/**
 * Class 22 (data exception: out of range, bad encoding such as NUL) or 23 (integrity
 * constraint): the rows are at fault, not the database, so retrying them apart can succeed.
 */
export function isDataError(err: unknown): boolean {
  const code = sqlState(err);
  return code !== undefined && (code.startsWith('22') || code.startsWith('23'));
}

/** 40001 serialization failure, 40P01 deadlock: nobody's fault, the same work may simply be retried. */
export function isRetryableConflict(err: unknown): boolean {
  const code = sqlState(err);
  return code === '40001' || code === '40P01';
}

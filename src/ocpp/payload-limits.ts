import { OcppError } from './ocpp-error.js';

// OCPP 1.6 (section 2, "integer: 32 bit (31 bit resolution, 1 sign bit)") and 2.0.1 both
// define integers as 32-bit signed, which is also what our int4 columns hold.
export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/**
 * Values a schema-valid payload can still carry that no column can hold: a non-finite
 * number (`1e999` parses as Infinity), an integer outside 32 bits, a NUL character
 * (PostgreSQL text cannot store U+0000). Returns the OcppError to answer with, or null.
 * Runs once for every inbound CALL, after schema validation, before any handler, so a
 * bad value is refused for its own charger and never reaches a shared batch.
 */
export function checkPayloadLimits(payload: unknown): OcppError | null {
  return walk(payload, '');
}

function walk(value: unknown, path: string): OcppError | null {
  if (typeof value === 'number') return checkNumber(value, path);
  if (typeof value === 'string') {
    return value.includes('\u0000')
      ? new OcppError('FormatViolation', `${label(path)} contains a NUL character`, { path: path || undefined })
      : null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const error = walk(value[i], `${path}[${i}]`);
      if (error) return error;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      if (key.includes('\u0000')) {
        return new OcppError('FormatViolation', `a property name under ${label(path)} contains a NUL character`);
      }
      const error = walk((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
      if (error) return error;
    }
  }
  return null;
}

function checkNumber(n: number, path: string): OcppError | null {
  if (!Number.isFinite(n)) {
    return new OcppError('PropertyConstraintViolation', `${label(path)} is not a finite number`, { path: path || undefined });
  }
  if (Number.isInteger(n) && (n < INT32_MIN || n > INT32_MAX)) {
    return new OcppError('PropertyConstraintViolation', `${label(path)} is outside the 32-bit integer range`, {
      path: path || undefined,
    });
  }
  return null;
}

const label = (path: string) => path || '(payload)';

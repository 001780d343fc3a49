import { describe, expect, it } from 'vitest';
import { MultipartError, multipartBoundary, readMultipartFile } from '../../../src/http/multipart-file-reader.js';

const boundary = '----VoltlineBoundary7MA4YWxkTrZu0gW';

function form(parts: { headers: string[]; body: Buffer | string }[], o: { preamble?: string; epilogue?: string; close?: boolean } = {}): Buffer {
  const chunks: Buffer[] = [Buffer.from(o.preamble ?? '')];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n${part.headers.join('\r\n')}\r\n\r\n`), Buffer.from(part.body), Buffer.from('\r\n'));
  }
  if (o.close !== false) chunks.push(Buffer.from(`--${boundary}--${o.epilogue ?? '\r\n'}`));
  return Buffer.concat(chunks);
}

const filePart = (name: string | null, body: Buffer | string, type = 'application/octet-stream') => ({
  headers: [`Content-Disposition: form-data; name="file"${name === null ? '' : `; filename="${name}"`}`, `Content-Type: ${type}`],
  body,
});
const field = (name: string, value: string) => ({ headers: [`Content-Disposition: form-data; name="${name}"`], body: value });

async function* chunked(bytes: Buffer, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function readAll(body: Buffer, size: number) {
  const file = await readMultipartFile(chunked(body, size), boundary);
  const parts: Buffer[] = [];
  for await (const chunk of file.content) parts.push(chunk);
  return { fileName: file.fileName, contentType: file.contentType, content: Buffer.concat(parts) };
}

// Bytes that look like a boundary but are not one, and every byte value.
const tricky = Buffer.concat([
  Buffer.from(`--${boundary}`),
  Buffer.from(`\r\n--${boundary.slice(0, -1)}X`),
  Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
  Buffer.from('\r\n\r\n--'),
]);

describe('readMultipartFile', () => {
  it.each([1, 2, 3, 7, 38, 64, 1024, 1 << 20])('returns the file byte for byte when the body arrives in chunks of %d', async (size) => {
    const body = form([field('note', 'from the charger'), filePart('diag.tar.gz', tricky), field('after', 'x')]);
    const file = await readAll(body, size);
    expect(file).toEqual({ fileName: 'diag.tar.gz', contentType: 'application/octet-stream', content: tricky });
  });

  it.each([
    { name: 'an empty file', body: form([filePart('empty.log', '')]), expected: { fileName: 'empty.log', content: '' } },
    { name: 'a part named file without a filename', body: form([filePart(null, 'abc')]), expected: { fileName: null, content: 'abc' } },
    { name: 'a Windows path as filename', body: form([filePart('C:\\logs\\diag.zip', 'abc')]), expected: { fileName: 'diag.zip', content: 'abc' } },
    { name: 'a preamble and no line end after the close', body: form([filePart('a.bin', 'abc')], { preamble: 'ignored\r\n', epilogue: '' }), expected: { fileName: 'a.bin', content: 'abc' } },
    {
      name: 'an RFC 5987 file name',
      body: form([{ headers: [`Content-Disposition: form-data; name="upload"; filename*=UTF-8''Diagnose%20%C3%BC.txt`], body: 'abc' }]),
      expected: { fileName: 'Diagnose ü.txt', content: 'abc' },
    },
  ])('reads $name', async ({ body, expected }) => {
    const file = await readAll(body, 5);
    expect({ fileName: file.fileName, content: file.content.toString('utf8') }).toEqual(expected);
  });

  it.each([
    { name: 'a form without a file', body: form([field('a', '1')]), message: 'the form has no file' },
    { name: 'two files', body: form([filePart('a.bin', 'a'), filePart('b.bin', 'b')]), message: 'only one file per upload' },
    { name: 'a body cut off inside the file', body: form([filePart('a.bin', 'abcdef')], { close: false }).subarray(0, -4), message: 'the body ended inside the file' },
    { name: 'a body without the boundary', body: Buffer.from('just some bytes'), message: 'the body has no multipart boundary' },
  ])('refuses $name', async ({ body, message }) => {
    await expect(readAll(body, 3)).rejects.toThrow(new MultipartError(message));
  });
});

describe('multipartBoundary', () => {
  it.each([
    ['multipart/form-data; boundary=abc', 'abc'],
    ['multipart/form-data; boundary="a b:c"', 'a b:c'],
    ['Multipart/Form-Data;charset=utf-8;Boundary=xyz', 'xyz'],
    ['multipart/form-data', null],
    ['application/octet-stream', null],
    [undefined, null],
    [`multipart/form-data; boundary=${'x'.repeat(71)}`, null],
  ])('%s -> %s', (header, expected) => {
    expect(multipartBoundary(header)).toBe(expected);
  });
});

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

// Bytes that look like a boundary but are not one, and every byte value. (Not `--boundary` as the
// very first bytes: after the blank line ending the headers that is a delimiter, which RFC 2046
// forbids inside a part; such a body is refused, see below.)
const tricky = Buffer.concat([
  Buffer.from(`.--${boundary}`),
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

// A body that never ends, arriving like a socket's: what is not the file must be bounded, or the
// reader would read forever.
async function* endless(head: Buffer | string, filler = Buffer.alloc(4096, 'a')) {
  yield Buffer.from(head);
  for (;;) {
    await new Promise(setImmediate);
    yield filler;
  }
}

describe('readMultipartFile limits', () => {
  const big = 'x'.repeat(64 * 1024 + 1);

  it.each([
    { name: 'a field over 64 KiB before the file', body: form([field('note', big), filePart('a.bin', 'abc')]), message: 'a form field is too large or not terminated' },
    { name: 'a field over 64 KiB after the file', body: form([filePart('a.bin', 'abc'), field('note', big)]), message: 'a form field is too large or not terminated' },
    { name: 'part headers over 16 KiB', body: form([{ headers: [`Content-Disposition: form-data; name="file"; filename="a.bin"`, `X-Padding: ${'p'.repeat(17 * 1024)}`], body: 'abc' }]), message: 'part headers are too large or not terminated' },
    { name: 'an empty body', body: Buffer.alloc(0), message: 'the body has no multipart boundary' },
    { name: 'a form with only a part without Content-Disposition', body: form([{ headers: ['Content-Type: text/plain'], body: 'abc' }]), message: 'the form has no file' },
    { name: 'a body cut off in a field after the file', body: form([filePart('a.bin', 'abc'), field('note', 'abcdef')], { close: false }).subarray(0, -4), message: 'the body ended before the form was closed' },
    { name: 'a body cut off before the file', body: form([field('note', 'abcdef')], { close: false }).subarray(0, -4), message: 'the body ended before the form was closed' },
    { name: 'a file part and a field named file', body: form([filePart('a.bin', 'a'), field('file', 'b')]), message: 'only one file per upload' },
  ])('refuses $name', async ({ body, message }) => {
    for (const size of [7, 1 << 20]) await expect(readAll(body, size)).rejects.toThrow(new MultipartError(message));
  });

  it.each([
    { name: 'a body that never has a boundary', body: () => endless('') , message: 'the body has no multipart boundary' },
    { name: 'a field that never ends', body: () => endless(`--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\n`), message: 'a form field is too large or not terminated' },
    { name: 'an epilogue that never ends', body: () => endless(form([filePart('a.bin', 'abc')])), message: 'a form field is too large or not terminated' },
  ])('stops reading $name', async ({ body, message }) => {
    const read = async () => {
      const file = await readMultipartFile(body(), boundary);
      for await (const _ of file.content);
    };
    await expect(read()).rejects.toThrow(new MultipartError(message));
  });

  it.each([3, 1024])('refuses, rather than waits forever on, a body with a delimiter where the headers end (chunks of %d)', async (size) => {
    const body = form([filePart('a.bin', Buffer.concat([Buffer.from(`--${boundary}`), Buffer.from(`\r\n--${boundary.slice(0, -1)}X`), Buffer.from('abc')]))]);
    await expect(readAll(body, size)).rejects.toBeInstanceOf(MultipartError);
  });

  it('reads a text field named file as the file', async () => {
    const file = await readAll(form([field('note', 'x'), field('file', 'line 1\nline 2')]), 4);
    expect({ fileName: file.fileName, content: file.content.toString() }).toEqual({ fileName: null, content: 'line 1\nline 2' });
  });
});

describe('readMultipartFile streams', () => {
  it('hands out the start of the file before the body has arrived', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const body = form([filePart('a.bin', Buffer.alloc(300_000, 'z'))]);
    const head = body.subarray(0, 100_000);
    async function* slow() {
      yield head;
      await gate;
      yield body.subarray(head.length);
    }
    const file = await readMultipartFile(slow(), boundary);
    const chunks = file.content[Symbol.asyncIterator]();
    const first = await chunks.next();
    expect(first.done).toBe(false);
    expect(first.value.length).toBeGreaterThan(0);
    release();
    let total = first.value.length;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) total += next.value.length;
    expect(total).toBe(300_000);
  });

  it('stops pulling the body when the caller stops reading the file, and leaves the body open', async () => {
    let pulled = 0;
    let returned = false;
    const body = form([filePart('a.bin', Buffer.alloc(10 * 1024 * 1024, 'z'))]);
    const source: AsyncIterable<Buffer> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => (pulled * 1024 < body.length ? { done: false, value: body.subarray(pulled * 1024, ++pulled * 1024) } : { done: true, value: undefined }),
        return: async () => ((returned = true), { done: true, value: undefined }),
      }),
    };
    const file = await readMultipartFile(source, boundary);
    // What a FileStore does past maxBytes.
    const save = async () => {
      let size = 0;
      for await (const chunk of file.content) if ((size += chunk.length) > 64 * 1024) throw new Error('too large');
    };
    await expect(save()).rejects.toThrow('too large');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const after = pulled;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pulled).toBe(after);
    expect(pulled).toBeLessThan(1024);
    expect(returned).toBe(false);
  });
});

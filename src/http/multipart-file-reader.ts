// A streaming reader for a multipart/form-data body that carries one file (RFC 7578), the way
// chargers and `curl -F file=@diag.zip` upload. Other form fields are skipped; the file's bytes
// are never held in memory as a whole.
import type { IncomingFile } from '../files/file-store.js';

export class MultipartError extends Error {
  override readonly name = 'MultipartError';
}

const CRLF = Buffer.from('\r\n');
const DASHES = Buffer.from('--');
const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 16 * 1024;
const MAX_FIELD_BYTES = 64 * 1024;
const MAX_PREAMBLE_BYTES = 64 * 1024;

/** The boundary of a multipart/form-data Content-Type, or null when it is not one. */
export function multipartBoundary(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\/form-data\s*(;|$)/i.test(contentType)) return null;
  const boundary = parameters(contentType).boundary;
  // RFC 2046: 1 to 70 characters.
  return boundary && boundary.length <= 70 ? boundary : null;
}

/**
 * Resolves once the file part's headers are read. A part is the file when it has a filename
 * parameter, or is named "file". Reading `content` to its end also checks the rest of the body:
 * a second file or a body cut short makes it throw, so a caller storing it can discard it.
 */
export async function readMultipartFile(body: AsyncIterable<Buffer>, boundary: string): Promise<IncomingFile> {
  const reader = new ChunkReader(body[Symbol.asyncIterator]());
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  // The first boundary may open the body without a CRLF before it.
  reader.unshift(CRLF);
  await reader.skipUntil(delimiter, MAX_PREAMBLE_BYTES, 'the body has no multipart boundary');

  for (;;) {
    const part = await nextPart(reader);
    if (!part) throw new MultipartError('the form has no file');
    if (!part.isFile) {
      await reader.skipUntil(delimiter, MAX_FIELD_BYTES, 'a form field is too large or not terminated');
      continue;
    }
    return {
      fileName: part.fileName,
      contentType: part.contentType,
      content: (async function* () {
        yield* reader.streamUntil(delimiter);
        // The rest of the form: fields are fine, a second file is not.
        for (let next = await nextPart(reader); next; next = await nextPart(reader)) {
          if (next.isFile) throw new MultipartError('only one file per upload');
          await reader.skipUntil(delimiter, MAX_FIELD_BYTES, 'a form field is too large or not terminated');
        }
      })(),
    };
  }
}

interface PartHeaders {
  isFile: boolean;
  fileName: string | null;
  contentType: string | null;
}

// After a delimiter: "--" closes the form, otherwise a line end and the part's headers follow.
async function nextPart(reader: ChunkReader): Promise<PartHeaders | null> {
  // The close delimiter may end the body without a line end; anything after it is epilogue.
  if (await reader.startsWith(DASHES)) return null;
  const padding = await reader.readUntil(CRLF, 256, 'the body ends after a boundary');
  if (padding.toString('latin1').trim() !== '') throw new MultipartError('unexpected characters after a boundary');
  const raw = (await reader.startsWith(CRLF)) ? (reader.skip(CRLF.length), '') : (await reader.readUntil(HEADER_END, MAX_HEADER_BYTES, 'part headers are too large or not terminated')).toString('utf8');
  const headers = new Map<string, string>();
  for (const headerLine of raw.split('\r\n')) {
    const colon = headerLine.indexOf(':');
    if (colon > 0) headers.set(headerLine.slice(0, colon).trim().toLowerCase(), headerLine.slice(colon + 1).trim());
  }
  const disposition = parameters(headers.get('content-disposition') ?? '');
  const fileName = disposition['filename*'] !== undefined ? decodeExtended(disposition['filename*']) : (disposition.filename ?? null);
  return {
    isFile: fileName !== null || disposition.name === 'file',
    fileName: fileName ? baseName(fileName) : null,
    contentType: headers.get('content-type') ?? null,
  };
}

// `a=1; b="x; y"` -> { a: '1', b: 'x; y' }; names lower-cased. Only \" is unescaped: senders
// put Windows paths in filename without escaping their backslashes.
function parameters(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  const pattern = /;\s*([^=;\s]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^;]*)/g;
  for (const m of header.matchAll(pattern)) {
    out[m[1].toLowerCase()] = m[3] !== undefined ? m[3].replace(/\\"/g, '"') : m[2].trim();
  }
  return out;
}

// RFC 5987: UTF-8''file%20name.txt
function decodeExtended(value: string): string | null {
  const match = /^[^']*'[^']*'(.*)$/.exec(value);
  try {
    return decodeURIComponent(match ? match[1] : value);
  } catch {
    return null;
  }
}

// Some clients send the full client-side path (C:\logs\diag.zip).
const baseName = (name: string) => name.split(/[\\/]/).pop() ?? name;

/** Pulls chunks on demand and keeps only what has not been consumed yet. */
class ChunkReader {
  private buffer: Buffer = Buffer.alloc(0);
  private ended = false;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  unshift(bytes: Buffer): void {
    this.buffer = Buffer.concat([bytes, this.buffer]);
  }

  skip(n: number): void {
    this.buffer = this.buffer.subarray(n);
  }

  async startsWith(bytes: Buffer): Promise<boolean> {
    while (this.buffer.length < bytes.length && (await this.pull()));
    return this.buffer.subarray(0, bytes.length).equals(bytes);
  }

  /** The bytes before `delimiter` (which is consumed); at most `limit` of them. */
  async readUntil(delimiter: Buffer, limit: number, problem: string): Promise<Buffer> {
    for (let from = 0; ; ) {
      const at = this.buffer.indexOf(delimiter, from);
      if (at >= 0) {
        const before = this.buffer.subarray(0, at);
        this.buffer = this.buffer.subarray(at + delimiter.length);
        return before;
      }
      if (this.buffer.length > limit + delimiter.length) throw new MultipartError(problem);
      from = Math.max(0, this.buffer.length - delimiter.length + 1);
      if (!(await this.pull())) throw new MultipartError(problem);
    }
  }

  async skipUntil(delimiter: Buffer, limit: number, problem: string): Promise<void> {
    await this.readUntil(delimiter, limit, problem);
  }

  /** Yields the bytes before `delimiter` as they arrive, holding back only what could start it. */
  async *streamUntil(delimiter: Buffer): AsyncGenerator<Buffer> {
    for (;;) {
      const at = this.buffer.indexOf(delimiter);
      if (at >= 0) {
        if (at > 0) yield this.buffer.subarray(0, at);
        this.buffer = this.buffer.subarray(at + delimiter.length);
        return;
      }
      const safe = this.buffer.length - (delimiter.length - 1);
      if (safe > 0) {
        yield this.buffer.subarray(0, safe);
        this.buffer = this.buffer.subarray(safe);
      }
      if (!(await this.pull())) throw new MultipartError('the body ended inside the file');
    }
  }

  private async pull(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.source.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    return true;
  }
}

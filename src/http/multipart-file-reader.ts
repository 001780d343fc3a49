// Reads the one file of a multipart/form-data body (RFC 7578), the way chargers and
// `curl -F file=@diag.zip` upload. Parsing is busboy's; this module decides what the file is,
// bounds everything that is not the file, and turns busboy's errors into MultipartErrors.
// Other form fields are skipped; the file's bytes are streamed, never held in memory as a whole.
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { IncomingFile } from '../files/file-store.js';

export class MultipartError extends Error {
  override readonly name = 'MultipartError';
}

const MAX_FIELD_BYTES = 64 * 1024;
const MAX_PREAMBLE_BYTES = 64 * 1024;
const MAX_HEADER_BYTES = 16 * 1024;
// busboy reads a field past its size limit to the next boundary, and a preamble to the first:
// this many bytes with no part starting or ending is a body that is not a form worth reading.
const MAX_BYTES_BETWEEN_PARTS = MAX_PREAMBLE_BYTES + MAX_HEADER_BYTES + MAX_FIELD_BYTES;
const STALL_CHECK_MS = 1000;

/** The boundary of a multipart/form-data Content-Type, or null when it is not one. */
export function multipartBoundary(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\/form-data\s*(;|$)/i.test(contentType)) return null;
  const boundary = parameters(contentType).boundary;
  // RFC 2046: 1 to 70 characters.
  return boundary && boundary.length <= 70 ? boundary : null;
}

/**
 * Resolves once the file part's headers are read. A part is the file when it has a filename
 * parameter or is application/octet-stream (busboy's rule), or is a field named "file" (read as
 * UTF-8 text, at most 64 KiB). Reading `content` to its end also checks the rest of the body:
 * a second file or a body cut short makes it throw, so a caller storing it can discard it.
 * A caller that stops reading `content` early stops the parser; `body` is left as it is.
 */
export function readMultipartFile(body: AsyncIterable<Buffer>, boundary: string): Promise<IncomingFile> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': `multipart/form-data; boundary="${boundary.replace(/["\\]/g, '\\$&')}"` },
      // Browsers and curl send file names as raw UTF-8.
      defParamCharset: 'utf8',
      limits: { files: 1, fieldSize: MAX_FIELD_BYTES },
    });
  } catch {
    return Promise.reject(new MultipartError('multipart/form-data needs a boundary'));
  }

  // Not the iterator of a for-await: leaving that early would destroy `body` (the request),
  // and the caller still has to answer on it.
  const source = body[Symbol.asyncIterator]();
  let problem: Error | null = null;
  let closed = false;
  let taken = false; // a part was taken as the file
  let sawBoundary = false; // told by a look at the bytes before the first part
  let lookBehind = Buffer.alloc(0);
  const dashBoundary = Buffer.from(`--${boundary}`);
  let file: Readable | null = null; // the file part, once there is one
  let inFile = false; // busboy is writing the file part
  let bytesSincePart = 0;
  // Whoever waits for bytes from busboy: the caller for the file's headers, then for its content.
  let waiting = true;
  let progress = 0;

  let resolveFile!: (file: IncomingFile) => void;
  let rejectFile!: (error: Error) => void;
  const header = new Promise<IncomingFile>((resolve, reject) => {
    resolveFile = resolve;
    rejectFile = reject;
  });
  let settle!: () => void;
  const finished = new Promise<void>((resolve, reject) => {
    settle = () => (problem ? reject(problem) : resolve());
  });
  finished.catch(() => {}); // read by whoever reads the file to its end, if anyone does

  const fail = (error: Error): Error => {
    if (!problem) {
      problem = error;
      rejectFile(error);
      parser.destroy(error);
    }
    return problem;
  };

  // Busboy's messages, in the words callers of this module have always seen.
  const multipartError = (error: Error, insideFile: boolean): MultipartError => {
    if (error instanceof MultipartError) return error;
    if (/^Unexpected end of (form|file)/.test(error.message)) {
      if (insideFile) return new MultipartError('the body ended inside the file');
      return new MultipartError(sawBoundary ? 'the body ended before the form was closed' : 'the body has no multipart boundary');
    }
    if (error.message === 'Malformed part header') return new MultipartError('part headers are too large or not terminated');
    return new MultipartError(`malformed multipart body: ${error.message}`);
  };

  async function* content(stream: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    const chunks = stream[Symbol.asyncIterator]();
    try {
      for (;;) {
        waiting = true;
        const next = await chunks.next();
        waiting = false;
        progress++;
        if (next.done) break;
        yield next.value;
      }
      // The rest of the form: fields are fine, a second file is not.
      waiting = true;
      await finished;
    } catch (error) {
      throw problem ?? fail(multipartError(error as Error, true));
    } finally {
      waiting = false;
      // The caller stopped early (the file is too large, say): the parser is let go.
      if (!closed) fail(new MultipartError('the file was not read to its end'));
    }
  }

  parser.on('file', (_name, stream, info) => {
    progress++;
    sawBoundary = true;
    bytesSincePart = 0;
    if (taken) {
      stream.resume();
      fail(new MultipartError('only one file per upload'));
      return;
    }
    taken = true;
    file = stream;
    inFile = true;
    const done = () => {
      inFile = false;
      bytesSincePart = 0;
    };
    stream.once('end', done).once('close', done);
    waiting = false;
    resolveFile({ fileName: info.filename || null, contentType: info.mimeType ?? null, content: content(stream) });
  });
  parser.on('field', (name, value, info) => {
    progress++;
    sawBoundary = true;
    bytesSincePart = 0;
    if (info.valueTruncated) {
      fail(new MultipartError('a form field is too large or not terminated'));
    } else if (name === 'file') {
      if (taken) {
        fail(new MultipartError('only one file per upload'));
        return;
      }
      taken = true;
      waiting = false;
      const bytes = Buffer.from(value, 'utf8');
      resolveFile({ fileName: null, contentType: info.mimeType ?? null, content: content(bufferStream(bytes)) });
    }
  });
  parser.on('filesLimit', () => fail(new MultipartError('only one file per upload')));
  parser.on('error', (error: Error) => fail(multipartError(error, file !== null && file.errored === error)));
  parser.on('close', () => {
    closed = true;
    if (!taken) fail(new MultipartError('the form has no file'));
    settle();
  });

  // Some bodies a conforming sender never sends (a delimiter right where a part's headers end)
  // make busboy stop taking bytes without an error. Once both sides wait on each other and
  // nothing moves for a while, the body is refused instead of holding the request forever.
  const stalled = async (wait: Promise<void>) => {
    let seen = -1;
    const watchdog = setInterval(() => {
      if (waiting && progress === seen) fail(new MultipartError('malformed multipart body'));
      seen = progress;
    }, STALL_CHECK_MS);
    watchdog.unref();
    try {
      await wait;
    } finally {
      clearInterval(watchdog);
    }
  };

  // Feeds the parser at the pace it takes the bytes (it waits while the file is not read).
  void (async () => {
    try {
      while (!problem && !closed) {
        const next = await source.next();
        if (problem || closed) return;
        if (next.done) break;
        const chunk: Buffer = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
        if (!inFile) bytesSincePart += chunk.length;
        if (!sawBoundary) {
          const seen = Buffer.concat([lookBehind, chunk]);
          sawBoundary = seen.includes(dashBoundary);
          lookBehind = seen.subarray(Math.max(0, seen.length - dashBoundary.length + 1));
        }
        const more = parser.write(chunk);
        if (!inFile && bytesSincePart > MAX_BYTES_BETWEEN_PARTS && !closed) {
          fail(new MultipartError(sawBoundary ? 'a form field is too large or not terminated' : 'the body has no multipart boundary'));
        }
        if (!problem && !more) await stalled(drained(parser));
      }
      if (problem || closed) return;
      const close = new Promise<void>((resolve) => parser.once('close', resolve));
      parser.end();
      await stalled(close);
    } catch (error) {
      fail(error as Error); // the request itself failed (aborted): passed on as it is
    }
  })();

  return header;
}

const drained = (stream: NodeJS.WritableStream & { destroyed: boolean }) =>
  new Promise<void>((resolve) => {
    if (stream.destroyed) return resolve();
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });

// A field taken as the file, as the stream a file part would be.
async function* bufferStream(bytes: Buffer): AsyncGenerator<Buffer> {
  if (bytes.length) yield bytes;
}

// `a=1; b="x; y"` -> { a: '1', b: 'x; y' }; names lower-cased.
function parameters(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  const pattern = /;\s*([^=;\s]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^;]*)/g;
  for (const m of header.matchAll(pattern)) {
    out[m[1].toLowerCase()] = m[3] !== undefined ? m[3].replace(/\\"/g, '"') : m[2].trim();
  }
  return out;
}

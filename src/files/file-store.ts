import type { Readable } from 'node:stream';

/** A file arriving over HTTP, not stored yet. */
export interface IncomingFile {
  /** The name the sender gave the file, if any. */
  fileName: string | null;
  contentType: string | null;
  content: AsyncIterable<Buffer>;
}

export interface StoredFile {
  key: string;
  size: number;
  /** Hex SHA-256 of the content, computed while it was written. */
  sha256: string;
}

/** Where uploaded files (diagnostics, firmware) live. Keys are slash-separated relative paths. */
export interface FileStore {
  /**
   * Writes `content` under `key`, replacing what was there only once all of it arrived: a failed
   * or oversized write leaves nothing behind. Throws FileTooLargeError past `maxBytes`.
   */
  save(key: string, content: AsyncIterable<Buffer>, maxBytes: number): Promise<StoredFile>;
  /** The file's size and a stream of it, or null when there is no such file. */
  open(key: string): Promise<{ size: number; stream: Readable } | null>;
  remove(key: string): Promise<void>;
}

export class FileTooLargeError extends Error {
  override readonly name = 'FileTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`the file is larger than ${maxBytes} bytes`);
  }
}

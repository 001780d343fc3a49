import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileTooLargeError } from '../../../src/files/file-store.js';
import { LocalFileStore } from '../../../src/files/local-file-store.js';

let dir: string;
let store: LocalFileStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csms-files-'));
  store = new LocalFileStore(dir);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function* chunks(...parts: string[]) {
  for (const p of parts) yield Buffer.from(p);
}

describe('LocalFileStore', () => {
  it('stores content with its size and SHA-256 and reads it back', async () => {
    const stored = await store.save('diagnostics/abc/1', chunks('hello ', 'world'), 100);
    expect(stored).toEqual({ key: 'diagnostics/abc/1', size: 11, sha256: createHash('sha256').update('hello world').digest('hex') });
    const opened = await store.open('diagnostics/abc/1');
    expect(opened?.size).toBe(11);
    const read: Buffer[] = [];
    for await (const c of opened!.stream) read.push(c as Buffer);
    expect(Buffer.concat(read).toString()).toBe('hello world');
  });

  it('refuses content over the limit and leaves nothing behind, not even the previous attempt', async () => {
    await expect(store.save('firmware/x', chunks('12345', '67890', '1'), 10)).rejects.toBeInstanceOf(FileTooLargeError);
    expect(await store.open('firmware/x')).toBeNull();
    expect(await readdir(join(dir, 'firmware'))).toEqual([]);
  });

  it('replaces a file only once the new content is complete', async () => {
    await store.save('firmware/y', chunks('old'), 100);
    const failing = (async function* () {
      yield Buffer.from('new');
      throw new Error('connection reset');
    })();
    await expect(store.save('firmware/y', failing, 100)).rejects.toThrow('connection reset');
    expect(await readFile(join(dir, 'firmware/y'), 'utf8')).toBe('old');
  });

  it.each(['../escape', '/absolute', 'a/../../b', 'a//b', ''])('refuses the key %j', async (key) => {
    await expect(store.save(key, chunks('x'), 10)).rejects.toThrow('invalid file key');
  });

  it('answers null for a file that does not exist and removes idempotently', async () => {
    expect(await store.open('nothing/here')).toBeNull();
    await store.remove('nothing/here');
  });
});

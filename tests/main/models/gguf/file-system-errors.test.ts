/**
 * File-system trouble around the header reader: each case is a LatheError naming the path,
 * never a raw errno error or a hang.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyReadStats } from '../../../../src-main/models/gguf/gguf-types';
import { HeaderWindow, type ReadAt } from '../../../../src-main/models/gguf/header-window';
import { fileSystemError } from '../../../../src-main/models/gguf/open-gguf-file';
import { readGgufHeader } from '../../../../src-main/models/gguf/read-gguf-header';
import { buildGguf, v, writeGguf } from './gguf-test-writer';
import { expectLatheError, tempFolder } from './reader-test-helpers';

const dir = tempFolder('gguf-fs');
const isRoot = process.getuid?.() === 0;
const escape = (path: string) => path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('readGgufHeader and the file system', () => {
  it('reports a missing file as not_found, naming the path', async () => {
    const path = join(dir, 'nothing-here.gguf');
    const error = await expectLatheError(readGgufHeader(path), 'not_found', new RegExp(`There is no file at ${escape(path)}`));
    expect(error.detail).toBe(path);
    await expectLatheError(readGgufHeader(join(dir, 'missing-folder', 'x.gguf')), 'not_found', /There is no file at/);
  });

  it('reports a path through a file as not_found', async () => {
    const file = join(dir, 'plain.txt');
    writeFileSync(file, 'x');
    await expectLatheError(readGgufHeader(join(file, 'x.gguf')), 'not_found', /part of the path is a file, not a folder/);
  });

  it('reports a folder and an empty file as invalid_file', async () => {
    const folder = join(dir, 'a-folder.gguf');
    mkdirSync(folder);
    await expectLatheError(readGgufHeader(folder), 'invalid_file', new RegExp(`${escape(folder)} is a folder, not a GGUF file`));
    const empty = join(dir, 'empty.gguf');
    writeFileSync(empty, '');
    await expectLatheError(readGgufHeader(empty), 'invalid_file', new RegExp(`${escape(empty)} is empty \\(0 bytes\\)`));
  });

  it.skipIf(isRoot || process.platform === 'win32')('reports a file it may not read as invalid_file (permission denied)', async () => {
    const { path } = writeGguf(dir, 'locked.gguf', { metadata: [['a', v.u8(1)]] });
    chmodSync(path, 0o000);
    await expectLatheError(readGgufHeader(path), 'invalid_file', new RegExp(`not allowed to read ${escape(path)} \\(permission denied\\)`));
  });

  it('maps the errno codes a read can meet to LatheErrors (checked directly: tests here may run as root)', () => {
    const cases: [string, string, RegExp][] = [
      ['EACCES', 'invalid_file', /not allowed to read \/m\.gguf \(permission denied\)/],
      ['EPERM', 'invalid_file', /not allowed to read/],
      ['EISDIR', 'invalid_file', /is a folder/],
      ['ELOOP', 'not_found', /link that leads back to itself/],
      ['EMFILE', 'unavailable', /Too many files are open to read \/m\.gguf now; try again/],
      ['EIO', 'invalid_file', /Lathe could not read \/m\.gguf \(EIO\)/],
    ];
    for (const [code, kind, message] of cases) {
      const error = fileSystemError(Object.assign(new Error(code), { code }), '/m.gguf');
      expect({ code, kind: error.kind, message: error.message, detail: error.detail }).toEqual({
        code,
        kind,
        message: expect.stringMatching(message),
        detail: '/m.gguf',
      });
    }
  });

  it.skipIf(process.platform === 'win32')('reports a named pipe as not a regular file, without waiting for a writer', async () => {
    const fifo = join(dir, 'pipe.gguf');
    execFileSync('mkfifo', [fifo]);
    await expectLatheError(readGgufHeader(fifo), 'invalid_file', /is not a regular file \(a device, pipe or socket\)/);
  });
});

describe('a file that changes while it is read', () => {
  /** A window over a real file whose reads are routed through `readAt`, to change the file between them. */
  async function windowOver(path: string, wrap: (read: ReadAt) => ReadAt) {
    const handle = await open(path, 'r');
    const size = (await handle.stat()).size;
    const read: ReadAt = (buffer, offset, length, position) => handle.read(buffer, offset, length, position).then((r) => r.bytesRead);
    const window = new HeaderWindow(wrap(read), size, path, { windowBytes: 64, maxHeaderBytes: 1 << 20 }, emptyReadStats());
    return { window, size, close: () => handle.close() };
  }

  it('says the file was cut short when reads end before the size it had when opened', async () => {
    const { path } = writeGguf(dir, 'shrinks.gguf', { metadata: [['t.s', v.str('x'.repeat(300))]] });
    const { window, close } = await windowOver(path, (read) => async (buffer, offset, length, position) => {
      if (position >= 128) return 0; // the file now ends at byte 128
      return read(buffer, offset, Math.min(length, 128 - position), position);
    });
    const readAll = window.resumable(() => window.take(window.fileSize, 'the file'));
    await expectLatheError(readAll, 'invalid_file', /the file ended at byte 128 while Lathe was reading it, but it was \d+ bytes when opened/);
    await close();
  });

  it('keeps reading the file it opened when the path is deleted meanwhile (POSIX keeps the data)', async () => {
    const { path } = writeGguf(dir, 'deleted.gguf', { metadata: [['t.s', v.str('y'.repeat(300))]] });
    let deleted = false;
    const { window, size, close } = await windowOver(path, (read) => async (...args) => {
      const got = await read(...args);
      if (!deleted && process.platform !== 'win32') {
        unlinkSync(path);
        deleted = true;
      }
      return got;
    });
    const at = await window.resumable(() => window.take(size, 'the file'));
    expect(window.buffer.subarray(at, at + 4).toString('latin1')).toBe('GGUF');
    expect(deleted || process.platform === 'win32').toBe(true);
    await close();
  });

  it('reads every byte once even when the window slides and grows many times', async () => {
    const { bytes } = buildGguf({ metadata: [['t.s', v.str('z'.repeat(1000))]] });
    const path = join(dir, 'slides.gguf');
    writeFileSync(path, bytes);
    const stats = emptyReadStats();
    await readGgufHeader(path, { windowBytes: 64, stats });
    expect(stats.bytesRead).toBe(bytes.length);
  });
});

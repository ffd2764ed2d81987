import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashFile, type HashProgress } from '../../../src-main/models/file-hash';
import { HashQueue } from '../../../src-main/models/hash-queue';

const MB = 1024 * 1024;

/** 40 MB: random first megabyte, then a sparse tail, so it costs little disk but several reads. */
function bigFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'lathe-hash-')), 'big.bin');
  writeFileSync(path, randomBytes(MB));
  truncateSync(path, 40 * MB);
  return path;
}

describe('hashFile', () => {
  it('gives the same SHA-256 as hashing the whole file at once, reporting throttled progress', async () => {
    const path = bigFile();
    const progress: HashProgress[] = [];
    let clock = 0;
    const sha256 = await hashFile(path, { onProgress: (p) => progress.push(p), progressIntervalMs: 250, now: () => (clock += 100) });
    expect(sha256).toBe(createHash('sha256').update(readFileSync(path)).digest('hex'));
    // 5 reads of 8 MiB, 100 "ms" apart: the first, the next once 250 ms have passed, then the last byte.
    expect(progress.map((p) => p.bytesDone)).toEqual([8 * MB, 32 * MB, 40 * MB]);
    expect(progress.every((p) => p.bytesTotal === 40 * MB)).toBe(true);
  });

  it('hashes an empty file and reports it done', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lathe-hash-')), 'empty');
    writeFileSync(path, '');
    const progress: HashProgress[] = [];
    expect(await hashFile(path, { onProgress: (p) => progress.push(p) })).toBe(createHash('sha256').digest('hex'));
    expect(progress).toEqual([{ bytesDone: 0, bytesTotal: 0 }]);
  });

  it('stops part-way when its signal is aborted', async () => {
    const path = bigFile();
    const controller = new AbortController();
    const progress: HashProgress[] = [];
    const hashing = hashFile(path, {
      signal: controller.signal,
      progressIntervalMs: 0,
      onProgress: (p) => {
        progress.push(p);
        controller.abort();
      },
    });
    await expect(hashing).rejects.toMatchObject({ kind: 'cancelled' });
    expect(progress).toHaveLength(1);
    expect(progress[0]!.bytesDone).toBeLessThan(40 * MB);
  });

  it('fails with the file-system error for a missing file', async () => {
    await expect(hashFile(join(tmpdir(), 'lathe-no-such-file'), {})).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('HashQueue', () => {
  it('runs one job per key, at most `concurrency` at once, and drops waiting jobs on cancel', async () => {
    const queue = new HashQueue(1);
    const order: string[] = [];
    let release: () => void = () => undefined;
    const first = (): Promise<void> => new Promise<void>((resolve) => (release = resolve)).then(() => void order.push('a'));
    const cancelledBeforeStart: string[] = [];
    expect(queue.add('a', first, () => cancelledBeforeStart.push('a'))).toBe(true);
    expect(queue.add('a', first, () => undefined)).toBe(false);
    expect(queue.add('b', async () => void order.push('b'), () => cancelledBeforeStart.push('b'))).toBe(true);
    expect(queue.add('c', async () => void order.push('c'), () => cancelledBeforeStart.push('c'))).toBe(true);
    expect(queue.cancel('b')).toBe(true);
    expect(cancelledBeforeStart).toEqual(['b']);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(order).toEqual([]);
    release();
    await queue.settled('a');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(order).toEqual(['a', 'c']);
    expect(queue.has('c')).toBe(false);
  });

  it('aborts running jobs on cancelAll and waits for them to stop', async () => {
    const queue = new HashQueue(2);
    let stopped = false;
    queue.add(
      'x',
      (signal) =>
        new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => {
            stopped = true;
            resolve();
          }),
        ),
      () => undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    await queue.cancelAll();
    expect(stopped).toBe(true);
    expect(queue.has('x')).toBe(false);
  });
});

/**
 * SHA-256 of a model file, streamed: a 40 GB GGUF must not need 40 GB of memory, and the
 * person can watch it and stop it. Progress is throttled because each report crosses to
 * the UI; the first chunk and the last byte are always reported.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { LatheError } from '../contract';

export interface HashProgress {
  bytesDone: number;
  bytesTotal: number;
}

export interface HashFileOptions {
  signal?: AbortSignal;
  onProgress?: (progress: HashProgress) => void;
  /** At most one progress report per this many ms (besides the first and the last). */
  progressIntervalMs?: number;
  now?: () => number;
}

/** Hashes a file; what the library calls, replaceable in tests. */
export type HashFile = (path: string, options: HashFileOptions) => Promise<string>;

/** Large reads: hashing is bound by the disk, and 64 KiB chunks cost a syscall per 64 KiB. */
const READ_CHUNK_BYTES = 8 * 1024 * 1024;
const DEFAULT_PROGRESS_INTERVAL_MS = 250;

export const hashFile: HashFile = async (path, { signal, onProgress, progressIntervalMs = DEFAULT_PROGRESS_INTERVAL_MS, now = Date.now }) => {
  throwIfCancelled(signal);
  const bytesTotal = (await stat(path)).size;
  const hash = createHash('sha256');
  const stream = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  let bytesDone = 0;
  let reportedAt = Number.NEGATIVE_INFINITY;
  let reportedBytes = -1;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      throwIfCancelled(signal);
      hash.update(chunk);
      bytesDone += chunk.length;
      const time = now();
      if (time - reportedAt >= progressIntervalMs) {
        reportedAt = time;
        reportedBytes = bytesDone;
        onProgress?.({ bytesDone, bytesTotal });
      }
    }
  } finally {
    stream.destroy();
  }
  if (reportedBytes !== bytesDone) onProgress?.({ bytesDone, bytesTotal: Math.max(bytesTotal, bytesDone) });
  return hash.digest('hex');
};

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new LatheError('cancelled', 'Hashing was cancelled.');
}

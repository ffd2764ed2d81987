/**
 * Parquet rows as records, through hyparquet (pure JS) with hyparquet-compressors for
 * Snappy, gzip, zstd, Brotli and LZ4. The footer is read and checked here
 * (parquet-file.ts); the pages are decoded in a worker (parquet-worker.ts), one row group
 * at a time: memory follows the largest row group, not the file (a file written as one
 * giant row group still needs that group's memory, which Parquet gives no way around).
 * Rows are numbered from 1; row groups before `skipRows` are never read.
 */
import { openDatasetFile, throwIfCancelled } from './dataset-file';
import { toJsonSafe } from './json-safe';
import { readParquetLayout } from './parquet-file';
import { DEFAULT_DECODE_TIMEOUT_MS, openParquetDecoder, workerHeapMb } from './parquet-worker';
import type { ReadBatch, ReadOptions } from './read-types';

export async function* readParquet(path: string, options: ReadOptions = {}): AsyncGenerator<ReadBatch> {
  const file = await openDatasetFile(path);
  let layout;
  try {
    layout = await readParquetLayout(file, path, options.signal);
  } finally {
    await file.handle.close().catch(() => undefined);
  }
  options.onColumns?.(layout.columns);
  const skip = options.skipRows ?? 0;
  const wanted = layout.groups.filter((group) => group.end > skip && group.end > group.start);
  if (wanted.length === 0) return;
  const decoder = await openParquetDecoder(path, file.size, workerHeapMb(wanted));
  // A big row group decodes for seconds: cancelling stops the worker, not just the next group.
  const cancel = () => decoder.cancel();
  options.signal?.addEventListener('abort', cancel);
  try {
    for (const group of wanted) {
      throwIfCancelled(options.signal);
      const { rows, fetched } = await decoder.read(group, options.parquetDecodeTimeoutMs ?? DEFAULT_DECODE_TIMEOUT_MS);
      options.onBytes?.(Math.min(fetched, file.size));
      const batch: ReadBatch = [];
      for (let i = Math.max(0, skip - group.start); i < rows.length; i++) {
        batch.push({ line: group.start + i + 1, value: toJsonSafe(rows[i]) });
      }
      if (batch.length > 0) yield batch;
    }
  } finally {
    options.signal?.removeEventListener('abort', cancel);
    await decoder.close();
  }
}

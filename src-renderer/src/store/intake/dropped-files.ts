/**
 * What a drop on a page that takes files does: in Electron the preload names each file's
 * path and the main process reads it in place; a browser cannot, so the files are uploaded.
 */
import { toStoredError, type StoredError } from '../errors';

export interface DropHandling<R> {
  /** The dropped files' paths, or null when this transport cannot name them (a browser). */
  pathsOf(files: readonly File[]): string[] | null;
  upload(files: readonly File[]): void;
  addPaths(paths: readonly string[]): Promise<R | null>;
  onError(error: StoredError): void;
}

/** Resolves to what was added by path, or null (nothing named, or uploads, which report per file). */
export async function handleDroppedFiles<R>(files: readonly File[], handling: DropHandling<R>): Promise<R | null> {
  let paths: string[] | null;
  try {
    paths = handling.pathsOf(files);
  } catch (error) {
    handling.onError(toStoredError(error));
    return null;
  }
  if (paths === null) {
    handling.upload(files);
    return null;
  }
  return paths.length === 0 ? null : handling.addPaths(paths);
}

/** Calls `addBatch` on slices of at most `batchSize` paths (the contract's limit per call), in order. */
export async function inBatches<R>(paths: readonly string[], batchSize: number, addBatch: (batch: string[]) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < paths.length; start += batchSize) results.push(await addBatch(paths.slice(start, start + batchSize)));
  return results;
}

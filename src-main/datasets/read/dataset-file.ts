/**
 * Opening and reading a dataset file, with file-system failures turned into `LatheError`s a
 * person can act on. Reads go through one handle in fixed-size chunks, so memory stays flat
 * whatever the file's size, and each chunk checks the abort signal.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { LatheError } from '../../contract/errors';
import { CHUNK_BYTES, type ReadOptions } from './read-types';

/**
 * Opens without blocking: a named pipe (FIFO) would otherwise hold `open` until a writer
 * appears. O_NONBLOCK changes nothing for regular files, and Windows has no such flag.
 */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

export interface OpenedDatasetFile {
  handle: FileHandle;
  size: number;
}

/** Opens `path` for reading: a regular, non-empty file, or a `LatheError` saying why not. */
export async function openDatasetFile(path: string): Promise<OpenedDatasetFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, READ_FLAGS);
  } catch (error) {
    throw datasetFileError(error, path);
  }
  try {
    // Stat the handle, not the path: it is the file we will read, even if the path changes.
    const stats = await handle.stat();
    if (stats.isDirectory()) throw new LatheError('invalid_file', `${path} is a folder, not a dataset file.`, path);
    if (!stats.isFile()) throw new LatheError('invalid_file', `${path} is not a regular file (a device, pipe or socket).`, path);
    if (stats.size === 0) throw new LatheError('invalid_file', `The dataset file is empty (0 bytes).`, path);
    return { handle, size: stats.size };
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error instanceof LatheError ? error : datasetFileError(error, path);
  }
}

/** Reads up to `length` bytes from `position`; fewer only at the end of the file. */
export async function readAt(file: OpenedDatasetFile, position: number, length: number, path: string): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(Math.max(0, Math.min(length, file.size - position)));
  let filled = 0;
  try {
    while (filled < buffer.length) {
      const { bytesRead } = await file.handle.read(buffer, filled, buffer.length - filled, position + filled);
      if (bytesRead === 0) break; // the file shrank under us: give back what is there
      filled += bytesRead;
    }
  } catch (error) {
    throw datasetFileError(error, path);
  }
  return filled === buffer.length ? buffer : buffer.subarray(0, filled);
}

/** The first `length` bytes of the file (fewer for a small file). */
export async function readFileHead(path: string, length: number): Promise<{ head: Buffer; size: number }> {
  const file = await openDatasetFile(path);
  try {
    return { head: await readAt(file, 0, length, path), size: file.size };
  } finally {
    await file.handle.close().catch(() => undefined);
  }
}

/**
 * The whole file as chunks, in order. Each chunk is a fresh buffer: consumers may keep
 * slices of it (a line that spans chunks) without it being overwritten by the next read.
 */
export async function* readFileChunks(path: string, options: ReadOptions): AsyncGenerator<Buffer> {
  const file = await openDatasetFile(path);
  try {
    let position = 0;
    for (;;) {
      throwIfCancelled(options.signal);
      const chunk = await readAt(file, position, CHUNK_BYTES, path);
      if (chunk.length === 0) return;
      position += chunk.length;
      options.onChunk?.(chunk);
      options.onBytes?.(position);
      yield chunk;
    }
  } finally {
    await file.handle.close().catch(() => undefined);
  }
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new LatheError('cancelled', 'Reading the dataset was cancelled.');
}

/** A file-system failure as a `LatheError` naming the path. */
export function datasetFileError(error: unknown, path: string): LatheError {
  if (error instanceof LatheError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new LatheError('not_found', `There is no file at ${path}.`, path);
    case 'ELOOP':
      return new LatheError('not_found', `There is no file at ${path}: it is a link that leads back to itself.`, path);
    case 'EACCES':
    case 'EPERM':
      return new LatheError('invalid_file', `Lathe is not allowed to read ${path} (permission denied).`, path);
    case 'EISDIR':
      return new LatheError('invalid_file', `${path} is a folder, not a dataset file.`, path);
    case 'EMFILE':
    case 'ENFILE':
      return new LatheError('unavailable', 'Too many files are open right now; try again in a moment.', path);
    default: {
      const message = error instanceof Error ? error.message : String(error);
      return new LatheError('invalid_file', `Could not read ${path}: ${message}`, path);
    }
  }
}

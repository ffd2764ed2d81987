/**
 * Opening a model file for the header reader, with file-system failures turned into
 * `LatheError`s that name the path: a missing file is `not_found`; a folder, an empty file,
 * a file Lathe may not read, or one that changes under the reader is `invalid_file`.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { LatheError } from '../../contract/errors';

export interface OpenedFile {
  handle: FileHandle;
  size: number;
}

/**
 * Opens without blocking: a named pipe (FIFO) would otherwise hold `open` until some writer
 * appears. O_NONBLOCK changes nothing for regular files, and Windows has no such flag.
 */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

export async function openGgufFile(path: string): Promise<OpenedFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, READ_FLAGS);
  } catch (error) {
    throw fileSystemError(error, path);
  }
  try {
    // Stat the handle, not the path: it is the file we will read, even if the path changes.
    const stats = await handle.stat();
    if (stats.isDirectory()) throw new LatheError('invalid_file', `${path} is a folder, not a GGUF file.`, path);
    if (!stats.isFile()) {
      throw new LatheError('invalid_file', `${path} is not a regular file (a device, pipe or socket), so not a GGUF file.`, path);
    }
    if (stats.size === 0) throw new LatheError('invalid_file', `${path} is empty (0 bytes), so it is not a GGUF file.`, path);
    return { handle, size: stats.size };
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error instanceof LatheError ? error : fileSystemError(error, path);
  }
}

/** A file-system failure as a `LatheError` naming the path. */
export function fileSystemError(error: unknown, path: string): LatheError {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
      return new LatheError('not_found', `There is no file at ${path}.`, path);
    case 'ENOTDIR':
      return new LatheError('not_found', `There is no file at ${path}: part of the path is a file, not a folder.`, path);
    case 'ELOOP':
      return new LatheError('not_found', `There is no file at ${path}: it is a link that leads back to itself.`, path);
    case 'EACCES':
    case 'EPERM':
      return new LatheError('invalid_file', `Lathe is not allowed to read ${path} (permission denied).`, path);
    case 'EISDIR':
      return new LatheError('invalid_file', `${path} is a folder, not a GGUF file.`, path);
    case 'EMFILE':
    case 'ENFILE':
      // Not the file's fault: too many open files in this process or system. Worth a retry.
      return new LatheError('unavailable', `Too many files are open to read ${path} now; try again.`, path);
    default: {
      const why = code ?? (error instanceof Error ? error.message : String(error));
      return new LatheError('invalid_file', `Lathe could not read ${path} (${why}).`, path);
    }
  }
}

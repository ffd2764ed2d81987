/**
 * Why a file could not be taken, in words a person can act on. The GGUF reader's own
 * errors already are; file-system errors arrive as codes.
 */
import { LatheError } from '../contract';

export function whyNotReadable(error: unknown): string {
  if (error instanceof LatheError) return error.message;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'There is nothing at this path.';
    case 'EACCES':
    case 'EPERM':
      return 'Lathe is not allowed to read it (permission denied).';
    case 'ELOOP':
      return 'It is a link that leads back to itself.';
    case 'ENOTDIR':
      return 'Part of the path is a file, not a folder.';
    case 'EISDIR':
      return 'It is a folder, not a file.';
    default:
      return `Lathe could not read it (${code ?? (error instanceof Error ? error.message : String(error))}).`;
  }
}

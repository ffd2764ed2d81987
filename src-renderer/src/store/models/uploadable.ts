/** Which dropped or chosen files the Models page sends. */
import type { SkippedFile } from '../intake/upload-items';

/**
 * Lathe reads only GGUF, so anything else is left
 * out here rather than after gigabytes have crossed the network; empty "files" are what
 * browsers hand over for dropped folders.
 */
export function splitUploadable<F extends { name: string; size: number }>(files: readonly F[]): { uploadable: F[]; skipped: SkippedFile[] } {
  const uploadable: F[] = [];
  const skipped: SkippedFile[] = [];
  for (const file of files) {
    if (!file.name.toLowerCase().endsWith('.gguf')) skipped.push({ path: file.name, reason: 'not a .gguf file' });
    else if (file.size <= 0) skipped.push({ path: file.name, reason: 'the file is empty' });
    else uploadable.push(file);
  }
  return { uploadable, skipped };
}

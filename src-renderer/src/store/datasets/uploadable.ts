/**
 * Which dropped or chosen files to send as datasets. The readers judge a file by its content,
 * but a photo or a model dropped here by mistake is left out before its bytes cross the
 * network; empty "files" are what browsers hand over for dropped folders.
 */
import type { SkippedFile } from '../intake/upload-items';

export const DATASET_FILE_EXTENSIONS = ['jsonl', 'ndjson', 'json', 'csv', 'tsv', 'parquet', 'txt'] as const;

/** For the file input's `accept`. */
export const DATASET_ACCEPT = DATASET_FILE_EXTENSIONS.map((extension) => `.${extension}`).join(',');

export function splitUploadableDatasets<F extends { name: string; size: number }>(files: readonly F[]): { uploadable: F[]; skipped: SkippedFile[] } {
  const uploadable: F[] = [];
  const skipped: SkippedFile[] = [];
  for (const file of files) {
    const extension = file.name.toLowerCase().split('.').pop() ?? '';
    if (!file.name.includes('.') || !(DATASET_FILE_EXTENSIONS as readonly string[]).includes(extension)) {
      skipped.push({ path: file.name, reason: `not a dataset file (${DATASET_ACCEPT.replaceAll(',', ', ')})` });
    } else if (file.size <= 0) skipped.push({ path: file.name, reason: 'the file is empty' });
    else uploadable.push(file);
  }
  return { uploadable, skipped };
}

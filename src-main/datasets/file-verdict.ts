/**
 * What an entry's status should be, given what its file is now: pure decisions, so the rules
 * are in one place and tested without a file system. The stamp is the file's size and time
 * when it was last read completely; the same stamp means the report is true of the file.
 */
import type { DatasetStatus } from '../contract';
import { sameStamp } from './dataset-files';
import type { FileStamp, StoredDataset } from './dataset-repository';
import type { DatasetFileChange } from './dataset-watch';

/** Set this status, read the file again, or leave the entry as it is. */
export type FileVerdict = { status: DatasetStatus; problem: string | null } | 'reimport' | null;

export const gone = (path: string) => `The file ${path} is gone. Put it back (Lathe notices), or remove this entry.`;
export const CHANGED = 'The file changed on disk after it was imported. Re-import it to use what it holds now.';
export const CAME_BACK_DIFFERENT = 'The file is back, but it is not the file Lathe read. Re-import it to use what it holds now.';

type Judged = Pick<StoredDataset, 'path' | 'status' | 'inspection' | 'stamp'>;

/**
 * At start: an import a previous run left unfinished (or never began) is read again; a file
 * gone is missing; one changed while Lathe was closed makes a ready entry stale; one back as
 * it was read makes a missing entry ready.
 */
export function verdictAtStart(dataset: Judged, now: FileStamp | null): FileVerdict {
  if (now === null) return { status: 'missing', problem: gone(dataset.path) };
  if (dataset.status === 'importing' || dataset.inspection === null) return 'reimport';
  if (!sameStamp(now, dataset.stamp)) return dataset.status === 'ready' || dataset.status === 'missing' ? { status: 'stale', problem: CHANGED } : null;
  return dataset.status === 'missing' ? { status: 'ready', problem: null } : null;
}

/**
 * While watching: removed → missing; changed → stale (a failed read too: the change may have
 * fixed the file); back → ready when it is the file that was read, stale otherwise, and read
 * again when it was never read completely. `now` is looked at only for a file that came back.
 */
export function verdictOnChange(dataset: Judged, change: DatasetFileChange, now: FileStamp | null): FileVerdict {
  if (change === 'removed') return { status: 'missing', problem: gone(dataset.path) };
  if (change === 'changed') return dataset.status === 'ready' || dataset.status === 'failed' ? { status: 'stale', problem: CHANGED } : null;
  if (dataset.inspection === null) return 'reimport';
  if (dataset.status !== 'missing' && dataset.status !== 'ready') return null;
  return sameStamp(now, dataset.stamp) ? { status: 'ready', problem: null } : { status: 'stale', problem: CAME_BACK_DIFFERENT };
}

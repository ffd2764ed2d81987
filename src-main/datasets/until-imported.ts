/** Waiting for a dataset's import to end, for callers that need its result (the command line). */
import { LatheError, type DatasetEntry, type DatasetEvent } from '../contract';
import type { DatasetLibrary } from './dataset-library';

type ImportProgress = Extract<DatasetEvent, { type: 'import-progress' }>;

/** Resolves with the entry once its import has ended (ready, failed, missing…), reporting progress meanwhile. */
export function untilImported(datasets: DatasetLibrary, id: string, onProgress: (event: ImportProgress) => void = () => {}): Promise<DatasetEntry> {
  return new Promise((resolve, reject) => {
    const stop = datasets.subscribe((event) => {
      if (event.type === 'import-progress' && event.id === id) onProgress(event);
      else if (event.type === 'changed' && event.dataset.id === id && event.dataset.status !== 'importing') finish(event.dataset);
      else if (event.type === 'removed' && event.id === id) {
        stop();
        reject(new LatheError('cancelled', 'The dataset was removed while it was being read.'));
      }
    });
    function finish(entry: DatasetEntry): void {
      stop();
      resolve(entry);
    }
    // Subscribed first, then looked: an import that ended in between is seen here.
    try {
      const now = datasets.get(id);
      if (now.status !== 'importing') finish(now);
    } catch (error) {
      stop();
      reject(error);
    }
  });
}

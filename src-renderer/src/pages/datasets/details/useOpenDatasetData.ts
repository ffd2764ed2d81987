/**
 * Loads the open dataset's preview rows and what was prepared from it, and loads them again
 * when what they depend on changes: another dataset, a finished import, a new mapping.
 */
import { useEffect } from 'react';
import type { DatasetEntry } from '../../../../../src-main/contract';
import { selectLoadPrepared, selectLoadPreview, useDatasetsStore } from '../../../store/datasets';

/** Whether the file can be read for a preview now: read completely once, and still there. */
export function isReadable(dataset: DatasetEntry): boolean {
  return dataset.inspection !== null && dataset.status !== 'importing' && dataset.status !== 'missing';
}

export function useOpenDatasetData(dataset: DatasetEntry): void {
  const loadPreview = useDatasetsStore(selectLoadPreview);
  const loadPrepared = useDatasetsStore(selectLoadPrepared);
  const readable = isReadable(dataset);
  const contentHash = dataset.inspection?.contentHash ?? null;
  const mapping = JSON.stringify(dataset.mapping);

  useEffect(() => {
    if (!readable) return;
    void loadPreview(dataset.id);
    void loadPrepared(dataset.id);
  }, [dataset.id, readable, contentHash, mapping, loadPreview, loadPrepared]);
}

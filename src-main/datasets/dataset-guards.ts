/** The checks in front of what needs a dataset's file read (preview) or ready to tokenize (render, prepare), and a mapping's columns. */
import { LatheError, type ColumnMapping, type DatasetInspection } from '../contract';
import type { StoredDataset } from './dataset-repository';
import { gone } from './file-verdict';

export type ReadDataset = StoredDataset & { inspection: DatasetInspection };

/** An entry whose file has been read completely at least once and is still there. */
export function assertReadable(dataset: StoredDataset): ReadDataset {
  if (dataset.status === 'missing') throw new LatheError('not_found', dataset.problem ?? gone(dataset.path));
  if (dataset.inspection === null) {
    throw new LatheError('unavailable', dataset.status === 'importing' ? 'The dataset is still being read; try again when its import is done.' : (dataset.problem ?? 'The dataset could not be read.'));
  }
  return { ...dataset, inspection: dataset.inspection };
}

/** An entry ready to be tokenized: read completely, and the file unchanged since. */
export function assertReady(dataset: StoredDataset): ReadDataset {
  const read = assertReadable(dataset);
  if (read.status !== 'ready') throw new LatheError('invalid_input', `${read.name} is ${read.status}: ${read.problem ?? 'wait for its import to finish'}`);
  return read;
}

/** A mapping may name only columns the file has: a typo would otherwise fail every row. */
export function assertColumnsExist(mapping: ColumnMapping, columns: readonly string[]): void {
  if (columns.length === 0) return; // plain text and arrays of rows have no named columns
  const unknown = Object.entries(mapping.columns).filter(([, column]) => !columns.includes(column));
  if (unknown.length > 0) {
    throw new LatheError('invalid_input', `The file has no column ${unknown.map(([role, column]) => `“${column}” (for ${role})`).join(', ')}. Its columns are: ${columns.join(', ')}.`);
  }
}

/**
 * The parts the dataset library drives but does not implement, as the function types it
 * takes in its constructor: reading a file (inspect-dataset.ts, read/), and tokenizing and
 * preparing it for a model (prepare/). Tests and the composition root pass the real ones.
 */
import type { ColumnMapping, DatasetInspection, DatasetPreviewRow } from '../contract';

export interface InspectProgress {
  rows: number;
  bytesDone: number;
  bytesTotal: number;
}

/** Reads a whole file once: format, shape, every row's problems, its hash. Throws `LatheError` for a file that is not a dataset at all. */
export type InspectDataset = (
  path: string,
  options: { mapping?: ColumnMapping; signal?: AbortSignal; onProgress?: (progress: InspectProgress) => void },
) => Promise<DatasetInspection>;

/** How the readers find their way through a file: what an inspection says about it. */
export type DatasetLayout = Pick<DatasetInspection, 'format' | 'csv' | 'textSplit'>;

/** Rows `offset`… as read and mapped, each with its conversation or why it has none. */
export type ReadDatasetRows = (
  path: string,
  layout: DatasetLayout,
  mapping: ColumnMapping,
  options: { offset: number; limit?: number; signal?: AbortSignal },
) => AsyncIterable<DatasetPreviewRow>;

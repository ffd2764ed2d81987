import type { DatasetEntry, DatasetPreviewRow, PreparedSummary, RenderedExample } from '../../../../src-main/contract';
import type { StoredError } from '../errors';
import { notLoaded, type Loadable } from '../loadable';
import type { SkippedFile, UploadItem } from '../intake/upload-items';
import { defaultPrepareSettings, type PrepareSettings } from './prepare-settings';

/** An import under way, from `import-progress` events. */
export interface ImportProgress {
  rows: number;
  bytesDone: number;
  bytesTotal: number;
  rowsPerSecond: number;
  etaSeconds: number | null;
}

/** A preparation under way for one dataset (one at a time per dataset on this page). */
export interface PrepareRun {
  modelId: string;
  examples: number;
  total: number | null;
  examplesPerSecond: number;
}

export interface DatasetsState {
  datasets: Loadable<DatasetEntry[]>;
  /** The dataset whose details are shown under the list. */
  openDatasetId: string | null;
  importProgress: Record<string, ImportProgress>;
  /** Preparations started from this page, by dataset id, with the progress their events report. */
  preparing: Record<string, PrepareRun>;
  /** Browser uploads, in the order they were added. */
  uploads: UploadItem[];
  /** What the last adds left out, until dismissed. */
  skipped: SkippedFile[];
  adding: boolean;
  addError: StoredError | null;
  watching: boolean;
  eventsError: StoredError | null;
  /** The last failed action on the open dataset (re-import, mapping, remove…), shown in its details. */
  actionError: StoredError | null;
  /** The open dataset's first rows, as read. */
  preview: Loadable<DatasetPreviewRow[]>;
  /** The open dataset's first rows rendered with the chosen model's template. */
  rendered: Loadable<RenderedExample[]>;
  /** What was prepared from the open dataset, newest first. */
  prepared: Loadable<PreparedSummary[]>;
  /** The last preparation started from this page for the open dataset, or why it failed. */
  lastPrepared: PreparedSummary | null;
  prepareError: StoredError | null;
  /** The model and options the preparation controls hold (kept across datasets). */
  settings: PrepareSettings;
}

export const initialDatasetsState: DatasetsState = {
  datasets: notLoaded,
  openDatasetId: null,
  importProgress: {},
  preparing: {},
  uploads: [],
  skipped: [],
  adding: false,
  addError: null,
  watching: false,
  eventsError: null,
  actionError: null,
  preview: notLoaded,
  rendered: notLoaded,
  prepared: notLoaded,
  lastPrepared: null,
  prepareError: null,
  settings: defaultPrepareSettings,
};

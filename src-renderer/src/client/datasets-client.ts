/**
 * What the datasets store needs from the main process, as an interface: the store's actions
 * take it as an argument, so unit tests hand them a fake and the real one lives in datasets.ts.
 */
import type {
  ColumnMapping,
  DatasetEntry,
  DatasetEvent,
  DatasetPreviewRow,
  PreparedSummary,
  PrepareOptions,
  RenderedExample,
  RowProblem,
  Unsubscribe,
} from '../../../src-main/contract';
import type { UploadOptions } from '../transport/upload-loop';

export interface DatasetsClient {
  list(): Promise<DatasetEntry[]>;
  /** Files by path: dropped on the Electron window. */
  addPaths(paths: string[]): Promise<DatasetEntry[]>;
  /** The platform's file dialog (Electron only). */
  pickFiles(): Promise<DatasetEntry[]>;
  /** Sends a file's bytes to `lathe serve` (browser only); resolves to the new entry, which is then imported. */
  upload(file: File, options: UploadOptions): Promise<DatasetEntry>;
  /** Paths of dropped files where the window can name them (Electron), or null where they must be uploaded (browser). */
  droppedFilePaths(files: readonly File[]): string[] | null;
  cancelImport(id: string): Promise<{ cancelled: boolean }>;
  reimport(id: string): Promise<DatasetEntry>;
  setMapping(id: string, mapping: ColumnMapping | null): Promise<DatasetEntry>;
  preview(id: string, offset: number, limit: number): Promise<DatasetPreviewRow[]>;
  problems(id: string): Promise<RowProblem[]>;
  /** `deleteFile`: also delete a file the person imported in place (owned files always go). */
  remove(id: string, deleteFile: boolean): Promise<{ deletedFile: boolean }>;
  render(id: string, modelId: string, offset: number, limit: number, options: PrepareOptions): Promise<RenderedExample[]>;
  prepare(id: string, modelId: string, options: PrepareOptions): Promise<PreparedSummary>;
  cancelPrepare(id: string, modelId: string): Promise<{ cancelled: boolean }>;
  prepared(id: string): Promise<PreparedSummary[]>;
  watch(onEvent: (event: DatasetEvent) => void, onError: (error: unknown) => void): Unsubscribe;
}

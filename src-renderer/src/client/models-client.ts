/**
 * What the models store needs from the main process, as an interface: the store's actions
 * take it as an argument, so unit tests hand them a fake and the real one lives in models.ts.
 */
import type { AddModelsResult, ModelEntry, ModelEvent, SuggestedModelFolder, Unsubscribe } from '../../../src-main/contract';
import type { UploadOptions } from '../transport/upload-loop';

export interface ModelsClient {
  list(): Promise<ModelEntry[]>;
  /** Files or folders by path: dropped on the Electron window. */
  addPaths(paths: string[]): Promise<AddModelsResult>;
  /** The platform's file and folder dialogs (Electron only). */
  pickFiles(): Promise<AddModelsResult>;
  pickFolder(): Promise<AddModelsResult>;
  suggestedFolders(): Promise<SuggestedModelFolder[]>;
  addSuggestedFolder(id: string): Promise<AddModelsResult>;
  /** `deleteFile`: also delete a file the person imported in place (owned files always go). */
  remove(id: string, deleteFile: boolean): Promise<{ deletedFile: boolean }>;
  reveal(id: string): Promise<{ path: string }>;
  startHash(id: string): Promise<{ started: boolean }>;
  cancelHash(id: string): Promise<{ cancelled: boolean }>;
  /** Sends a file's bytes to `lathe serve` (browser only); resolves to the new entry. */
  upload(file: File, options: UploadOptions): Promise<ModelEntry>;
  /**
   * Paths of dropped files where the window can name them (Electron), or null where the
   * bytes must be uploaded instead (browser).
   */
  droppedFilePaths(files: readonly File[]): string[] | null;
  watch(onEvent: (event: ModelEvent) => void, onError: (error: unknown) => void): Unsubscribe;
}

/**
 * The dataset library: files a person trains on, read where they lie (imported in place) or
 * kept under `<dataDir>/datasets/<id>/` (uploaded, owned). Each file is read once in the
 * background on import (dataset-imports.ts) and watched afterwards (dataset-watch.ts): a file
 * that changes is marked `stale` until it is re-imported, one that disappears `missing`.
 * Preparing a dataset for a model, and rendering rows as that model sees them, is in
 * dataset-preparation.ts.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import {
  LatheError,
  type ColumnMapping,
  type DatasetEntry,
  type DatasetEvent,
  type DatasetPreviewRow,
  type PreparedSummary,
  type PrepareOptions,
  type RenderedExample,
  type RowProblem,
} from '../contract';
import { watchWithChokidar, type WatchFolder } from '../models/folder-watch';
import { KeyedLock } from '../models/keyed-lock';
import type { FinishedUpload } from '../models/upload-sessions';
import type { InspectDataset, ReadDatasetRows } from './dataset-engine';
import { datasetDir, fileStamp, isInside, readProblems, removeDatasetDir, safeDatasetFileName, whyNotAFile } from './dataset-files';
import { assertColumnsExist, assertReadable, assertReady } from './dataset-guards';
import { DatasetImports } from './dataset-imports';
import { DatasetPreparation, type PrepareEngine, type PreparationModels } from './dataset-preparation';
import { DatasetRepository, toDatasetEntry, type StoredDataset } from './dataset-repository';
import { DatasetWatch, type DatasetFileChange } from './dataset-watch';
import { gone, verdictAtStart, verdictOnChange, type FileVerdict } from './file-verdict';

export interface DatasetLibraryDeps {
  db: Database.Database;
  dataDir: string;
  inspect: InspectDataset;
  readRows: ReadDatasetRows;
  prepare: PrepareEngine;
  /** The model library (models are looked up by id) and the gate in front of llama.cpp. */
  models: PreparationModels;
  watch?: WatchFolder;
  clock?: () => number;
  newId?: () => string;
  /** Progress events at most this often per job (default 250 ms). */
  progressIntervalMs?: number;
  logError?: (context: string, error: unknown) => void;
}


export class DatasetLibrary {
  private readonly repo: DatasetRepository;
  private readonly imports: DatasetImports;
  private readonly watcher: DatasetWatch;
  private readonly preparation: DatasetPreparation;
  private readonly locks = new KeyedLock();
  private readonly listeners = new Set<(event: DatasetEvent) => void>();
  private readonly clock: () => number;
  private readonly newId: () => string;

  constructor(private readonly deps: DatasetLibraryDeps) {
    this.repo = new DatasetRepository(deps.db);
    this.clock = deps.clock ?? Date.now;
    this.newId = deps.newId ?? randomUUID;
    const progressIntervalMs = deps.progressIntervalMs ?? 250;
    this.imports = new DatasetImports({
      dataDir: deps.dataDir,
      repo: this.repo,
      inspect: deps.inspect,
      clock: this.clock,
      emit: (event) => this.emit(event),
      emitChanged: (id) => this.emitChanged(id),
      discard: (id) => this.discard(id),
      progressIntervalMs,
      logError: deps.logError,
    });
    this.watcher = new DatasetWatch({
      watch: deps.watch ?? watchWithChokidar,
      onChange: (id, change) => void this.locks.run(id, () => this.onFileChange(id, change)).catch((error: unknown) => deps.logError?.('dataset watch', error)),
      onError: (path, error) => deps.logError?.(`watching ${path}`, error),
    });
    this.preparation = new DatasetPreparation({
      db: deps.db,
      dataDir: deps.dataDir,
      datasets: this.repo,
      readRows: deps.readRows,
      engine: deps.prepare,
      models: deps.models,
      clock: this.clock,
      newId: this.newId,
      emit: (event) => this.emit(event),
      progressIntervalMs,
    });
  }

  /** Brings every entry up to date with its file (file-verdict.ts), then watches them. */
  async start(): Promise<void> {
    for (const dataset of this.repo.list()) {
      await this.locks.run(dataset.id, async () => {
        await this.apply(dataset, verdictAtStart(dataset, await fileStamp(dataset.path)));
        await this.watcher.follow(dataset.id, dataset.path);
      });
    }
  }

  list(): DatasetEntry[] {
    return this.repo.list().map(toDatasetEntry);
  }

  get(id: string): DatasetEntry {
    return toDatasetEntry(this.stored(id));
  }

  /**
   * Imports files in place. Every path must be a readable file, or nothing is added (the
   * answer names each one that is not). A file already imported in place is not added twice:
   * its entry is returned, and read again when it is not ready.
   */
  async addPaths(paths: readonly string[]): Promise<DatasetEntry[]> {
    const files = [...new Set(paths.map((path) => resolve(path)))];
    const refused: string[] = [];
    for (const path of files) {
      const why = await whyNotAFile(path);
      if (why !== null) refused.push(`${path}: ${why}`);
    }
    if (refused.length > 0) throw new LatheError('invalid_input', `Nothing was added. ${refused.join(' ')}`);
    const entries: DatasetEntry[] = [];
    for (const path of files) entries.push(await this.locks.run(`path:${path}`, () => this.addInPlace(path)));
    return entries;
  }

  /** Keeps a finished upload (the upload sessions' finisher for datasets): moved into its folder, owned, then imported. */
  async adoptUpload({ partPath, fileName }: FinishedUpload): Promise<DatasetEntry> {
    const id = this.newId();
    const dir = datasetDir(this.deps.dataDir, id);
    const path = join(dir, safeDatasetFileName(fileName));
    await mkdir(dir, { recursive: true });
    try {
      await rename(partPath, path);
      this.repo.insert({ id, name: basename(path), path, owned: true, status: 'importing', problem: null, mapping: null, addedAt: this.clock() });
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return this.locks.run(id, async () => {
      await this.watcher.follow(id, path);
      await this.imports.start(id);
      return this.get(id);
    });
  }

  async cancelImport(id: string): Promise<{ cancelled: boolean }> {
    this.stored(id);
    return { cancelled: await this.imports.cancel(id) };
  }

  /** Reads the file again (after it changed, came back, or failed). */
  reimport(id: string): Promise<DatasetEntry> {
    return this.locks.run(id, async () => {
      const dataset = this.stored(id);
      if ((await fileStamp(dataset.path)) === null) throw new LatheError('not_found', gone(dataset.path));
      await this.imports.start(id);
      return this.get(id);
    });
  }

  /** Saves the person's mapping (null: back to the detected one) and checks every row against it in the background. */
  setMapping(id: string, mapping: ColumnMapping | null): Promise<DatasetEntry> {
    return this.locks.run(id, async () => {
      const dataset = this.stored(id);
      if (mapping !== null && dataset.inspection !== null) assertColumnsExist(mapping, dataset.inspection.columns);
      this.repo.setMapping(id, mapping);
      if ((await fileStamp(dataset.path)) === null) {
        this.setStatus(this.stored(id), 'missing', gone(dataset.path));
      } else {
        await this.imports.start(id);
      }
      return this.get(id);
    });
  }

  /** Rows `offset`… as read and as conversations, for the preview. */
  async preview(id: string, offset: number, limit: number): Promise<DatasetPreviewRow[]> {
    const dataset = assertReadable(this.stored(id));
    const rows: DatasetPreviewRow[] = [];
    for await (const row of this.deps.readRows(dataset.path, dataset.inspection, dataset.mapping ?? dataset.inspection.detection.mapping, { offset, limit })) {
      rows.push(row);
      if (rows.length >= limit) break;
    }
    return rows;
  }

  /** Every problem of the last complete read (the page's downloadable report). */
  async problems(id: string): Promise<RowProblem[]> {
    this.stored(id);
    return readProblems(this.deps.dataDir, id);
  }

  /**
   * Removes the entry and what Lathe made from it (its report, prepared data no other entry
   * shares). The file goes too when Lathe owns it (an upload), or when `deleteFile` confirms
   * it for a file imported in place (DESIGN §5: never without saying so).
   */
  remove(id: string, deleteFile = false): Promise<{ deletedFile: boolean }> {
    return this.locks.run(id, async () => {
      const dataset = this.stored(id);
      const owned = dataset.owned && isInside(this.deps.dataDir, dataset.path);
      await this.preparation.stopAll(id);
      await this.imports.forget(id);
      await this.watcher.stop(id);
      let deletedFile = false;
      if (owned || deleteFile) {
        try {
          await rm(dataset.path);
          deletedFile = true;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
            await this.watcher.follow(id, dataset.path);
            throw new LatheError('unwritable', `Lathe could not delete ${dataset.path} (${(error as NodeJS.ErrnoException).code ?? String(error)}); the entry was kept.`);
          }
        }
      }
      await this.discard(id);
      return { deletedFile };
    });
  }

  async render(id: string, modelId: string, offset: number, limit: number, options: PrepareOptions): Promise<RenderedExample[]> {
    return this.preparation.render(assertReady(this.stored(id)), modelId, offset, limit, options);
  }

  async prepare(id: string, modelId: string, options: PrepareOptions): Promise<PreparedSummary> {
    return this.preparation.prepare(assertReady(this.stored(id)), modelId, options);
  }

  cancelPrepare(id: string, modelId: string): { cancelled: boolean } {
    this.stored(id);
    return { cancelled: this.preparation.cancel(id, modelId) };
  }

  prepared(id: string): PreparedSummary[] {
    return this.preparation.listFor(this.stored(id));
  }

  subscribe(listener: (event: DatasetEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops watchers, imports and preparations, and waits for them, so the catalog can be closed after. */
  async close(): Promise<void> {
    await this.watcher.close();
    await this.imports.close();
    await this.preparation.close();
    this.listeners.clear();
  }

  private async addInPlace(path: string): Promise<DatasetEntry> {
    const existing = this.repo.findInPlace(path);
    if (existing) {
      return this.locks.run(existing.id, async () => {
        const current = this.stored(existing.id);
        if (current.status !== 'ready' && current.status !== 'importing') await this.imports.start(current.id);
        await this.watcher.follow(current.id, current.path);
        return this.get(current.id);
      });
    }
    const id = this.newId();
    this.repo.insert({ id, name: basename(path), path, owned: false, status: 'importing', problem: null, mapping: null, addedAt: this.clock() });
    return this.locks.run(id, async () => {
      await this.watcher.follow(id, path);
      await this.imports.start(id);
      return this.get(id);
    });
  }

  /** Follows the file of an entry (inside the entry's lock). An import under way judges the file itself when it ends. */
  private async onFileChange(id: string, change: DatasetFileChange): Promise<void> {
    const dataset = this.repo.get(id);
    if (!dataset || this.imports.isRunning(id)) return;
    await this.apply(dataset, verdictOnChange(dataset, change, change === 'returned' ? await fileStamp(dataset.path) : null));
  }

  private async apply(dataset: StoredDataset, verdict: FileVerdict): Promise<void> {
    if (verdict === 'reimport') await this.imports.start(dataset.id);
    else if (verdict !== null) this.setStatus(dataset, verdict.status, verdict.problem);
  }

  /** Drops an entry and everything Lathe keeps for it (not an in-place file). */
  private async discard(id: string): Promise<void> {
    await this.watcher.stop(id);
    await this.preparation.forgetDataset(id);
    await removeDatasetDir(this.deps.dataDir, id);
    this.repo.delete(id);
    this.emit({ type: 'removed', id });
  }

  private setStatus(dataset: StoredDataset, status: StoredDataset['status'], problem: string | null): void {
    if (dataset.status === status && dataset.problem === problem) return;
    this.repo.setStatus(dataset.id, status, problem);
    this.emitChanged(dataset.id);
  }

  private stored(id: string): StoredDataset {
    const dataset = this.repo.get(id);
    if (!dataset) throw new LatheError('not_found', 'That dataset is no longer in the library.');
    return dataset;
  }

  private emitChanged(id: string): void {
    const dataset = this.repo.get(id);
    if (dataset) this.emit({ type: 'changed', dataset: toDatasetEntry(dataset) });
  }

  private emit(event: DatasetEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.deps.logError?.('dataset event listener', error);
      }
    }
  }
}

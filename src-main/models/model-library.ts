/**
 * The model library: GGUF files the person has, referenced where they lie (only uploads
 * live under `<dataDir>/models/`). Files come in by hand, from folders Lathe watches
 * (its own choice of folder, LM Studio's, Ollama's store) or by upload; every one is read
 * by the GGUF inspector before it is listed, so a file that is not a usable GGUF never
 * enters the catalog. Watched files that disappear are marked missing, not forgotten.
 */
import { randomUUID } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type Database from 'better-sqlite3';
import { LatheError, type AddModelsResult, type ModelEntry, type ModelEvent, type ModelFacts, type SuggestedModelFolder } from '../contract';
import { hashFile as defaultHashFile, type HashFile } from './file-hash';
import { whyNotReadable } from './file-problems';
import { watchWithChokidar, type WatchFolder } from './folder-watch';
import { firstName } from './model-display-name';
import { scanModelFolder } from './model-folder-scan';
import { modelFolderCandidates, type ModelFolderDiscoveryInputs } from './model-folders';
import { ModelHashing } from './model-hashing';
import { mergeResults, ModelIntake, type InspectModel } from './model-intake';
import { ModelRepository, toModelEntry, type StoredModel, type WatchedFolderOrigin } from './model-repository';
import { isOllamaStore } from './ollama-manifests';

export type { InspectModel } from './model-intake';

export interface ModelLibraryDeps {
  db: Database.Database;
  dataDir: string;
  inspect: InspectModel;
  discoveryInputs: ModelFolderDiscoveryInputs;
  clock?: () => number;
  newId?: () => string;
  watch?: WatchFolder;
  hasher?: HashFile;
  /** Files hashed at once (default 2: the disk is the limit). */
  hashConcurrency?: number;
  /** How long a new file must stop growing before it is read (default 2 s). */
  writeSettleMs?: number;
  logError?: (context: string, error: unknown) => void;
}

export class ModelLibrary {
  private readonly repo: ModelRepository;
  private readonly hashing: ModelHashing;
  private readonly intake: ModelIntake;
  private readonly listeners = new Set<(event: ModelEvent) => void>();
  private readonly clock: () => number;
  private readonly newId: () => string;

  constructor(private readonly deps: ModelLibraryDeps) {
    this.repo = new ModelRepository(deps.db);
    this.clock = deps.clock ?? Date.now;
    this.newId = deps.newId ?? randomUUID;
    this.hashing = new ModelHashing({
      repo: this.repo,
      hashFile: deps.hasher ?? defaultHashFile,
      emit: (event) => this.emit(event),
      concurrency: deps.hashConcurrency ?? 2,
    });
    this.intake = new ModelIntake({
      repo: this.repo,
      inspect: deps.inspect,
      hashing: this.hashing,
      clock: this.clock,
      newId: this.newId,
      watch: deps.watch ?? watchWithChokidar,
      writeSettleMs: deps.writeSettleMs ?? 2000,
      emitChanged: (id) => this.emitChanged(id),
      logError: deps.logError,
    });
  }

  /** Checks every entry's file (gone → missing, back → ready) and resumes watching the stored folders. */
  async start(): Promise<void> {
    for (const model of this.repo.list()) {
      await this.intake.locks.run(model.path, () => this.intake.recheck(model.id, false));
    }
    for (const folder of this.repo.folders()) {
      await this.intake.watchFolder(folder);
      await this.intake.scanFolder(folder, false);
    }
  }

  list(query?: string): ModelEntry[] {
    return this.repo.list(query).map(toModelEntry);
  }

  get(id: string): ModelEntry {
    return toModelEntry(this.stored(id));
  }

  /** Files are added when their content is a GGUF the reader accepts; folders are scanned, then watched. */
  async addPaths(paths: readonly string[]): Promise<AddModelsResult> {
    const result: AddModelsResult = { added: [], skipped: [] };
    for (const path of new Set(paths.map((p) => resolve(p)))) {
      let info;
      try {
        info = await stat(path);
      } catch (error) {
        result.skipped.push({ path, reason: whyNotReadable(error) });
        continue;
      }
      if (info.isDirectory()) mergeResults(result, await this.addFolder(path, await this.folderOrigin(path)));
      else if (info.isFile()) mergeResults(result, await this.intake.admit({ path, names: [], sha256: null }, { origin: 'file', byHand: true, reportDuplicate: true }));
      else result.skipped.push({ path, reason: 'It is neither a file nor a folder.' });
    }
    return result;
  }

  async suggestedFolders(): Promise<SuggestedModelFolder[]> {
    const found: SuggestedModelFolder[] = [];
    for (const candidate of modelFolderCandidates(this.deps.discoveryInputs)) {
      if (!(await stat(candidate.path).catch(() => null))?.isDirectory()) continue;
      const scan = await scanModelFolder(candidate.path, candidate.app);
      found.push({ ...candidate, ggufCount: scan.files.length, watched: this.repo.findFolder(candidate.path) !== null });
    }
    return found;
  }

  async addSuggestedFolder(id: string): Promise<AddModelsResult> {
    const candidate = modelFolderCandidates(this.deps.discoveryInputs).find((c) => c.id === id);
    if (!candidate || !(await stat(candidate.path).catch(() => null))?.isDirectory()) {
      throw new LatheError('not_found', 'That folder is not one Lathe found on this machine. Refresh the suggestions.');
    }
    return this.addFolder(candidate.path, candidate.app);
  }

  /**
   * Removes the entry. The file goes too when Lathe owns it, or when `deleteFile` confirms it
   * for a file imported in place (DESIGN §5: never without saying so). A file kept in a
   * watched folder is remembered as dismissed, or the watcher would add it straight back.
   */
  async remove(id: string, deleteFile = false): Promise<{ deletedFile: boolean }> {
    const { path } = this.stored(id);
    return this.intake.locks.run(path, async () => {
      const model = this.stored(id); // a second remove may have run while this one waited
      const owned = model.owned && isInside(this.deps.dataDir, model.path);
      if (deleteFile && !owned && model.origin === 'ollama') {
        const name = firstName(model.alias);
        throw new LatheError('invalid_input', `Lathe does not delete files from Ollama's store; ${name ? `run \`ollama rm ${name}\`` : 'remove the model with `ollama rm`'} instead.`);
      }
      await this.hashing.stop(id);
      const deletesFile = owned || deleteFile;
      const deletedFile = deletesFile ? await deleteModelFile(model.path) : false;
      const watched = !deletesFile && this.repo.folders().some((f) => isInside(f.path, model.path));
      this.repo.delete(id, watched ? { path: model.path, at: this.clock() } : null);
      this.emit({ type: 'removed', id });
      return { deletedFile };
    });
  }

  startHash(id: string): { started: boolean } {
    return this.hashing.start(id);
  }

  cancelHash(id: string): { cancelled: boolean } {
    this.stored(id);
    return this.hashing.cancel(id);
  }

  /** Reads a file's GGUF header without listing it (an upload is checked before it is kept). */
  async inspectFile(path: string): Promise<ModelFacts> {
    return (await this.deps.inspect(path)).facts;
  }

  /** Lists a file Lathe placed in its data folder (a finished upload or download): deleting the entry deletes it. */
  adoptOwnedFile(path: string, facts: ModelFacts, origin: ModelEntry['origin'], sha256: string | null = null): ModelEntry {
    const model: StoredModel = { id: this.newId(), path, owned: true, origin, status: 'ready', problem: null, facts, sha256, addedAt: this.clock(), alias: null };
    this.repo.insert(model);
    this.emitChanged(model.id);
    return toModelEntry(model);
  }

  subscribe(listener: (event: ModelEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops watchers and hashes, and waits for work in flight so the catalog can be closed after. */
  async close(): Promise<void> {
    await this.hashing.close();
    await this.intake.close();
    this.listeners.clear();
  }

  private stored(id: string): StoredModel {
    const model = this.repo.get(id);
    if (!model) throw new LatheError('not_found', 'That model is no longer in the library.');
    return model;
  }

  private async folderOrigin(path: string): Promise<WatchedFolderOrigin> {
    if (await isOllamaStore(path)) return 'ollama';
    const lmStudio = modelFolderCandidates(this.deps.discoveryInputs).some((c) => c.app === 'lmstudio' && c.path === path);
    return lmStudio ? 'lmstudio' : 'folder';
  }

  private async addFolder(path: string, origin: WatchedFolderOrigin): Promise<AddModelsResult> {
    let folder = this.repo.findFolder(path);
    if (!folder) {
      folder = { id: this.newId(), path, origin, addedAt: this.clock() };
      this.repo.addFolder(folder);
    }
    // Watch first, then scan: a file that lands during the scan is reported by one or the other.
    await this.intake.watchFolder(folder);
    const result = await this.intake.scanFolder(folder, true);
    if (result.added.length === 0 && result.skipped.length === 0) {
      result.skipped.push({ path, reason: 'There are no GGUF files in this folder yet. Lathe watches it and lists any that appear.' });
    }
    return result;
  }

  private emitChanged(id: string): void {
    const model = this.repo.get(id);
    if (model) this.emit({ type: 'changed', model: toModelEntry(model) });
  }

  private emit(event: ModelEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.deps.logError?.('model event listener', error);
      }
    }
  }
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(resolve(folder), resolve(path));
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

async function deleteModelFile(path: string): Promise<boolean> {
  try {
    await rm(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new LatheError('unwritable', `Lathe could not delete ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}); the entry was kept.`);
  }
}

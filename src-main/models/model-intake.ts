/**
 * How files get into the library and stay true to the disk: reading a file's header before
 * it is listed, scanning a watched folder, following its watcher, and re-checking an entry
 * whose file went away or changed. Work on one path is serialised (a watcher and the person
 * may report the same file at once); the library's public side is in model-library.ts.
 */
import { stat } from 'node:fs/promises';
import type { AddModelsResult, ModelEntry, ModelFacts } from '../contract';
import { whyNotReadable } from './file-problems';
import { watchModelFolder, type FolderChange, type FolderWatcher, type WatchFolder } from './folder-watch';
import { KeyedLock } from './keyed-lock';
import { aliasOf, firstName, withAppName } from './model-display-name';
import { scanModelFolder, type FoundModelFile } from './model-folder-scan';
import type { ModelHashing } from './model-hashing';
import { toModelEntry, type ModelRepository, type StoredModel, type WatchedFolder } from './model-repository';
import { ollamaBlobSha256 } from './ollama-manifests';

/** Reads a GGUF header; throws LatheError `invalid_file` / `unsupported` / `not_found` for files it refuses. */
export type InspectModel = (path: string) => Promise<{ facts: ModelFacts }>;

export interface ModelIntakeDeps {
  repo: ModelRepository;
  inspect: InspectModel;
  hashing: ModelHashing;
  clock: () => number;
  newId: () => string;
  watch: WatchFolder;
  writeSettleMs: number;
  emitChanged: (id: string) => void;
  logError?: ((context: string, error: unknown) => void) | undefined;
}

export interface AdmitOptions {
  origin: ModelEntry['origin'];
  /** Added by hand: a file the person dismissed from a watched folder comes back. */
  byHand: boolean;
  /** Whether a file already listed is reported as skipped (by-hand adds) or passed over quietly. */
  reportDuplicate: boolean;
}

const DUPLICATE = 'already in the library';

export class ModelIntake {
  readonly locks = new KeyedLock();
  private readonly watchers = new Map<string, Promise<FolderWatcher | null>>();
  private readonly pending = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly deps: ModelIntakeDeps) {}

  /** Stops the watchers and waits for the work they started. */
  async close(): Promise<void> {
    this.closed = true;
    const watchers = await Promise.all(this.watchers.values());
    this.watchers.clear();
    await Promise.all(watchers.map((w) => w?.close()));
    await Promise.allSettled([...this.pending]);
  }

  async scanFolder(folder: WatchedFolder, byHand: boolean): Promise<AddModelsResult> {
    return this.locks.run(`folder:${folder.path}`, async () => {
      const result: AddModelsResult = { added: [], skipped: [] };
      const scan = await scanModelFolder(folder.path, folder.origin);
      if (byHand) result.skipped.push(...scan.notes);
      for (const file of scan.files) {
        mergeResults(result, await this.admit(file, { origin: folder.origin, byHand: false, reportDuplicate: byHand }));
      }
      return result;
    });
  }

  /** Reads a file's header and lists it; a file already listed is re-read when it was not ready. */
  admit(file: FoundModelFile, options: AdmitOptions): Promise<AddModelsResult> {
    return this.locks.run(file.path, async () => {
      const result: AddModelsResult = { added: [], skipped: [] };
      const existing = this.deps.repo.findByPath(file.path);
      if (existing) {
        if (existing.status !== 'ready') await this.recheck(existing.id, true);
        if (options.reportDuplicate) result.skipped.push({ path: file.path, reason: DUPLICATE });
        return result;
      }
      if (this.closed || (!options.byHand && this.deps.repo.isDismissed(file.path))) return result;
      let facts: ModelFacts;
      try {
        facts = (await this.deps.inspect(file.path)).facts;
      } catch (error) {
        result.skipped.push({ path: file.path, reason: whyNotReadable(error) });
        return result;
      }
      if (this.closed) return result;
      const model: StoredModel = {
        id: this.deps.newId(),
        path: file.path,
        owned: false,
        origin: options.origin,
        status: 'ready',
        problem: null,
        facts: withAppName(facts, file.path, file.names[0]),
        sha256: file.sha256,
        addedAt: this.deps.clock(),
        alias: aliasOf(file.names),
      };
      this.deps.repo.insert(model);
      this.deps.emitChanged(model.id);
      result.added.push(toModelEntry(model));
      return result;
    });
  }

  /**
   * Looks at an entry's file again (call inside the path's lock): gone → missing; present
   * and not ready, or `reread` → the header is read again, and the old hash dropped since
   * it may describe other bytes (an Ollama blob keeps the digest it is named by).
   */
  async recheck(id: string, reread: boolean): Promise<void> {
    const model = this.deps.repo.get(id);
    if (!model || this.closed) return;
    const present = (await stat(model.path).catch(() => null))?.isFile() ?? false;
    if (!present) {
      if (model.status === 'missing') return;
      await this.deps.hashing.stop(id);
      this.deps.repo.setStatus(id, 'missing', `The file ${model.path} is gone. Put it back (Lathe notices in a watched folder, or add it again), or remove this entry.`);
    } else if (reread || model.status !== 'ready') {
      await this.deps.hashing.stop(id);
      try {
        const { facts } = await this.deps.inspect(model.path);
        if (this.closed) return;
        this.deps.repo.updateFacts(id, withAppName(facts, model.path, firstName(model.alias)), model.origin === 'ollama' ? ollamaBlobSha256(model.path) : null);
      } catch (error) {
        if (this.closed) return;
        this.deps.repo.setStatus(id, 'invalid', whyNotReadable(error));
      }
    } else return;
    this.deps.emitChanged(id);
  }

  watchFolder(folder: WatchedFolder): Promise<FolderWatcher | null> {
    const existing = this.watchers.get(folder.path);
    if (existing) return existing;
    const watcher = watchModelFolder(folder, {
      watch: this.deps.watch,
      writeSettleMs: this.deps.writeSettleMs,
      onChange: (change) => this.track(this.onFolderChange(folder, change)),
      onError: (error) => this.deps.logError?.(`watching ${folder.path}`, error),
    }).catch((error: unknown) => {
      this.deps.logError?.(`watching ${folder.path}`, error);
      return null;
    });
    this.watchers.set(folder.path, watcher);
    return watcher;
  }

  private async onFolderChange(folder: WatchedFolder, change: FolderChange): Promise<void> {
    if (this.closed) return;
    if (change.type === 'manifests') {
      await this.scanFolder(folder, false);
      return;
    }
    const existing = this.deps.repo.findByPath(change.path);
    if (existing) {
      await this.locks.run(change.path, () => this.recheck(existing.id, change.change !== 'removed'));
    } else if (change.change !== 'removed') {
      // An Ollama blob is a model only if a manifest names it (and gets its name from there).
      if (folder.origin === 'ollama') await this.scanFolder(folder, false);
      else await this.admit({ path: change.path, names: [], sha256: null }, { origin: folder.origin, byHand: false, reportDuplicate: false });
    }
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => this.deps.logError?.('model library', error));
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }
}

export function mergeResults(into: AddModelsResult, from: AddModelsResult): void {
  into.added.push(...from.added);
  into.skipped.push(...from.skipped);
}

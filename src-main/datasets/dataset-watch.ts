/**
 * Watches each imported dataset file (chokidar, one watcher per file) and reports what the
 * library acts on: the file changed, went away, or came back. chokidar's `atomic` handling
 * turns an editor's save-by-rename into one `change`; a file deleted and written again
 * later is reported as gone, then back.
 */
import type { FolderWatcher, WatchFolder } from '../models/folder-watch';

export type DatasetFileChange = 'changed' | 'removed' | 'returned';

export interface DatasetWatchDeps {
  watch: WatchFolder;
  onChange: (id: string, change: DatasetFileChange) => void;
  onError: (path: string, error: unknown) => void;
}

export class DatasetWatch {
  private readonly watchers = new Map<string, { path: string; watcher: Promise<FolderWatcher | null> }>();

  constructor(private readonly deps: DatasetWatchDeps) {}

  /** Starts watching the file of dataset `id` (again, if its path changed); resolves once the watcher is ready. */
  async follow(id: string, path: string): Promise<void> {
    const existing = this.watchers.get(id);
    if (existing?.path === path) {
      await existing.watcher;
      return;
    }
    if (existing) await this.stop(id);
    const watcher = this.open(id, path);
    this.watchers.set(id, { path, watcher });
    await watcher;
  }

  async stop(id: string): Promise<void> {
    const entry = this.watchers.get(id);
    if (!entry) return;
    this.watchers.delete(id);
    await (await entry.watcher)?.close();
  }

  async close(): Promise<void> {
    const ids = [...this.watchers.keys()];
    await Promise.all(ids.map((id) => this.stop(id)));
  }

  private async open(id: string, path: string): Promise<FolderWatcher | null> {
    try {
      const watcher = this.deps.watch(path, { ignoreInitial: true, ignorePermissionErrors: true, atomic: true });
      const ready = new Promise<void>((resolve) => watcher.on('ready', resolve));
      watcher.on('error', (error) => this.deps.onError(path, error));
      watcher.on('all', (eventName) => {
        const change = eventName === 'change' ? 'changed' : eventName === 'unlink' ? 'removed' : eventName === 'add' ? 'returned' : null;
        // A late event from a watcher that was replaced or stopped is not news.
        if (change && this.watchers.get(id)?.path === path) this.deps.onChange(id, change);
      });
      await ready;
      return watcher;
    } catch (error) {
      this.deps.onError(path, error);
      return null;
    }
  }
}

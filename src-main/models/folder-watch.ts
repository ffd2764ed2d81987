/**
 * Watches one model folder and reports what the library cares about: a model file that
 * appeared, changed or went away, or (in an Ollama store) that its manifests changed.
 * Files are reported only once their size has held still for a while (chokidar's
 * awaitWriteFinish): a multi-GB GGUF being copied in must not be read half-written.
 */
import { watch as chokidarWatch, type ChokidarOptions } from 'chokidar';
import { relative, sep } from 'node:path';
import { isGgufFileName, isHiddenName, MODEL_FOLDER_DEPTH } from './model-folder-scan';
import type { WatchedFolder } from './model-repository';

/** The part of chokidar's FSWatcher the library uses, so tests or another watcher can stand in. */
export interface FolderWatcher {
  on(event: 'all', listener: (eventName: string, path: string) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  close(): Promise<void>;
}

export type WatchFolder = (path: string, options: ChokidarOptions) => FolderWatcher;

export const watchWithChokidar: WatchFolder = (path, options) => chokidarWatch(path, options);

export type FolderChange =
  | { type: 'file'; change: 'added' | 'changed' | 'removed'; path: string }
  /** Something under an Ollama store's `manifests/` changed: read them again. */
  | { type: 'manifests' };

export interface WatchModelFolderOptions {
  watch: WatchFolder;
  /** How long a new file's size must hold still before it is reported. */
  writeSettleMs: number;
  onChange: (change: FolderChange) => void;
  onError: (error: unknown) => void;
}

/** Starts watching and resolves once the watcher has taken in the existing tree. */
export async function watchModelFolder(folder: WatchedFolder, options: WatchModelFolderOptions): Promise<FolderWatcher> {
  const watcher = options.watch(folder.path, {
    // The library scans the folder itself; the watcher only reports what happens after.
    ignoreInitial: true,
    depth: MODEL_FOLDER_DEPTH,
    ignorePermissionErrors: true,
    awaitWriteFinish: { stabilityThreshold: options.writeSettleMs, pollInterval: Math.min(250, Math.max(20, options.writeSettleMs / 4)) },
    ignored: (path, stats) => isIgnored(folder, path, stats?.isFile() ?? false),
  });
  const ready = new Promise<void>((resolve) => watcher.on('ready', resolve));
  watcher.on('error', options.onError);
  watcher.on('all', (eventName, path) => {
    const change = folderChange(folder, eventName, path);
    if (change) options.onChange(change);
  });
  await ready;
  return watcher;
}

/** Turns a chokidar event into the change the library acts on, or null for one it does not. */
export function folderChange(folder: WatchedFolder, eventName: string, path: string): FolderChange | null {
  const fileChange = eventName === 'add' ? 'added' : eventName === 'change' ? 'changed' : eventName === 'unlink' ? 'removed' : null;
  if (folder.origin === 'ollama') {
    const [top] = relative(folder.path, path).split(sep);
    if (top === 'manifests' && (fileChange || eventName === 'unlinkDir')) return { type: 'manifests' };
    if (top === 'blobs' && fileChange) return { type: 'file', change: fileChange, path };
    return null;
  }
  if (fileChange && isGgufFileName(path)) return { type: 'file', change: fileChange, path };
  return null;
}

function isIgnored(folder: WatchedFolder, path: string, isFile: boolean): boolean {
  const parts = relative(folder.path, path).split(sep).filter((p) => p !== '');
  if (parts.some(isHiddenName)) return true;
  // Other files are skipped only once chokidar knows they are files: a folder must still be entered.
  return isFile && folder.origin !== 'ollama' && !isGgufFileName(path);
}

/**
 * Finds the model files in a folder the library watches: every `.gguf` below it for a
 * plain folder or LM Studio's, the manifest-named blobs for an Ollama store. Scanning only
 * lists candidates; the library reads each one's header before it is added.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { WatchedFolderOrigin } from './model-repository';
import { readOllamaManifests } from './ollama-manifests';

/**
 * How many folders down a scan (and the watcher) looks. LM Studio needs 2
 * (publisher/repo/file), an Ollama store 4 (manifests/registry/namespace/model/tag); the
 * margin covers hand-made trees without walking a whole disk when someone adds `~`.
 */
export const MODEL_FOLDER_DEPTH = 6;

export interface FoundModelFile {
  path: string;
  /** Another app's names for it, the preferred first (Ollama's manifests); empty otherwise. */
  names: string[];
  /** Known without reading the file (an Ollama blob is named by its digest). */
  sha256: string | null;
}

export interface FolderScan {
  files: FoundModelFile[];
  /** Things that were passed over and why (an unreadable subfolder, a broken manifest). */
  notes: { path: string; reason: string }[];
}

export function isGgufFileName(path: string): boolean {
  return basename(path).toLowerCase().endsWith('.gguf');
}

/** Hidden entries (`.git`, a downloader's `.cache`, `._x.gguf` from macOS) are partial or duplicate files, never models to list. */
export function isHiddenName(name: string): boolean {
  return name.startsWith('.');
}

export async function scanModelFolder(root: string, origin: WatchedFolderOrigin): Promise<FolderScan> {
  if (origin === 'ollama') {
    const { models, notes } = await readOllamaManifests(root);
    return { files: models.map((m) => ({ path: m.blobPath, names: m.names, sha256: m.sha256 })), notes };
  }
  const scan: FolderScan = { files: [], notes: [] };
  await walk(root, 0, scan);
  scan.files.sort((a, b) => a.path.localeCompare(b.path));
  return scan;
}

async function walk(dir: string, depth: number, scan: FolderScan): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    scan.notes.push({ path: dir, reason: `Lathe cannot read this folder (${describe(error)}).` });
    return;
  }
  for (const entry of entries) {
    if (isHiddenName(entry.name)) continue;
    const path = join(dir, entry.name);
    // A link is followed to see what it points at; the depth limit keeps a loop finite.
    const kind = entry.isSymbolicLink() ? await linkTarget(path) : entry.isDirectory() ? 'dir' : entry.isFile() ? 'file' : 'other';
    if (kind === 'dir' && depth < MODEL_FOLDER_DEPTH) await walk(path, depth + 1, scan);
    if (kind === 'file' && isGgufFileName(entry.name)) scan.files.push({ path, names: [], sha256: null });
  }
}

async function linkTarget(path: string): Promise<'dir' | 'file' | 'other'> {
  const info = await stat(path).catch(() => null);
  return info?.isDirectory() ? 'dir' : info?.isFile() ? 'file' : 'other';
}

function describe(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

/**
 * Where a finished upload is kept: `<dataDir>/models/<name>`, with the name the browser
 * sent made safe (no folders, no `..`, nothing Windows refuses) and never over a file that
 * is already there.
 */
import { link, rename, stat, unlink } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { cleanFileName, MAX_FILE_STEM_LENGTH } from '../files/safe-file-name';

export function safeModelFileName(sent: string): string {
  const name = cleanFileName(sent, 'model');
  const hasExtension = extname(name).toLowerCase() === '.gguf';
  const stem = hasExtension ? name.slice(0, -'.gguf'.length) : name;
  return `${stem.slice(0, MAX_FILE_STEM_LENGTH)}${hasExtension ? extname(name) : '.gguf'}`;
}

/** `name.gguf`, else `name (2).gguf`, `name (3).gguf`… */
export function numberedName(name: string, n: number): string {
  if (n <= 1) return name;
  const ext = extname(name);
  return `${name.slice(0, name.length - ext.length)} (${n})${ext}`;
}

/**
 * Moves `from` into `dir` under the first free numbered form of `name`. A hard link fails
 * when the name is taken, so a file that appears meanwhile is never overwritten; where links
 * are not possible (FAT, exFAT) it falls back to checking, then renaming.
 */
export async function moveToFreeName(from: string, dir: string, name: string): Promise<string> {
  for (let n = 1; n < 10_000; n++) {
    const to = join(dir, numberedName(name, n));
    try {
      await link(from, to);
      await unlink(from);
      return to;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (await stat(to).then(() => true, () => false)) continue;
      await rename(from, to);
      return to;
    }
  }
  throw new Error(`No free name for ${name} in ${dir}`);
}

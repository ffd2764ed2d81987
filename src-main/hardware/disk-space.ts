/**
 * Free and total space of the filesystem that holds (or will hold) a folder.
 */
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import type { HardwareReport } from '../contract/system-types';

/**
 * Measured on the folder itself or, before it exists (first start), on its nearest existing
 * parent: that is the filesystem it will be created on. `freeBytes` is what an ordinary user
 * may write (`bavail`), not the blocks reserved for root. Null when nothing on the way up to
 * the root can be measured.
 */
export async function diskSpaceFor(folder: string): Promise<HardwareReport['disk']> {
  let candidate = path.resolve(folder);
  for (;;) {
    try {
      const stats = await statfs(candidate);
      return { path: folder, freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
    } catch {
      const parent = path.dirname(candidate);
      if (parent === candidate) return null;
      candidate = parent;
    }
  }
}

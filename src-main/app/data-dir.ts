/**
 * Where Lathe keeps its catalog, prepared data, runs and the models it owns. The choice is a
 * pure function of the environment so tests can ask it for any platform; creating and
 * checking the folder is separate.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, win32, posix } from 'node:path';
import { LatheError } from '../contract';

export interface DataDirInputs {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  home: string;
}

/** LATHE_DATA_DIR wins; otherwise the platform's usual place for per-user application data. */
export function chooseDataDir({ env, platform, home }: DataDirInputs): string {
  if (env.LATHE_DATA_DIR) return env.LATHE_DATA_DIR;
  if (platform === 'win32') {
    return win32.join(env.APPDATA ?? win32.join(home, 'AppData', 'Roaming'), 'Lathe');
  }
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', 'Lathe');
  return posix.join(env.XDG_DATA_HOME || posix.join(home, '.local', 'share'), 'lathe');
}

/**
 * Creates the folder if needed and proves it is writable by writing and removing a probe
 * file: permissions alone do not tell (read-only mounts, a file in the way, quotas).
 */
export async function ensureWritableDataDir(dir: string): Promise<void> {
  const probe = join(dir, `.write-probe-${process.pid}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, 'ok');
    await rm(probe, { force: true });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new LatheError(
      'unwritable',
      `Lathe cannot write to its data folder ${dir} (${reason}). Choose a writable folder with LATHE_DATA_DIR, or fix the folder's permissions.`,
      String(error),
    );
  }
}

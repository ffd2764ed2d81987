/**
 * Where Lathe keeps its Python environment in the data folder, and the switch from an old
 * environment to a new one. A set-up builds in `python/building-<id>/` and only a build that
 * passed its health check becomes `python/venv/` (the folder discovery looks in). The switch
 * is two renames — the old environment aside, the new one in — because no platform can
 * rename over a non-empty folder; a crash between them is undone by `recoverEnvironment`.
 * A venv survives the rename: its interpreter finds `pyvenv.cfg` next to itself, and Lathe
 * always runs `python -m …`, never the venv's scripts (whose first line holds the old path).
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { RuntimeEnvironment } from '../contract';
import { venvDir, venvPython } from '../python/python-candidates';

const MANIFEST = 'lathe-environment.json';
const BUILDING = 'building-';
const REPLACED = 'venv.replaced-';

export function pythonFolder(dataDir: string): string {
  return join(dataDir, 'python');
}

export function buildFolder(dataDir: string, setupId: string): string {
  return join(pythonFolder(dataDir), `${BUILDING}${setupId}`);
}

const manifestSchema = z.object({
  python: z.string(),
  build: z.string(),
  device: z.enum(['cuda', 'rocm', 'mps', 'cpu']),
  source: z.string(),
  createdAt: z.number(),
});
export type EnvironmentManifest = z.infer<typeof manifestSchema>;

export async function writeManifest(envDir: string, manifest: EnvironmentManifest): Promise<void> {
  await writeFile(join(envDir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Lathe's environment as recorded at set-up; a venv without a readable record still counts (made by hand). */
export async function readEnvironment(dataDir: string, platform: NodeJS.Platform): Promise<RuntimeEnvironment | null> {
  const dir = venvDir(dataDir, platform);
  const python = venvPython(dir, platform);
  if (!existsSync(python)) return null;
  try {
    const manifest = manifestSchema.parse(JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')));
    return { path: dir, python, build: manifest.build, device: manifest.device, source: manifest.source, createdAt: manifest.createdAt };
  } catch {
    return { path: dir, python, build: 'unknown', device: 'cpu', source: 'unknown', createdAt: 0 };
  }
}

/** Makes the finished build the active environment; the previous one is removed once the new one is in place. */
export async function switchEnvironment(dataDir: string, platform: NodeJS.Platform, built: string, setupId: string): Promise<void> {
  const active = venvDir(dataDir, platform);
  const aside = join(pythonFolder(dataDir), `${REPLACED}${setupId}`);
  const hadOne = existsSync(active);
  if (hadOne) await rename(active, aside);
  try {
    await rename(built, active);
  } catch (error) {
    if (hadOne) await rename(aside, active);
    throw error;
  }
  if (hadOne) await removeFolder(aside);
}

/**
 * Tidies after a crash: a switch cut between its renames gets the old environment back, and
 * half-built folders are removed. Run at start, before anything uses the environment.
 */
export async function recoverEnvironment(dataDir: string, platform: NodeJS.Platform, now = Date.now()): Promise<void> {
  const folder = pythonFolder(dataDir);
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return;
  }
  const active = venvDir(dataDir, platform);
  for (const name of names.filter((entry) => entry.startsWith(REPLACED))) {
    if (!existsSync(active)) await rename(join(folder, name), active);
    else await removeFolder(join(folder, name));
  }
  // Another Lathe process (the window while `lathe` runs in a terminal) may be building right
  // now, so only builds untouched for hours are taken as a crash's leftovers.
  for (const name of names.filter((entry) => entry.startsWith(BUILDING))) {
    const built = join(folder, name);
    const stats = await stat(built).catch(() => null);
    if (stats && now - stats.mtimeMs > STALE_BUILD_MS) await removeFolder(built);
  }
}

const STALE_BUILD_MS = 6 * 60 * 60 * 1000;

export async function removeFolder(dir: string): Promise<void> {
  // Windows keeps a folder busy for a moment after the process in it exits.
  await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}

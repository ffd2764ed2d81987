/**
 * Vitest global set-up: some tests run the built app (the `lathe` CLI, the inference worker),
 * so build it first when any source is newer than the build. `npm test` builds before the
 * suite anyway; this keeps a lone `npx vitest run` honest too.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = ['src-main', 'src-preload', 'src-renderer', 'package.json', 'electron.vite.config.ts'];
const BUILT = ['out/main/cli.js', 'out/main/inference-worker.js', 'out/main/dataset-prepare-worker.js', 'out/renderer/index.html'];

function newestMtime(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), info.mtimeMs);
}

export default function buildIfStale(): void {
  const built = BUILT.every((file) => existsSync(file)) ? Math.min(...BUILT.map((file) => statSync(file).mtimeMs)) : 0;
  const sources = Math.max(...SOURCES.map(newestMtime));
  if (built >= sources) return;
  const result = spawnSync('npx', ['electron-vite', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error('electron-vite build failed before the tests; run `npm run build` to see why.');
}

#!/usr/bin/env node
// Entry of the `lathe` command: runs the built CLI bundle, building the app first when it
// has not been built yet (a fresh clone), so `npx lathe …` works right after `npm install`.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'out', 'main', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write('lathe: building the app first (npm run build)…\n');
  const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 2, 2], shell: process.platform === 'win32' });
  if (built.status !== 0) {
    process.stderr.write('lathe: the build failed; see the output above.\n');
    process.exit(1);
  }
}
await import(pathToFileURL(cli).href);

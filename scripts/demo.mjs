// `npm run demo [-- --steps N]`: the headless main job. Installs what is missing, builds when a
// source is newer than the build, then runs `lathe demo`: a demo model, the bundled sample
// dataset, a LoRA fine-tune, and the base and fine-tuned answers side by side. Training needs
// Python with torch (see the README).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNodeModules, ensureSqliteForNode } from './lib/setup.mjs';
import { fail, root, run, say } from './lib/run.mjs';

const SOURCES = ['src-main', 'src-preload', 'src-renderer', 'package.json', 'electron.vite.config.ts'];
const BUILT = ['out/main/cli.js', 'out/main/inference-worker.js', 'out/main/dataset-prepare-worker.js'];

function newestMtime(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), info.mtimeMs);
}

/** The demo is timed: a build that is already current (tens of seconds on two cores) is skipped. */
function buildIsCurrent() {
  const built = BUILT.map((file) => join(root, file));
  if (!built.every((file) => existsSync(file))) return false;
  return Math.min(...built.map((file) => statSync(file).mtimeMs)) >= Math.max(...SOURCES.map((source) => newestMtime(join(root, source))));
}

ensureNodeModules({ gpuBuilds: true });
ensureSqliteForNode();
if (!buildIsCurrent()) {
  say('Building');
  if (run('npx', ['electron-vite', 'build']) !== 0) fail('The build failed (see above).');
}
process.exit(run(process.execPath, ['bin/lathe.js', 'demo', ...process.argv.slice(2)]));

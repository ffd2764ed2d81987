// `npm test`: sets the machine up, then runs typecheck, lint, the build, the main-process
// suite (vitest), the Python runtime suite (pytest) and the end-to-end suite (Playwright in
// Debian's Chromium). Every step runs; the command fails if any step failed.
import { ensureNodeModules, ensureSqliteForNode, ensureTestSystemPackages } from './lib/setup.mjs';
import { run, say } from './lib/run.mjs';

ensureNodeModules({ gpuBuilds: false });
ensureSqliteForNode();
ensureTestSystemPackages();

const steps = [
  ['typecheck', 'npm', ['run', '--silent', 'typecheck']],
  ['lint', 'npx', ['eslint', '.']],
  ['build', 'npx', ['electron-vite', 'build']],
  ['main-process tests (vitest)', 'npx', ['vitest', 'run']],
  ['python runtime tests (pytest)', process.execPath, ['scripts/pytest.mjs']],
  ['end-to-end tests (Playwright, Chromium)', 'npx', ['playwright', 'test']],
];

const failed = [];
for (const [name, command, args] of steps) {
  say(name);
  const started = Date.now();
  const status = run(command, args);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (status !== 0) failed.push(name);
  process.stdout.write(`${status === 0 ? '✓' : '✗'} ${name} (${seconds} s)\n`);
}

if (failed.length > 0) {
  process.stderr.write(`\nFailed: ${failed.join(', ')}\n`);
  process.exit(1);
}
process.stdout.write('\nAll checks passed.\n');

// Runs the Python runtime's tests (tests/python-runtime) with an interpreter that has torch.
// Usage: node scripts/pytest.mjs [extra pytest arguments]
//
// The first `python3` on PATH may not be the one with torch (a pyenv shim in front of
// Debian's /usr/bin/python3, say; DESIGN §4), so each candidate is asked to import torch
// and pytest, in the order LATHE_PYTHON, python3 on PATH, /usr/bin/python3.
import { spawnSync } from 'node:child_process';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = dirname(dirname(fileURLToPath(import.meta.url)));
const runtimeDir = join(repoRoot, 'python-runtime');
const windows = process.platform === 'win32';

const candidates = [
  process.env.LATHE_PYTHON,
  windows ? 'python' : 'python3',
  windows ? undefined : '/usr/bin/python3',
].filter((candidate) => candidate !== undefined && candidate !== '');

function canRunTests(python) {
  const probe = spawnSync(python, ['-c', 'import torch, pytest'], { stdio: 'ignore', timeout: 120_000 });
  return probe.status === 0;
}

const python = candidates.find(canRunTests);
if (python === undefined) {
  if (process.env.LATHE_PYTHON) {
    console.error(`LATHE_PYTHON is set to ${process.env.LATHE_PYTHON}, but it cannot import torch and pytest.`);
  }
  console.error(`No Python that can import torch and pytest was found (tried: ${candidates.join(', ')}).`);
  console.error(
    windows || process.platform === 'darwin'
      ? 'Install Python 3.9+ from python.org, then: python -m pip install torch numpy pytest'
      : 'On Debian/Ubuntu: sudo apt-get install -y --no-install-recommends python3-torch python3-numpy python3-pytest libopenblas0-openmp',
  );
  process.exit(1);
}

console.error(`pytest with ${python}`);
const pythonPath = [runtimeDir, process.env.PYTHONPATH].filter(Boolean).join(delimiter);
const result = spawnSync(python, ['-m', 'pytest', 'tests/python-runtime', '-q', '-p', 'no:cacheprovider', ...process.argv.slice(2)], {
  cwd: repoRoot,
  stdio: 'inherit',
  env: { ...process.env, PYTHONPATH: pythonPath },
});
if (result.error) {
  console.error(`Could not start ${python}: ${result.error.message}`);
  process.exit(1);
}
// A run killed by a signal has no status; count it as a failure.
process.exit(result.status ?? 1);

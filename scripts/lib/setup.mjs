// Brings a fresh clone to a working state: npm packages (with the Electron binary download
// skipped where it cannot succeed), better-sqlite3 built for this Node, and — for tests —
// the Debian packages the suites use (torch for the Python runtime, Chromium for E2E).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail, root, run, say, succeeds } from './run.mjs';
import { markSqliteForNode } from '../../native/sqlite-abi.mjs';

const LOCK = join(root, 'package-lock.json');
const MARK = join(root, 'node_modules', '.lathe-installed');

function lockHash() {
  return existsSync(LOCK) ? createHash('sha256').update(readFileSync(LOCK)).digest('hex') : 'no-lock';
}

export function ensureNodeModules() {
  const wanted = lockHash();
  if (existsSync(MARK) && readFileSync(MARK, 'utf8') === wanted) return;
  say('Installing npm packages');
  // The Electron binary comes from outside the npm registry; its download is tried
  // separately by `npm start`, so a machine without that access can still build and test.
  const status = run('npm', [existsSync(LOCK) ? 'ci' : 'install', '--no-audit', '--no-fund'], {
    env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
  });
  if (status !== 0) fail('npm could not install the packages (see above).');
  writeFileSync(MARK, lockHash());
}

/** better-sqlite3 is native: it must be built for the Node (or Electron) that loads it. */
export function ensureSqliteForNode() {
  const loads = () => succeeds(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"]);
  if (loads()) return;
  say('Building better-sqlite3 for this Node');
  if (run('npm', ['rebuild', 'better-sqlite3']) !== 0 || !loads()) {
    fail('better-sqlite3 did not build. On Debian/Ubuntu it needs: sudo apt-get install -y python3 make g++');
  }
  markSqliteForNode();
}

const PYTHON_PACKAGES = ['python3-torch', 'python3-numpy', 'python3-pytest', 'libopenblas0-openmp'];

function pythonReady() {
  const check = 'import torch, numpy, pytest';
  const candidates = [process.env.LATHE_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean);
  return candidates.some((python) => succeeds(python, ['-c', check]));
}

/** Debian's OpenMP OpenBLAS: without it torch falls back to reference BLAS (~30× slower). */
function openblasReady() {
  return process.platform !== 'linux' || !existsSync('/usr/bin/dpkg') || succeeds('dpkg', ['-s', 'libopenblas0-openmp']);
}

export function ensureTestSystemPackages() {
  const missing = [];
  if (!pythonReady() || !openblasReady()) missing.push(...PYTHON_PACKAGES);
  if (!existsSync('/usr/bin/chromium')) missing.push('chromium');
  if (missing.length === 0) return;
  const line = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (!existsSync('/usr/bin/apt-get')) fail(`The tests need: ${missing.join(', ')}. Install them with your package manager.`);
  const asRoot = process.getuid?.() === 0;
  if (!asRoot && !succeeds('sudo', ['-n', 'true'])) fail(`The tests need Debian packages. Run:\n  sudo apt-get update && sudo ${line}`);
  say(`Installing Debian packages: ${missing.join(' ')}`);
  const sudo = asRoot ? [] : ['sudo', '-n'];
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  const [cmd, ...pre] = [...sudo, 'apt-get'];
  if (run(cmd, [...pre, 'update', '-qq'], { env }) !== 0) fail('apt-get update failed (see above).');
  if (run(cmd, [...pre, ...line.split(' ').slice(1)], { env }) !== 0) fail(`${line} failed (see above).`);
}

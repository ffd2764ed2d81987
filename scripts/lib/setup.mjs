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

/**
 * `gpuBuilds: false` (tests, CI) leaves out node-llama-cpp's optional GPU binaries (~640 MB of
 * CUDA and Vulkan builds) and adds only the CPU build for this platform; the app's own
 * commands install everything, so a GPU machine gets its GPU builds.
 */
export function ensureNodeModules({ gpuBuilds }) {
  const wanted = `${lockHash()} ${gpuBuilds ? 'full' : 'cpu'}`;
  const have = existsSync(MARK) ? readFileSync(MARK, 'utf8') : '';
  if (have === wanted || have === `${lockHash()} full`) return;
  say(gpuBuilds ? 'Installing npm packages' : 'Installing npm packages (CPU builds only)');
  // The Electron binary comes from outside the npm registry; its download is tried
  // separately by `npm start`, so a machine without that access can still build and test.
  // node-llama-cpp's binaries come from its prebuilt packages, never from a source download.
  const env = { ELECTRON_SKIP_BINARY_DOWNLOAD: '1', NODE_LLAMA_CPP_SKIP_DOWNLOAD: 'true' };
  const omit = gpuBuilds ? [] : ['--omit=optional'];
  // `npm install --no-save` rather than `npm ci`: the lock file cannot list node-llama-cpp's
  // builds for platforms a registry mirror does not carry, and `npm ci` refuses such a lock;
  // install follows the lock for everything it lists and writes nothing back.
  if (run('npm', ['install', '--no-save', '--no-audit', '--no-fund', ...omit], { env }) !== 0) {
    fail('npm could not install the packages (see above).');
  }
  if (!gpuBuilds) {
    const natives = platformNativePackages();
    if (natives.length > 0 && run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--omit=optional', ...natives], { env }) !== 0) {
      fail(`npm could not install ${natives.join(' ')} (see above).`);
    }
  }
  writeFileSync(MARK, wanted);
}

/**
 * `--omit=optional` also drops the native bindings other tools need (rolldown for Vite,
 * lightningcss): this lists every optional package in the lock file built for this platform,
 * except node-llama-cpp's GPU builds, so they can be put back at their locked versions.
 */
function platformNativePackages() {
  const lock = JSON.parse(readFileSync(LOCK, 'utf8'));
  const libc = process.platform !== 'linux' ? null : process.report.getReport().header.glibcVersionRuntime ? 'glibc' : 'musl';
  const fits = (list, value) => !list || list.includes(value);
  const packages = [];
  for (const [key, info] of Object.entries(lock.packages ?? {})) {
    const name = key.replace(/^node_modules\//, '');
    if (!info.optional || name.includes('node_modules/') || (!info.os && !info.cpu)) continue;
    if (!fits(info.os, process.platform) || (info.cpu && info.cpu[0] !== process.arch) || (libc && !fits(info.libc, libc))) continue;
    if (name.startsWith('@node-llama-cpp/') && /cuda|vulkan/.test(name)) continue;
    packages.push(`${name}@${info.version}`);
  }
  return packages;
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

// python3-venv and python3-pip: the runtime set-up tests (tests/main/runtime-env) build real venvs with pip.
const PYTHON_PACKAGES = ['python3-torch', 'python3-numpy', 'python3-pytest', 'libopenblas0-openmp', 'python3-venv', 'python3-pip'];

function pythonReady() {
  const check = 'import torch, numpy, pytest';
  const candidates = [process.env.LATHE_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean);
  return candidates.some((python) => succeeds(python, ['-c', check]));
}

/** Debian splits venv's ensurepip and pip out of python3; without them `python3 -m venv` fails. */
function venvReady() {
  return process.platform !== 'linux' || !existsSync('/usr/bin/python3') || succeeds('/usr/bin/python3', ['-c', 'import ensurepip, venv, pip']);
}

/** Debian's OpenMP OpenBLAS: without it torch falls back to reference BLAS (~30× slower). */
function openblasReady() {
  return process.platform !== 'linux' || !existsSync('/usr/bin/dpkg') || succeeds('dpkg', ['-s', 'libopenblas0-openmp']);
}

export function ensureTestSystemPackages() {
  const missing = [];
  if (!pythonReady() || !openblasReady() || !venvReady()) missing.push(...PYTHON_PACKAGES);
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

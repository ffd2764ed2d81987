/**
 * Discovery against real interpreters: Debian's /usr/bin/python3 with torch (present here and
 * in CI, DESIGN §4), the real lathe_runtime, and small fakes only for the shapes a real
 * Python cannot take on demand (printing nonsense).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess, type RunProcess } from '../../../src-main/process/run-process';
import { PythonDiscovery } from '../../../src-main/python/python-discovery';

const runtimeDir = fileURLToPath(new URL('../../../python-runtime', import.meta.url));
const systemPython = '/usr/bin/python3';
const tempDirs: string[] = [];
let systemTorchVersion: string;

beforeAll(() => {
  systemTorchVersion = execFileSync(systemPython, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).trim();
});

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lathe-python-'));
  tempDirs.push(dir);
  return dir;
}

function discovery(env: NodeJS.ProcessEnv, options: { run?: RunProcess; dataDir?: string } = {}): PythonDiscovery {
  return new PythonDiscovery({
    runProcess: options.run ?? runProcess,
    env,
    platform: 'linux',
    dataDir: options.dataDir ?? tempDir(),
    runtimeDir,
  });
}

/** A folder holding one executable `python3`: a link to a real interpreter or a shell script. */
function binWithPython3(make: (target: string) => void): string {
  const bin = join(tempDir(), 'bin');
  mkdirSync(bin);
  make(join(bin, 'python3'));
  return bin;
}

/** Hides Debian's interpreter, so a test can see what happens on a machine without it. */
const withoutSystemPython: RunProcess = (command, args, options) =>
  command === systemPython
    ? Promise.resolve({ code: null, stdout: '', stderr: '', failure: 'not_found', detail: `spawn ${command} ENOENT` })
    : runProcess(command, args, options);

describe('PythonDiscovery with real interpreters', () => {
  it("finds a Python with torch in this machine's own environment", async () => {
    const report = await discovery(process.env).report();
    expect(report.state).toBe('ready');
    expect(report.torchVersion).toBe(systemTorchVersion);
    expect(report.torchThreads).toBeGreaterThanOrEqual(1);
    expect(report.python).toMatch(/^\//);
    expect(report.advice).toBeNull();
    expect(report.candidates.at(-1)).toMatchObject({ torchVersion: systemTorchVersion, problem: null });
  });

  it('tries LATHE_PYTHON first and stops there when it has torch', async () => {
    const report = await discovery({ ...process.env, LATHE_PYTHON: systemPython }).report();
    expect(report.state).toBe('ready');
    expect(report.python).toBe(systemPython);
    expect(report.candidates).toEqual([
      { path: systemPython, source: 'LATHE_PYTHON', pythonVersion: expect.stringMatching(/^3\.\d+\.\d+/), torchVersion: systemTorchVersion, problem: null },
    ]);
  });

  it('reports a LATHE_PYTHON that does not exist, and goes on to the next candidates', async () => {
    const report = await discovery({ ...process.env, LATHE_PYTHON: '/nonexistent/python' }).report();
    expect(report.candidates[0]).toEqual({
      path: '/nonexistent/python',
      source: 'LATHE_PYTHON',
      pythonVersion: null,
      torchVersion: null,
      problem: 'LATHE_PYTHON is set to /nonexistent/python, but it was not found',
    });
    expect(report.candidates.length).toBeGreaterThan(1);
    expect(report.state).toBe('ready');
    expect(report.torchVersion).toBe(systemTorchVersion);
  });

  it("prefers Lathe's own venv in the data folder", async () => {
    const dataDir = tempDir();
    const venv = join(dataDir, 'python', 'venv');
    // --system-site-packages: a real venv that sees Debian's torch, made without network.
    execFileSync(systemPython, ['-m', 'venv', '--without-pip', '--system-site-packages', venv]);
    const report = await discovery(process.env, { dataDir }).report();
    expect(report.state).toBe('ready');
    expect(report.python).toBe(join(venv, 'bin', 'python3'));
    expect(report.candidates.map((candidate) => candidate.source)).toEqual(['venv']);
  });

  it('says no_torch when every Python on hand fails to import torch', async () => {
    // A real interpreter whose torch is shadowed by a package that refuses to import: the
    // person's PYTHONPATH comes after the runtime's, before site-packages.
    const shadow = join(tempDir(), 'shadow');
    mkdirSync(join(shadow, 'torch'), { recursive: true });
    writeFileSync(join(shadow, 'torch', '__init__.py'), 'raise ImportError("torch is hidden by this test")\n');
    const bin = binWithPython3((python3) => symlinkSync(systemPython, python3));

    const report = await discovery({ PATH: bin, PYTHONPATH: shadow }).report();
    expect(report.state).toBe('no_torch');
    expect(report.python).toBeNull();
    expect(report.candidates).toEqual([
      {
        path: 'python3',
        source: 'PATH',
        pythonVersion: expect.stringMatching(/^3\./),
        torchVersion: null,
        problem: 'python3 on PATH cannot import torch: ImportError: torch is hidden by this test',
      },
      {
        path: systemPython,
        source: 'system',
        pythonVersion: expect.stringMatching(/^3\./),
        torchVersion: null,
        problem: `${systemPython} cannot import torch: ImportError: torch is hidden by this test`,
      },
    ]);
    expect(report.advice).toContain('python3-torch');
  });

  it('says no_python when the only python3 prints nonsense', async () => {
    const bin = binWithPython3((python3) => {
      writeFileSync(python3, '#!/bin/sh\necho "Python 3.99 (not really)"\n');
      chmodSync(python3, 0o755);
    });
    const report = await discovery({ PATH: bin }, { run: withoutSystemPython }).report();
    expect(report.state).toBe('no_python');
    expect(report.candidates.map((candidate) => candidate.problem)).toEqual([
      'python3 on PATH printed no runtime report: Python 3.99 (not really)',
      `${systemPython} was not found`,
    ]);
    expect(report.advice).toMatch(/^No Python 3 was found\./);
  });

  it('probes once for concurrent calls, caches the report, and probes again on refresh', async () => {
    let probes = 0;
    const counting: RunProcess = (command, args, options) => {
      probes += 1;
      return runProcess(command, args, options);
    };
    const python = discovery({ ...process.env, LATHE_PYTHON: systemPython }, { run: counting });

    const [first, second] = await Promise.all([python.report(), python.report()]);
    expect(probes).toBe(1);
    expect(second).toBe(first);
    expect(await python.report()).toBe(first);
    expect(probes).toBe(1);

    const refreshed = await python.report({ refresh: true });
    expect(probes).toBe(2);
    expect(refreshed).toEqual(first);
    expect(refreshed).not.toBe(first);
  });
});

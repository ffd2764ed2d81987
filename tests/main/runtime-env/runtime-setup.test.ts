/**
 * Set-up of the training environment for real and offline: real venvs made by Debian's
 * Python, real pip, a package index served on 127.0.0.1 by the test and folders of wheels
 * it builds, and Debian's torch doing the health check's matmul (through a stand-in "torch"
 * wheel that points at it). Every failure must leave the previous environment working.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HardwareReport, SetupProgress } from '../../../src-main/contract';
import { LatheError } from '../../../src-main/contract';
import { diskSpaceFor } from '../../../src-main/hardware/disk-space';
import { runProcess } from '../../../src-main/process/run-process';
import { PythonDiscovery } from '../../../src-main/python/python-discovery';
import { RuntimeEnvironmentService, type SetupRequest } from '../../../src-main/runtime-env/runtime-env-service';
import { streamProcess, type StreamProcess } from '../../../src-main/runtime-env/stream-process';
import { brokenWheel, numpyStandIn, serveIndex, SYSTEM_PYTHON, systemTorch, tinyTorch, wheelFolder } from './wheels';

const runtimeDir = fileURLToPath(new URL('../../../python-runtime', import.meta.url));
const temp = mkdtempSync(join(tmpdir(), 'lathe-runtime-env-'));
const dataDir = join(temp, 'data');
const venvPython = join(dataDir, 'python', 'venv', 'bin', 'python3');
// No pip.conf of this machine, no cache between cases, and an unreachable index fails at once.
// This machine's own PIP_* settings (a find-links folder, say) are left out too.
const ownEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('PIP_')));
const env: NodeJS.ProcessEnv = { ...ownEnv, PIP_CONFIG_FILE: '/dev/null', PIP_NO_CACHE_DIR: '1', PIP_RETRIES: '0', PIP_TIMEOUT: '5', LATHE_PYTHON: '' };

let goodWheels: string;
let goodIndexWheels: string;

async function hardware(): Promise<HardwareReport> {
  return {
    os: { platform: 'linux', arch: 'x64', distro: 'test', release: '1', hostname: 'test' },
    cpu: { model: 'cpu', physicalCores: 2, logicalCores: 2, speedGHz: null },
    memory: { totalBytes: 8 * 1024 ** 3, availableBytes: 4 * 1024 ** 3 },
    disk: await diskSpaceFor(dataDir),
    gpus: [],
    gpuNotes: [],
  };
}

function service(options: { stream?: StreamProcess; dataDir?: string } = {}): RuntimeEnvironmentService {
  const dir = options.dataDir ?? dataDir;
  const python = new PythonDiscovery({ runProcess, env, platform: 'linux', dataDir: dir, runtimeDir });
  return new RuntimeEnvironmentService({ dataDir: dir, runtimeDir, env, platform: 'linux', runProcess, streamProcess: options.stream, hardware, python });
}

async function setUp(runtime: RuntimeEnvironmentService, request: SetupRequest, onProgress?: (progress: SetupProgress) => void): Promise<{ final: SetupProgress; events: SetupProgress[] }> {
  const events: SetupProgress[] = [];
  const stop = runtime.subscribe((progress) => {
    events.push(progress);
    onProgress?.(progress);
  });
  try {
    const { done } = await runtime.startSetup({ python: SYSTEM_PYTHON, ...request });
    return { final: await done, events };
  } finally {
    stop();
  }
}

/** The active environment still imports torch and multiplies: the previous one is intact. */
async function expectWorkingEnvironment(marker: string): Promise<void> {
  const health = await service().health();
  expect(health.python).toBe(venvPython);
  expect(health.ok, JSON.stringify(health.problems)).toBe(true);
  expect(JSON.parse(readFileSync(join(dataDir, 'python', 'venv', 'lathe-environment.json'), 'utf8')).source).toContain(marker);
  expect(leftovers()).toEqual([]);
}

function leftovers(): string[] {
  return readdirSync(join(dataDir, 'python')).filter((name) => name !== 'venv' && name !== 'interpreter.json');
}

beforeAll(() => {
  goodWheels = wheelFolder(join(temp, 'wheels'), [systemTorch, numpyStandIn]);
  goodIndexWheels = wheelFolder(join(temp, 'index-wheels'), [{ ...systemTorch, version: '1.13.1' }, numpyStandIn]);
});

afterAll(() => {
  rmSync(temp, { recursive: true, force: true });
});

describe('runtime set-up, offline and for real', () => {
  it('installs from a folder of wheels with no network, checks health and switches', async () => {
    const runtime = service();
    const { final, events } = await setUp(runtime, { torch: 'cpu', wheelsDir: goodWheels });
    expect(final.outcome, final.logTail.join('\n')).toMatchObject({ ok: true });
    const health = final.outcome?.ok ? final.outcome.health : null;
    expect(health).toMatchObject({ ok: true, device: 'cpu', runtimeAnswers: true, python: venvPython });
    expect(health?.matmulMs).toBeGreaterThan(0);
    expect(events.map((event) => event.step)).toEqual(expect.arrayContaining(['checking', 'creating', 'installing', 'health', 'switching']));
    expect(final.logTail.some((line) => line.includes('--no-index') && line.includes('--find-links'))).toBe(true);
    expect(existsSync(venvPython)).toBe(true);
    expect((await runtime.status()).environment).toMatchObject({ build: 'cpu', device: 'cpu', source: `wheels ${goodWheels}` });
    // Discovery now trains with Lathe's own environment.
    const report = await new PythonDiscovery({ runProcess, env, platform: 'linux', dataDir, runtimeDir }).report();
    expect(report.python).toBe(venvPython);
    expect(leftovers()).toEqual([]);
  }, 300_000);

  it('installs from a local package index (pip --index-url) and replaces the environment', async () => {
    const index = await serveIndex(goodIndexWheels);
    try {
      const { final } = await setUp(service(), { torch: 'cpu', indexUrl: index.url });
      expect(final.outcome, final.logTail.join('\n')).toMatchObject({ ok: true });
      expect(index.downloads).toEqual(expect.arrayContaining(['torch-1.13.1-py3-none-any.whl']));
      expect(final.logTail.some((line) => /Successfully installed .*torch-1\.13\.1/.test(line))).toBe(true);
    } finally {
      await index.close();
    }
    await expectWorkingEnvironment('index http://127.0.0.1');
  }, 300_000);

  it('keeps the previous environment when the index is unreachable', async () => {
    const index = await serveIndex(goodIndexWheels);
    const deadUrl = index.url;
    await index.close();
    const { final } = await setUp(service(), { torch: 'cpu', indexUrl: deadUrl });
    expect(final.outcome).toMatchObject({ ok: false, kind: 'network' });
    expect(final.outcome?.ok === false && final.outcome.message).toMatch(/Could not reach the package index/);
    await expectWorkingEnvironment('index http://127.0.0.1');
  }, 300_000);

  it('keeps the previous environment when a wheel fails to install', async () => {
    const folder = join(temp, 'broken');
    brokenWheel(folder);
    const { final } = await setUp(service(), { torch: 'cpu', wheelsDir: folder });
    expect(final.outcome).toMatchObject({ ok: false, kind: 'install_failed' });
    await expectWorkingEnvironment('index http://127.0.0.1');
  }, 300_000);

  it('keeps the previous environment when the disk fills up (a real file-size limit on pip)', async () => {
    const folder = wheelFolder(join(temp, 'big'), [{ ...systemTorch, version: '1.13.2', bigBytes: 8 * 1024 * 1024 }, numpyStandIn]);
    // The kernel refuses pip any file over 2 MiB: the same failure as a full disk, for real.
    const limited: StreamProcess = (command, args, options) =>
      args.includes('pip') && args.includes('install') ? streamProcess('prlimit', [`--fsize=${2 * 1024 * 1024}`, '--', command, ...args], options) : streamProcess(command, args, options);
    const { final } = await setUp(service({ stream: limited }), { torch: 'cpu', wheelsDir: folder });
    expect(final.outcome, final.logTail.join('\n')).toMatchObject({ ok: false, kind: 'disk_full' });
    expect(final.outcome?.ok === false && final.outcome.message).toMatch(/disk filled up/);
    await expectWorkingEnvironment('index http://127.0.0.1');
  }, 300_000);

  it('keeps the previous environment when cancelled midway through a download', async () => {
    const runtime = service();
    let cancelled = false;
    const index = await serveIndex(goodIndexWheels, { stallDownloads: true, onDownload: () => setTimeout(() => (cancelled = runtime.cancelSetup()), 200) });
    try {
      const { final, events } = await setUp(runtime, { torch: 'cpu', indexUrl: index.url });
      expect(cancelled).toBe(true);
      expect(events.some((event) => event.step === 'installing')).toBe(true);
      expect(final.outcome).toMatchObject({ ok: false, kind: 'cancelled' });
    } finally {
      await index.close();
    }
    await expectWorkingEnvironment('index http://127.0.0.1');
  }, 300_000);

  it('refuses to switch to a "torch" that fails the health check, and says what is missing', async () => {
    const folder = wheelFolder(join(temp, 'tiny'), [tinyTorch]);
    const { final } = await setUp(service(), { torch: 'cpu', wheelsDir: folder });
    expect(final.outcome).toMatchObject({ ok: false, kind: 'health_failed' });
    const health = final.outcome?.ok === false ? final.outcome.health : null;
    expect(health?.torchVersion).toBe('0.0.1');
    expect(health?.problems.map((problem) => problem.kind)).toContain('matmul_failed');
    expect(health?.problems.find((problem) => problem.kind === 'matmul_failed')?.message).toMatch(/torch 0\.0\.1 imports, but a small matrix multiplication .* failed: AttributeError/);
    expect(health?.problems.find((problem) => problem.kind === 'matmul_failed')?.nextStep).toMatch(/npx lathe runtime setup/);
    await expectWorkingEnvironment('index http://127.0.0.1');
  }, 300_000);

  it('repairs a broken environment by setting up again in its place', async () => {
    // Break the active environment the way a half-finished upgrade would: torch's files gone.
    rmSync(join(dataDir, 'python', 'venv', 'lib', 'python3.11', 'site-packages', 'lathe_system_torch.pth'));
    const broken = await service().health();
    expect(broken.ok).toBe(false);
    const { final } = await setUp(service(), { torch: 'cpu', wheelsDir: goodWheels });
    expect(final.outcome).toMatchObject({ ok: true });
    await expectWorkingEnvironment('wheels');
  }, 300_000);
});

describe('runtime set-up refuses bad input before writing anything', () => {
  const refused = async (runtime: RuntimeEnvironmentService, request: SetupRequest, kind: string, message: RegExp): Promise<void> => {
    const before = existsSync(join(dataDir, 'python')) ? leftovers() : [];
    const error = await runtime.startSetup({ python: SYSTEM_PYTHON, ...request }).then(() => null, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(LatheError);
    expect((error as LatheError).kind).toBe(kind);
    expect((error as LatheError).message).toMatch(message);
    if (existsSync(join(dataDir, 'python'))) expect(leftovers()).toEqual(before);
    expect((await runtime.status()).setup).toBeNull();
  };

  it('a missing base Python', async () => {
    await refused(service(), { python: join(temp, 'no-such-python') }, 'not_found', /No Python 3 to create the environment with: tried .*no-such-python \(not found\)/);
  });

  it('a Python too old for torch', async () => {
    // A real interpreter reporting an old version: Python itself, told to lie about sys.version.
    const old = join(temp, 'old-python');
    writeFileSync(old, `#!/bin/sh\nexec ${SYSTEM_PYTHON} -c 'import sys; sys.version = "3.7.3 (fake)"; exec(sys.argv[2])' "$@"\n`);
    chmodSync(old, 0o755);
    await refused(service(), { python: old }, 'unsupported', /Python 3\.7\.3, too old for torch/);
  });

  it('a wheel folder without torch', async () => {
    const folder = wheelFolder(join(temp, 'numpy-only'), [numpyStandIn]);
    await refused(service(), { wheelsDir: folder }, 'invalid_input', /has no torch wheel/);
  });

  it('a plan the machine cannot run: CUDA without an NVIDIA GPU', async () => {
    await refused(service(), { torch: 'cu128', wheelsDir: goodWheels }, 'invalid_input', /cu128 build needs an NVIDIA GPU, and this machine has no GPU/);
  });

  it('a data folder that cannot be written', async () => {
    // A file where the python/ folder should be: mkdir fails as on a read-only folder (root ignores chmod).
    const blocked = join(temp, 'blocked');
    mkdirSync(blocked, { recursive: true });
    writeFileSync(join(blocked, 'python'), 'not a folder');
    const runtime = service({ dataDir: blocked });
    const error = await runtime.startSetup({ python: SYSTEM_PYTHON, torch: 'cpu', wheelsDir: goodWheels }).then(() => null, (thrown: unknown) => thrown);
    expect((error as LatheError).kind, String(error)).toBe('unwritable');
    expect((error as LatheError).message).toMatch(/cannot be written .*LATHE_DATA_DIR/);
    expect(readdirSync(blocked)).toEqual(['python']);
  });

  it('a second set-up while one runs', async () => {
    const runtime = service();
    const first = await runtime.startSetup({ python: SYSTEM_PYTHON, torch: 'cpu', wheelsDir: goodWheels });
    await expect(runtime.startSetup({ python: SYSTEM_PYTHON, torch: 'cpu', wheelsDir: goodWheels })).rejects.toThrow(/already running/);
    runtime.cancelSetup();
    expect((await first.done).outcome).toMatchObject({ ok: false, kind: 'cancelled' });
    await expectWorkingEnvironment('wheels');
  }, 60_000);
});

describe('reset and the chosen interpreter', () => {
  it('chooses another interpreter, persists it, and LATHE_PYTHON still wins', async () => {
    const runtime = service();
    const report = await runtime.chooseInterpreter(SYSTEM_PYTHON);
    expect(report.python).toBe(SYSTEM_PYTHON);
    expect(report.candidates[0]).toMatchObject({ path: SYSTEM_PYTHON, source: 'chosen' });
    expect((await runtime.status()).chosenInterpreter).toBe(SYSTEM_PYTHON);
    const pinned = new PythonDiscovery({ runProcess, env: { ...env, LATHE_PYTHON: venvPython }, platform: 'linux', dataDir, runtimeDir });
    expect((await pinned.report()).python).toBe(venvPython);
    expect((await runtime.chooseInterpreter(null)).python).toBe(venvPython);
    await expect(runtime.chooseInterpreter('python3')).rejects.toThrow(/full path/);
  }, 60_000);

  it('removes the environment; the health check then names the next step', async () => {
    const runtime = service();
    expect(await runtime.reset()).toEqual({ removed: true });
    expect(existsSync(join(dataDir, 'python', 'venv'))).toBe(false);
    expect((await runtime.status()).environment).toBeNull();
    expect(await runtime.reset()).toEqual({ removed: false });
  }, 60_000);
});

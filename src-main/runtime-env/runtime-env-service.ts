/**
 * The training runtime's Python environment as a service: what it holds, the torch build to
 * install, set-up (and repair, which is set-up over a broken environment) with progress to
 * every subscriber, cancel, the health check on demand, reset, and the interpreter the person
 * chose. One set-up at a time; its bad inputs are refused before anything is written.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { LatheError, type HardwareReport, type PythonReport, type RuntimeHealth, type RuntimeStatus, type SetupProgress, type TorchPlan } from '../contract';
import type { RunProcess } from '../process/run-process';
import { readChosenInterpreter, writeChosenInterpreter } from '../python/chosen-interpreter';
import { venvDir } from '../python/python-candidates';
import { baseCandidates, findBasePython } from './base-python';
import { buildFolder, pythonFolder, readEnvironment, recoverEnvironment, removeFolder } from './env-layout';
import { checkHealth } from './health-check';
import { runSetup } from './setup-run';
import { streamProcess as defaultStreamProcess, type StreamProcess } from './stream-process';
import { planTorchInstall, type PackageSource } from './torch-plan';
import { requireTorchWheels } from './wheel-folder';

export interface SetupRequest {
  /** A torch build (`cpu`, `cu128`, `rocm6.4`…); the plan's automatic choice when absent. */
  torch?: string;
  /** A package index to use instead of PyTorch's (a mirror, or one on this machine). */
  indexUrl?: string;
  /** A folder of wheels to install from with no network at all. */
  wheelsDir?: string;
  /** The base Python to create the environment with (`lathe runtime setup --python`). */
  python?: string;
}

export interface RuntimeEnvDeps {
  dataDir: string;
  runtimeDir: string;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  runProcess: RunProcess;
  streamProcess?: StreamProcess;
  hardware: () => Promise<HardwareReport>;
  /** Discovery, refreshed after the environment or the chosen interpreter changes. */
  python: { report(options?: { refresh?: boolean }): Promise<PythonReport> };
  now?: () => number;
}

type Listener = (progress: SetupProgress) => void;

export class RuntimeEnvironmentService {
  private readonly deps: RuntimeEnvDeps;
  private readonly listeners = new Set<Listener>();
  private current: { progress: SetupProgress; controller: AbortController; done: Promise<SetupProgress> } | null = null;
  private lastHealth: RuntimeHealth | null = null;

  constructor(deps: RuntimeEnvDeps) {
    this.deps = deps;
  }

  /** Puts back an environment a crash left aside mid-switch; call before anything trains. */
  async start(): Promise<void> {
    await recoverEnvironment(this.deps.dataDir, this.deps.platform, this.now());
  }

  async status(): Promise<RuntimeStatus> {
    return {
      environment: await readEnvironment(this.deps.dataDir, this.deps.platform),
      setup: this.current?.progress ?? null,
      lastHealth: this.lastHealth,
      chosenInterpreter: readChosenInterpreter(this.deps.dataDir),
      lathePython: this.deps.env.LATHE_PYTHON?.trim() || null,
    };
  }

  /** The plan for this machine with the base Python set-up would use; installs nothing. */
  async plan(request: Pick<SetupRequest, 'torch' | 'indexUrl' | 'wheelsDir' | 'python'> = {}): Promise<TorchPlan> {
    const hardware = await this.deps.hardware();
    const base = await findBasePython(this.baseCandidates(request.python), this.deps.runProcess, this.deps.env).catch(() => null);
    const source = await this.packageSource(request);
    return planTorchInstall({ hardware, python: base ? { version: base.version } : null, torch: request.torch, source });
  }

  /**
   * Checks the request and starts the set-up; answers with its first progress. Bad input (no
   * base Python, a plan this machine cannot run, a wheel folder without torch, a data folder
   * that cannot be written) is refused here with a LatheError, before anything is created.
   */
  async startSetup(request: SetupRequest): Promise<{ first: SetupProgress; done: Promise<SetupProgress> }> {
    if (this.current) throw new LatheError('unavailable', 'A set-up of the Python environment is already running; wait for it or cancel it.');
    const setupId = randomUUID().slice(0, 8);
    // Claimed before the first await, so two requests cannot both pass the check above.
    const controller = new AbortController();
    const placeholder: SetupProgress = { setupId, step: 'checking', detail: 'Checking the machine and the base Python', plan: null, download: null, logTail: [], outcome: null };
    this.current = { progress: placeholder, controller, done: Promise.resolve(placeholder) };
    let buildDir: string | null = null;
    try {
      this.emit(placeholder);
      const hardware = await this.deps.hardware();
      const base = await findBasePython(this.baseCandidates(request.python), this.deps.runProcess, this.deps.env);
      const source = await this.packageSource(request);
      const plan = planTorchInstall({ hardware, python: { version: base.version }, torch: request.torch, source });
      if (plan.problems.length > 0) {
        throw new LatheError('invalid_input', `This set-up cannot run on this machine: ${plan.problems.map((problem) => problem.message).join(' ')}`);
      }
      if (!base.venv && !(await this.hasUv())) {
        throw new LatheError('unsupported', `${base.path} cannot create environments: its venv module is missing. On Debian/Ubuntu: sudo apt-get install python3-venv, then try again.`);
      }
      await this.makeBuildFolder(buildFolder(this.deps.dataDir, setupId));
      buildDir = buildFolder(this.deps.dataDir, setupId);
      const wheelsDir = source.kind === 'wheels' ? source.dir : null;
      const first: SetupProgress = { ...placeholder, step: 'creating', detail: 'Creating the environment', plan };
      const done = runSetup({
        setupId,
        dataDir: this.deps.dataDir,
        platform: this.deps.platform,
        env: this.deps.env,
        buildDir,
        basePython: base.path,
        plan,
        wheelsDir,
        // uv fetches its seed packages from the network, so an offline install uses venv.
        uv: wheelsDir === null && (await this.hasUv()),
        streamProcess: this.deps.streamProcess ?? defaultStreamProcess,
        checkHealth: (python) => this.checkPython(python, plan.device),
        now: () => this.now(),
        signal: controller.signal,
        emit: (progress) => this.emit(progress),
      }).then(async (final) => {
        if (final.outcome?.ok) this.lastHealth = final.outcome.health;
        this.current = null;
        await this.deps.python.report({ refresh: true }).catch(() => undefined);
        return final;
      });
      this.current = { progress: first, controller, done };
      return { first, done };
    } catch (error) {
      this.current = null;
      if (buildDir !== null) await removeFolder(buildDir);
      throw error;
    }
  }

  /** Stops the set-up in progress; its new folder is removed and the previous environment kept. */
  cancelSetup(): boolean {
    if (!this.current) return false;
    this.current.controller.abort();
    return true;
  }

  /** Every progress update of every set-up, until the returned function is called. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The health check of the interpreter training is meant to use: LATHE_PYTHON, else the
   * chosen one, else Lathe's own environment — checked even when broken (discovery would
   * silently skip it for another Python, hiding that it needs repair) — else discovery's pick.
   */
  async health(): Promise<RuntimeHealth> {
    const environment = await readEnvironment(this.deps.dataDir, this.deps.platform);
    const explicit = this.deps.env.LATHE_PYTHON?.trim() || readChosenInterpreter(this.deps.dataDir);
    const report = explicit || environment ? null : await this.deps.python.report({ refresh: true });
    const python = explicit || environment?.python || report?.python || null;
    if (python === null) {
      const hardware = await this.deps.hardware();
      const suggested = planTorchInstall({ hardware, python: null }).build;
      this.lastHealth = {
        ok: false, checkedAt: this.now(), python: '', pythonVersion: null, torchVersion: null, device: null, deviceName: null, matmulMs: null, runtimeAnswers: false,
        problems: [{ kind: 'no_environment', message: 'There is no Python environment for training yet.', nextStep: `Set it up: System page → Set up, or npx lathe runtime setup --torch ${suggested}`, blocking: true }],
      };
      return this.lastHealth;
    }
    const expected = environment && environment.python === python ? environment.device : null;
    this.lastHealth = await this.checkPython(python, expected);
    return this.lastHealth;
  }

  /** Removes Lathe's environment; discovery then falls back to the other interpreters. */
  async reset(): Promise<{ removed: boolean }> {
    if (this.current) throw new LatheError('unavailable', 'A set-up is running; cancel it before removing the environment.');
    const dir = venvDir(this.deps.dataDir, this.deps.platform);
    const existed = existsSync(dir);
    await removeFolder(dir);
    this.lastHealth = null;
    await this.deps.python.report({ refresh: true }).catch(() => undefined);
    return { removed: existed };
  }

  /** Trains with `path` from now on (null: automatic discovery); answers with the new Python report. */
  async chooseInterpreter(path: string | null): Promise<PythonReport> {
    if (path !== null && !isAbsolute(path)) throw new LatheError('invalid_input', `Choose an interpreter by its full path, not "${path}".`);
    if (path !== null && !existsSync(path)) throw new LatheError('not_found', `${path} does not exist.`);
    try {
      await writeChosenInterpreter(this.deps.dataDir, path === null ? null : resolve(path));
    } catch (error) {
      throw new LatheError('unwritable', `The choice cannot be saved in ${pythonFolder(this.deps.dataDir)}: ${(error as Error).message}`);
    }
    return this.deps.python.report({ refresh: true });
  }

  /** Waits for the set-up in progress, if any (tests, shutdown). */
  async settled(): Promise<void> {
    await this.current?.done;
  }

  async close(): Promise<void> {
    this.cancelSetup();
    await this.settled();
  }

  private checkPython(python: string, expectedDevice: TorchPlan['device'] | null): Promise<RuntimeHealth> {
    const { runProcess, env, platform, runtimeDir } = this.deps;
    return this.deps.hardware().then((hardware) => checkHealth({ python, runProcess, env, platform, runtimeDir }, { hardware, expectedDevice, now: this.now() }));
  }

  private baseCandidates(requested: string | undefined): string[] {
    const { dataDir, platform } = this.deps;
    return baseCandidates({ requested: requested ?? null, chosen: readChosenInterpreter(dataDir), platform, ownEnvDir: pythonFolder(dataDir) });
  }

  private async packageSource(request: SetupRequest): Promise<PackageSource> {
    if (request.wheelsDir !== undefined && request.indexUrl !== undefined) {
      throw new LatheError('invalid_input', 'Choose either a wheel folder or an index URL, not both.');
    }
    if (request.wheelsDir !== undefined) {
      const folder = await requireTorchWheels(resolve(request.wheelsDir));
      return { kind: 'wheels', dir: folder.dir, bytes: folder.bytes, hasNumpy: folder.hasNumpy };
    }
    if (request.indexUrl !== undefined) return { kind: 'index', url: request.indexUrl };
    return { kind: 'pytorch' };
  }

  private async makeBuildFolder(dir: string): Promise<void> {
    try {
      await mkdir(pythonFolder(this.deps.dataDir), { recursive: true });
      await mkdir(dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new LatheError('unwritable', `Lathe's data folder ${this.deps.dataDir} cannot be written (${code}), so no environment can be created there. Make it writable, or choose another with LATHE_DATA_DIR.`);
    }
  }

  private async hasUv(): Promise<boolean> {
    const result = await this.deps.runProcess('uv', ['--version'], { env: this.deps.env, timeoutMs: 10_000 });
    return result.failure === null && result.code === 0;
  }

  private emit(progress: SetupProgress): void {
    if (this.current && this.current.progress.setupId === progress.setupId) this.current.progress = progress;
    for (const listener of this.listeners) listener(progress);
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }
}

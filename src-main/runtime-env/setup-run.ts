/**
 * One set-up of the training environment, after its inputs were checked: create a venv in
 * a new folder, install the plan's packages with pip, check its health, and switch to it.
 * Progress goes to `emit` as it happens. Any failure or a cancel removes the new folder and
 * leaves the previous environment exactly as it was (issue 8: build new, switch on success).
 */
import type { RuntimeHealth, SetupFailureKind, SetupProgress, SetupStep, TorchPlan } from '../contract';
import { venvDir, venvPython } from '../python/python-candidates';
import { removeFolder, switchEnvironment, writeManifest } from './env-layout';
import { pipErrorSummary, pipFailureKind, readPipLine, type PipProgress } from './pip-output';
import type { StreamProcess, StreamResult } from './stream-process';

export interface SetupRunInputs {
  setupId: string;
  dataDir: string;
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** The new environment's folder; it must not exist yet. */
  buildDir: string;
  basePython: string;
  plan: TorchPlan;
  /** A folder of wheels to install from with no network; null to use the plan's index. */
  wheelsDir: string | null;
  /** Create the venv with `uv` (when it is on PATH and the install is online). */
  uv: boolean;
  streamProcess: StreamProcess;
  /** The health check of the new environment's interpreter. */
  checkHealth: (python: string) => Promise<RuntimeHealth>;
  now: () => number;
  signal: AbortSignal;
  emit: (progress: SetupProgress) => void;
}

const LOG_TAIL_LINES = 30;
/** Download-byte updates are sent at most this often; step changes are sent at once. */
const PROGRESS_INTERVAL_MS = 250;

class SetupFailure extends Error {
  constructor(
    readonly kind: Exclude<SetupFailureKind, 'cancelled'>,
    message: string,
    readonly health: RuntimeHealth | null = null,
  ) {
    super(message);
  }
}

export async function runSetup(inputs: SetupRunInputs): Promise<SetupProgress> {
  const { plan, signal } = inputs;
  let progress: SetupProgress = { setupId: inputs.setupId, step: 'creating', detail: 'Creating the environment', plan, download: null, logTail: [], outcome: null };
  let lastSent = 0;
  const send = (change: Partial<SetupProgress>, throttle = false): void => {
    progress = { ...progress, ...change };
    const now = inputs.now();
    if (throttle && now - lastSent < PROGRESS_INTERVAL_MS) return;
    lastSent = now;
    inputs.emit(progress);
  };
  const log = (line: string): void => {
    progress = { ...progress, logTail: [...progress.logTail, line].slice(-LOG_TAIL_LINES) };
  };
  const step = (name: SetupStep, detail: string): void => send({ step: name, detail, download: null });
  const cancelled = (): boolean => signal.aborted;

  const python = venvPython(inputs.buildDir, inputs.platform);
  const allLog: string[] = [];
  const run = async (command: string, args: string[], onLine?: (line: string) => void): Promise<StreamResult> => {
    log(`$ ${[command, ...args].join(' ')}`);
    return inputs.streamProcess(command, args, {
      env: { ...inputs.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PYTHONUNBUFFERED: '1' },
      signal,
      onLine: (line) => {
        allLog.push(line);
        log(line);
        onLine?.(line);
        send({}, true);
      },
    });
  };

  try {
    step('creating', inputs.uv ? 'Creating the environment with uv' : `Creating the environment with ${inputs.basePython}`);
    const created = inputs.uv
      ? await run('uv', ['venv', '--seed', '--python', inputs.basePython, inputs.buildDir])
      : await run(inputs.basePython, ['-m', 'venv', inputs.buildDir]);
    if (cancelled()) return finishCancelled();
    if (created.failure !== null || created.code !== 0) {
      const ensurepip = allLog.some((line) => /ensurepip is not available|No module named (venv|ensurepip)/.test(line));
      throw new SetupFailure(
        ensurepip ? 'no_python' : pipFailureKind(allLog),
        ensurepip
          ? `${inputs.basePython} cannot create environments: its venv module is missing. On Debian/Ubuntu: sudo apt-get install python3-venv, then try again.`
          : `Creating the environment failed: ${created.detail ?? pipErrorSummary(allLog)}`,
      );
    }

    step('installing', `Installing ${plan.packages.join(', ')} (${plan.build})`);
    const rawProgress = await pipHasRawProgress(python, inputs.streamProcess, inputs.env, signal);
    if (cancelled()) return finishCancelled();
    let pip: PipProgress = { detail: null, download: null };
    const installed = await run(python, pipInstallArgs(plan, inputs.wheelsDir, rawProgress), (line) => {
      pip = readPipLine(pip, line);
      progress = { ...progress, detail: pip.detail ?? progress.detail, download: pip.download };
    });
    if (cancelled()) return finishCancelled();
    if (installed.failure !== null || installed.code !== 0) {
      let kind = pipFailureKind(allLog);
      // With retries off, pip reports an unreachable index only as "from versions: none"
      // (the connection error is logged at debug level), so ask the index directly.
      if (kind === 'install_failed' && inputs.wheelsDir === null && !(await indexAnswers(plan.indexUrl ?? 'https://pypi.org/simple/'))) kind = 'network';
      throw new SetupFailure(kind, installFailureMessage(kind, plan, inputs.wheelsDir, installed.detail ?? pipErrorSummary(allLog)));
    }

    step('health', 'Checking the new environment: importing torch, a small matmul, the training runtime');
    const health = await inputs.checkHealth(python);
    if (cancelled()) return finishCancelled();
    if (!health.ok) {
      const first = health.problems.find((problem) => problem.blocking) ?? health.problems[0];
      throw new SetupFailure('health_failed', `The new environment did not pass its health check: ${first ? `${first.message} ${first.nextStep}` : 'no details'}`, health);
    }

    step('switching', 'Switching to the new environment');
    await writeManifest(inputs.buildDir, {
      python: inputs.basePython,
      build: plan.build,
      device: plan.device,
      source: inputs.wheelsDir ? `wheels ${inputs.wheelsDir}` : plan.indexUrl ? `index ${plan.indexUrl}` : 'pypi',
      createdAt: inputs.now(),
    });
    await switchEnvironment(inputs.dataDir, inputs.platform, inputs.buildDir, inputs.setupId);
    const done = { ...health, python: venvPython(venvDir(inputs.dataDir, inputs.platform), inputs.platform) };
    send({ detail: `Ready: torch ${health.torchVersion ?? ''} on ${health.device ?? 'cpu'}`.replace('  ', ' '), download: null, outcome: { ok: true, health: done } });
    return progress;
  } catch (error) {
    await removeFolder(inputs.buildDir);
    if (cancelled()) return finishCancelled();
    const failure = error instanceof SetupFailure ? error : new SetupFailure(writeErrorKind(error), `Set-up failed: ${error instanceof Error ? error.message : String(error)}`);
    send({ detail: failure.message, download: null, outcome: { ok: false, kind: failure.kind, message: failure.message, health: failure.health } });
    return progress;
  }

  async function finishCancelled(): Promise<SetupProgress> {
    await removeFolder(inputs.buildDir);
    const message = 'Set-up was cancelled; the previous environment is unchanged.';
    send({ detail: message, download: null, outcome: { ok: false, kind: 'cancelled', message, health: null } });
    return progress;
  }
}

/** pip's arguments: the plan's index, or the wheel folder with the network off entirely. */
export function pipInstallArgs(plan: TorchPlan, wheelsDir: string | null, rawProgress: boolean): string[] {
  const args = ['-m', 'pip', 'install', '--no-input'];
  if (rawProgress) args.push('--progress-bar', 'raw');
  if (wheelsDir !== null) args.push('--no-index', '--find-links', wheelsDir);
  else if (plan.indexUrl !== null) args.push('--index-url', plan.indexUrl);
  return [...args, ...plan.packages];
}

/** `--progress-bar raw` (byte counts on pipes) arrived in pip 24.1; older pips reject it. */
async function pipHasRawProgress(python: string, streamProcess: StreamProcess, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<boolean> {
  let version: [number, number] | null = null;
  await streamProcess(python, ['-m', 'pip', '--version'], {
    env,
    signal,
    onLine: (line) => {
      const match = /^pip (\d+)\.(\d+)/.exec(line.trim());
      if (match) version = [Number(match[1]), Number(match[2])];
    },
  });
  const found = version as [number, number] | null;
  return found !== null && (found[0] > 24 || (found[0] === 24 && found[1] >= 1));
}

/** Whether the index answers HTTP at all (any status); a refused or timed-out connection is false. */
async function indexAnswers(url: string): Promise<boolean> {
  try {
    await fetch(url, { method: 'GET', signal: AbortSignal.timeout(10_000) });
    return true;
  } catch {
    return false;
  }
}

function installFailureMessage(kind: SetupFailureKind, plan: TorchPlan, wheelsDir: string | null, detail: string): string {
  switch (kind) {
    case 'network':
      return `Could not reach the package index ${plan.indexUrl ?? 'PyPI'}. Check the network connection (or proxy), or install from a folder of wheels (--wheels DIR). pip said: ${detail}`;
    case 'disk_full':
      return `The disk filled up while installing torch (it needs about ${(plan.requiredBytes / 1024 ** 3).toFixed(1)} GiB). Free some space, then try again. pip said: ${detail}`;
    default:
      return `Installing ${plan.packages.join(' and ')} ${wheelsDir ? `from ${wheelsDir}` : `(${plan.build})`} failed: ${detail}`;
  }
}

function writeErrorKind(error: unknown): Exclude<SetupFailureKind, 'cancelled'> {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOSPC' || code === 'EFBIG' || code === 'EDQUOT') return 'disk_full';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'unwritable';
  return 'internal';
}

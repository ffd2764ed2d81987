/**
 * The training runtime's Python environment (issue 8): the torch build Lathe would install,
 * setting it up with live progress, the health check, repair and reset, and the interpreter
 * the person chose. Spread into `contract` in contract.ts.
 */
import { z } from 'zod';
import { call, stream } from './define';
import type { PythonReport } from './system-types';

/** A torch build: `cpu`, `cu118`…`cu130`, `rocm6.4`, or `mps` (PyPI's default wheel on Apple silicon). */
export type TorchBuild = string;
export const TORCH_BUILD_PATTERN = /^(cpu|mps|cu1\d{2}|rocm\d\.\d{1,2})$/;

export type TorchDevice = 'cuda' | 'rocm' | 'mps' | 'cpu';

export type PlanProblemKind =
  | 'no_nvidia'
  | 'no_amd'
  | 'not_apple_silicon'
  | 'driver_too_old'
  | 'python_too_old'
  | 'python_too_new'
  | 'not_enough_disk'
  | 'unknown_build';

export interface PlanProblem {
  kind: PlanProblemKind;
  message: string;
}

export interface TorchPlan {
  build: TorchBuild;
  /** The device training is expected to use once this build is installed. */
  device: TorchDevice;
  /** pip requirement specs, in install order. */
  packages: string[];
  /** The pip index; null means pip's default (PyPI). */
  indexUrl: string | null;
  /** One sentence on why this build was chosen (or that the person chose it). */
  reason: string;
  overridden: boolean;
  /** What the installed environment needs on disk, with room for pip's unpacking. */
  requiredBytes: number;
  /** Reasons this plan cannot run on this machine; set-up refuses while any is listed. */
  problems: PlanProblem[];
  /** Facts worth knowing that do not stop the set-up (a faster build after a driver update). */
  notes: string[];
}

export type SetupStep = 'checking' | 'creating' | 'installing' | 'health' | 'switching';

export type SetupFailureKind =
  | 'cancelled'
  | 'network'
  | 'disk_full'
  | 'install_failed'
  | 'health_failed'
  | 'no_python'
  | 'bad_input'
  | 'unwritable'
  | 'internal';

/** One update of a set-up in progress; the last one of a set-up has `outcome` set. */
export interface SetupProgress {
  setupId: string;
  step: SetupStep;
  /** What is happening now, in words ("Downloading torch-2.7.1…"). */
  detail: string;
  plan: TorchPlan | null;
  /** Bytes pip reported for the current download, when it reports them. */
  download: { file: string; doneBytes: number | null; totalBytes: number | null } | null;
  /** The last lines pip and venv printed. */
  logTail: string[];
  outcome: null | { ok: true; health: RuntimeHealth } | { ok: false; kind: SetupFailureKind; message: string; health: RuntimeHealth | null };
}

export type HealthProblemKind =
  | 'no_environment'
  | 'python_failed'
  | 'torch_missing'
  | 'torch_broken'
  | 'matmul_failed'
  | 'no_gpu_visible'
  | 'cpu_build_on_gpu'
  | 'driver_too_old'
  | 'not_enough_disk'
  | 'runtime_failed';

export interface HealthProblem {
  kind: HealthProblemKind;
  message: string;
  /** The exact next step, concrete enough to copy. */
  nextStep: string;
  /** Whether training cannot work until it is fixed (a CPU build on a GPU machine still trains). */
  blocking: boolean;
}

export interface RuntimeHealth {
  ok: boolean;
  checkedAt: number;
  python: string;
  pythonVersion: string | null;
  torchVersion: string | null;
  device: TorchDevice | null;
  deviceName: string | null;
  /** Milliseconds of the small matmul on `device`, when it ran. */
  matmulMs: number | null;
  /** Whether `python -m lathe_runtime info` started and answered. */
  runtimeAnswers: boolean;
  problems: HealthProblem[];
}

/** What Lathe's own environment holds, as recorded when it was set up. */
export interface RuntimeEnvironment {
  path: string;
  python: string;
  build: TorchBuild;
  device: TorchDevice;
  /** `index <url>`, `wheels <folder>`, or `pypi`. */
  source: string;
  createdAt: number;
}

export interface RuntimeStatus {
  /** Lathe's environment in the data folder; null before the first set-up. */
  environment: RuntimeEnvironment | null;
  /** The set-up in progress, if any. */
  setup: SetupProgress | null;
  lastHealth: RuntimeHealth | null;
  /** The interpreter the person chose (kept in the data folder); LATHE_PYTHON still wins over it. */
  chosenInterpreter: string | null;
  lathePython: string | null;
}

const torchBuild = z.string().regex(TORCH_BUILD_PATTERN, 'a torch build such as cpu, cu121, cu128 or rocm6.4');
const indexUrl = z.string().url().max(2000).regex(/^https?:\/\//, 'an http(s) URL');

export const runtimeContract = {
  'runtime.status': call(z.object({}).strict()).returns<RuntimeStatus>(),
  /** The torch build Lathe would install on this machine, or the one `torch` names; installs nothing. */
  'runtime.plan': call(z.object({ torch: torchBuild.optional() }).strict()).returns<TorchPlan>(),
  /**
   * Starts a set-up (or a repair: the same thing over a broken environment) and answers with
   * its first progress; `runtime.progress` carries the rest. `wheels: 'pick'` asks for a
   * folder of wheels with the desktop's dialog and installs from it with no network.
   */
  'runtime.setup': call(
    z.object({ torch: torchBuild.optional(), indexUrl: indexUrl.optional(), wheels: z.literal('pick').optional() }).strict(),
  ).returns<SetupProgress>(),
  'runtime.cancelSetup': call(z.object({}).strict()).returns<{ cancelled: boolean }>(),
  'runtime.health': call(z.object({}).strict()).returns<RuntimeHealth>(),
  /** Removes Lathe's environment (refused while a set-up runs). */
  'runtime.reset': call(z.object({}).strict()).returns<{ removed: boolean }>(),
  /**
   * Trains with another interpreter: one of the candidates the Python report lists, one picked
   * with the desktop's file dialog, or none (back to automatic discovery).
   */
  'runtime.chooseInterpreter': call(
    z
      .object({
        choice: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('candidate'), path: z.string().min(1).max(4096) }).strict(),
          z.object({ kind: z.literal('pick') }).strict(),
          z.object({ kind: z.literal('automatic') }).strict(),
        ]),
      })
      .strict(),
  ).returns<PythonReport>(),
  'runtime.progress': stream(z.object({}).strict()).emits<SetupProgress>(),
} as const;

/**
 * The health check of a training environment: torch imports, a small matmul runs on the
 * device torch picks, and the runtime's own entry (`python -m lathe_runtime info`) starts
 * and answers. The result names every problem with the exact next step. Running the checks
 * is `checkHealth`; judging their output is the pure `judgeHealth`.
 */
import { z } from 'zod';
import type { HardwareReport, HealthProblem, RuntimeHealth, TorchDevice } from '../contract';
import type { RunProcess } from '../process/run-process';
import { probeEnv, probePython, type PythonProbe } from '../python/probe-python';
import { lastNonEmptyLine } from '../python/runtime-info';
import { HEALTH_SCRIPT } from './health-script';
import { majorMinor, planTorchInstall } from './torch-plan';

const scriptReportSchema = z.object({
  python: z.string(),
  torch: z.string().nullable(),
  torch_missing: z.boolean(),
  torch_error: z.string().nullable(),
  cuda_build: z.string().nullable(),
  hip_build: z.string().nullable(),
  device: z.enum(['cuda', 'mps', 'cpu']).nullable(),
  device_name: z.string().nullable(),
  matmul_ms: z.number().nullable(),
  matmul_error: z.string().nullable(),
});
export type HealthScriptReport = z.infer<typeof scriptReportSchema>;

/** Importing torch and initialising CUDA on a cold machine can take a minute. */
const HEALTH_TIMEOUT_MS = 120_000;
/** Below this much free space in the data folder, checkpoints and prepared data start failing. */
export const LOW_DISK_BYTES = 2 * 1024 ** 3;

export interface HealthContext {
  hardware: Pick<HardwareReport, 'os' | 'gpus' | 'disk'>;
  /** The device the environment was set up for; null when not known (an interpreter Lathe did not set up). */
  expectedDevice: TorchDevice | null;
  now: number;
}

export interface HealthRunInputs {
  python: string;
  runProcess: RunProcess;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  runtimeDir: string;
}

/** Runs both checks in `python` and judges them. */
export async function checkHealth(inputs: HealthRunInputs, context: HealthContext): Promise<RuntimeHealth> {
  const { python, runProcess, env, platform, runtimeDir } = inputs;
  const script = await runProcess(python, ['-c', HEALTH_SCRIPT], { env: probeEnv(env, runtimeDir, platform), timeoutMs: HEALTH_TIMEOUT_MS });
  let report: HealthScriptReport | null = null;
  let scriptFailure: string | null = null;
  if (script.failure !== null || script.code !== 0) {
    scriptFailure = script.detail ?? `exited with code ${script.code}${lastNonEmptyLine(script.stderr) ? `: ${lastNonEmptyLine(script.stderr)}` : ''}`;
  } else {
    report = parseScriptReport(script.stdout);
    if (report === null) scriptFailure = `printed no health report${lastNonEmptyLine(script.stdout) ? `: ${lastNonEmptyLine(script.stdout)}` : ''}`;
  }
  // The runtime's entry is only worth starting when the interpreter itself runs.
  const runtime = report === null ? null : await probePython({ path: python, source: 'venv' }, { runProcess, env, platform, runtimeDir });
  return judgeHealth({ python, report, scriptFailure, runtime }, context);
}

export function parseScriptReport(stdout: string): HealthScriptReport | null {
  const line = lastNonEmptyLine(stdout);
  if (line === null) return null;
  try {
    const parsed = scriptReportSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export interface HealthFindings {
  python: string;
  report: HealthScriptReport | null;
  /** Why the health script did not report, when it did not. */
  scriptFailure: string | null;
  /** The `lathe_runtime info` probe; null when it was not run. */
  runtime: PythonProbe | null;
}

const REPAIR = 'Repair the environment: System page → Repair, or npx lathe runtime setup';

/** Every problem the findings show, each with its next step; `ok` when none blocks training. */
export function judgeHealth({ python, report, scriptFailure, runtime }: HealthFindings, context: HealthContext): RuntimeHealth {
  const problems: HealthProblem[] = [];
  const add = (problem: HealthProblem): void => {
    problems.push(problem);
  };
  const suggested = planTorchInstall({ hardware: context.hardware, python: null });
  const suggestedSetup = `npx lathe runtime setup${suggested.build === 'cpu' ? ' --torch cpu' : ` --torch ${suggested.build}`}`;

  if (report === null) {
    add({
      kind: 'python_failed',
      message: `The interpreter ${python} did not run the health check: ${scriptFailure ?? 'no report'}.`,
      nextStep: `${REPAIR}, or choose another interpreter on the System page.`,
      blocking: true,
    });
  } else if (report.torch === null) {
    add(
      report.torch_missing
        ? { kind: 'torch_missing', message: `torch is not installed in ${python}.`, nextStep: `Set up torch: System page → Set up, or ${suggestedSetup}`, blocking: true }
        : { kind: 'torch_broken', message: `torch is installed but does not import: ${report.torch_error ?? 'unknown error'}.`, nextStep: `${REPAIR} ${suggestedArgs(suggested.build)}`.trim(), blocking: true },
    );
  } else {
    const device: TorchDevice | null = report.device === 'cuda' && report.hip_build ? 'rocm' : report.device;
    if (report.matmul_error !== null) {
      add({
        kind: 'matmul_failed',
        message: `torch ${report.torch} imports, but a small matrix multiplication on ${device ?? 'its device'} failed: ${report.matmul_error}.`,
        nextStep: `${REPAIR} ${suggestedArgs(suggested.build)}`.trim(),
        blocking: true,
      });
    }
    gpuProblems(report, device, context, suggested.build, add);
  }

  if (runtime && runtime.info === null) {
    add({
      kind: 'runtime_failed',
      message: `Lathe's training runtime does not start in this environment: ${runtime.problem ?? 'no answer'}.`,
      nextStep: problems.length > 0 ? 'Fix the problems above first; the runtime needs a working torch.' : REPAIR,
      blocking: true,
    });
  }

  const disk = context.hardware.disk;
  if (disk && disk.freeBytes < LOW_DISK_BYTES) {
    add({
      kind: 'not_enough_disk',
      message: `Only ${(disk.freeBytes / 1024 ** 3).toFixed(1)} GiB is free in ${disk.path}; checkpoints and prepared datasets need room.`,
      nextStep: `Free at least ${(LOW_DISK_BYTES / 1024 ** 3).toFixed(0)} GiB in ${disk.path}, or move Lathe's data folder (LATHE_DATA_DIR).`,
      blocking: false,
    });
  }

  const deviceNow: TorchDevice | null = report?.device === 'cuda' && report.hip_build ? 'rocm' : (report?.device ?? null);
  return {
    ok: !problems.some((problem) => problem.blocking),
    checkedAt: context.now,
    python,
    pythonVersion: report?.python ?? null,
    torchVersion: report?.torch ?? null,
    device: report?.matmul_error === null ? deviceNow : null,
    deviceName: report?.device_name ?? null,
    matmulMs: report?.matmul_error === null ? report.matmul_ms : null,
    runtimeAnswers: runtime?.info != null,
    problems,
  };
}

/** A GPU the machine has but torch does not use: the wrong build, a driver too old, or a GPU torch cannot see. */
function gpuProblems(report: HealthScriptReport, device: TorchDevice | null, context: HealthContext, suggestedBuild: string, add: (problem: HealthProblem) => void): void {
  if (device !== 'cpu') return;
  const nvidia = context.hardware.gpus.filter((gpu) => gpu.vendor === 'nvidia');
  const expectsGpu = context.expectedDevice !== null && context.expectedDevice !== 'cpu';
  if (report.cuda_build !== null && nvidia.length > 0) {
    const driver = nvidia.map((gpu) => gpu.cudaVersion).find((version) => version !== null) ?? null;
    const need = majorMinor(report.cuda_build);
    const have = driver === null ? null : majorMinor(driver);
    if (need && have && (have[0] < need[0] || (have[0] === need[0] && have[1] < need[1]))) {
      add({
        kind: 'driver_too_old',
        message: `torch ${report.torch} is built for CUDA ${report.cuda_build}, but the NVIDIA driver supports CUDA ${driver} only, so torch cannot use the GPU.`,
        nextStep: `Update the NVIDIA driver to one that supports CUDA ${report.cuda_build}, or install a matching build: npx lathe runtime setup --torch ${suggestedBuild}`,
        blocking: expectsGpu,
      });
      return;
    }
  }
  if (report.cuda_build !== null || report.hip_build !== null || expectsGpu) {
    const gpu = nvidia[0]?.name ?? context.hardware.gpus[0]?.name ?? 'the GPU';
    add({
      kind: 'no_gpu_visible',
      message: `torch ${report.torch} is a GPU build, but it sees no GPU, so training would run on the CPU.`,
      nextStep:
        nvidia.length > 0
          ? `Check that nvidia-smi lists ${gpu} (restart after a driver update) and that CUDA_VISIBLE_DEVICES does not hide it.`
          : `Check that the GPU driver is installed and working, or set up the CPU build: npx lathe runtime setup --torch cpu`,
      blocking: expectsGpu,
    });
    return;
  }
  if (suggestedBuild !== 'cpu' && suggestedBuild !== 'mps') {
    add({
      kind: 'cpu_build_on_gpu',
      message: `torch ${report.torch} is the CPU build, but this machine has a GPU it could train on.`,
      nextStep: `Install the GPU build: System page → Repair, or npx lathe runtime setup --torch ${suggestedBuild}`,
      blocking: false,
    });
  }
}

function suggestedArgs(build: string): string {
  return `(--torch ${build})`;
}

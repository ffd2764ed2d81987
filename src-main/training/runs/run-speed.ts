/**
 * Timing a planned run for real (`runs.measureSpeed`): a few steps of the very run, in a
 * scratch folder, so the estimate includes this machine's load time and its real step time.
 * The first step carries warm-up (allocations, kernel selection), so the per-step time is taken
 * from the steps after it. The process is killed once the last timed step is reported: what it
 * would write after (evaluation, adapter) is not part of a step's cost.
 */
import { mkdir, rm } from 'node:fs/promises';
import { LatheError, type RunRequest, type RunSpeed } from '../../contract';
import { chooseThreads } from '../../hardware/choose-threads';
import { prepareOptionsFor, runJsonFor } from '../plan';
import { parseRuntimeEvent } from './runtime-event';
import { LogTail } from './log-tail';
import { trainerArgs, trainerEnv, writeRunConfig } from './run-launch';
import type { PlannedRun, PlanningSources } from './run-planning';
import { RuntimeProcess, type SpawnProcess } from './runtime-process';

export const SPEED_STEPS = 4;

/** Prepares the data (as the run would), times `SPEED_STEPS` steps in `dir`, and removes `dir`. */
export async function measureRunSpeed(
  deps: Pick<PlanningSources, 'datasets' | 'hardware'> & { spawn: SpawnProcess; env: NodeJS.ProcessEnv; runtimeDir: string; dir: string; signal: AbortSignal },
  { plan, model, dataset, python }: PlannedRun,
  request: RunRequest,
): Promise<RunSpeed> {
  if (python.python === null) throw new LatheError('unavailable', python.advice ?? 'No Python with torch was found.');
  const prepared = await deps.datasets.prepare(dataset.id, model.id, prepareOptionsFor(plan.settings, request, model.facts));
  try {
    await mkdir(deps.dir, { recursive: true });
    const threads = chooseThreads(await deps.hardware.report());
    await writeRunConfig(deps.dir, runJsonFor(plan.settings, { baseModel: model.path, data: prepared.dir, outputDir: deps.dir }, { stepsOverride: SPEED_STEPS, threads }));
    return await timeTrial({
      spawn: deps.spawn,
      python: python.python,
      args: trainerArgs({ resume: false }),
      env: trainerEnv(deps.env, deps.runtimeDir),
      dir: deps.dir,
      steps: SPEED_STEPS,
      totalSteps: plan.totalSteps,
      timeoutMs: SPEED_TIMEOUT_MS,
      signal: deps.signal,
    });
  } finally {
    await rm(deps.dir, { recursive: true, force: true });
  }
}

/** Loading a big model can take minutes; a trial that has not stepped by then will not help the estimate. */
export const SPEED_TIMEOUT_MS = 300_000;

export interface SpeedTrial {
  spawn: SpawnProcess;
  python: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  dir: string;
  steps: number;
  /** Steps of the real run, for the estimated total. */
  totalSteps: number;
  timeoutMs: number;
  signal: AbortSignal;
  /** Monotonic milliseconds. */
  now?: () => number;
}

export async function timeTrial(trial: SpeedTrial): Promise<RunSpeed> {
  const now = trial.now ?? (() => performance.now());
  const startedAt = now();
  const steps: { at: number; tokens: number }[] = [];
  const log = new LogTail(20);
  let failure: string | null = null;
  const runtime = new RuntimeProcess({
    spawn: trial.spawn,
    python: trial.python,
    args: trial.args,
    cwd: trial.dir,
    env: trial.env,
    logFile: null,
    onLogLine: (line) => log.push(line),
    onStdoutLine: (line) => {
      const event = parseRuntimeEvent(line);
      if (event?.event === 'step') {
        steps.push({ at: now(), tokens: event.tokens });
        if (steps.length >= trial.steps) runtime.kill();
      } else if (event?.event === 'error') {
        failure = event.message;
      }
    },
  });
  const timer = setTimeout(() => runtime.kill(), trial.timeoutMs);
  const abort = (): void => runtime.kill();
  trial.signal.addEventListener('abort', abort);
  try {
    const exit = await runtime.exited;
    if (trial.signal.aborted) throw new LatheError('cancelled', 'Measuring the speed was cancelled: Lathe is closing.');
    if (steps.length < 2) {
      const why = failure ?? exit.spawnError ?? (steps.length === 0 && now() - startedAt >= trial.timeoutMs ? `no step finished within ${Math.round(trial.timeoutMs / 1000)} s` : null);
      throw new LatheError('unavailable', `The speed could not be measured: ${why ?? 'the runtime ended before two steps'}.`, log.snapshot().join('\n'));
    }
  } finally {
    clearTimeout(timer);
    trial.signal.removeEventListener('abort', abort);
  }
  return speedFrom(startedAt, steps, trial.totalSteps);
}

/** Start-up is launch to the end of the first step; the pace is the mean of the steps after it. */
export function speedFrom(startedAt: number, steps: readonly { at: number; tokens: number }[], totalSteps: number): RunSpeed {
  const first = steps[0]!;
  const last = steps.at(-1)!;
  const seconds = (last.at - first.at) / 1000;
  const timed = steps.length - 1;
  const secondsPerStep = seconds / timed;
  const tokens = steps.slice(1).reduce((sum, step) => sum + step.tokens, 0);
  const startupSeconds = (first.at - startedAt) / 1000;
  return {
    secondsPerStep,
    tokensPerSecond: seconds > 0 ? tokens / seconds : 0,
    startupSeconds,
    // The first step is inside the start-up, so it is not counted again.
    estimatedSeconds: startupSeconds + secondsPerStep * Math.max(0, totalSteps - 1),
  };
}

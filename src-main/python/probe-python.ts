/**
 * Asks one interpreter what it can do by running `python -m lathe_runtime info`, and turns
 * every way that can go wrong (missing, crashing, hanging, printing nonsense, no torch) into
 * a sentence a person can act on. Nothing here throws for a bad interpreter.
 */
import type { ProcessResult, RunProcess } from '../process/run-process';
import type { PythonCandidatePath } from './python-candidates';
import { lastNonEmptyLine, parseRuntimeInfo, type RuntimeInfo } from './runtime-info';

/** Importing torch takes seconds, and initialising CUDA on the first call can take longer. */
export const PROBE_TIMEOUT_MS = 60_000;

export interface PythonProbe {
  candidate: PythonCandidatePath;
  /** What the runtime reported; null when the interpreter could not run it. */
  info: RuntimeInfo | null;
  /** Why this candidate cannot train; null when it has torch. */
  problem: string | null;
}

export interface ProbeContext {
  runProcess: RunProcess;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** The python-runtime/ folder that holds the `lathe_runtime` package. */
  runtimeDir: string;
}

/** Runs the runtime's `info` command with `candidate` and reads the result. */
export async function probePython(candidate: PythonCandidatePath, context: ProbeContext): Promise<PythonProbe> {
  const result = await context.runProcess(candidate.path, ['-m', 'lathe_runtime', 'info'], {
    env: probeEnv(context.env, context.runtimeDir, context.platform),
    timeoutMs: PROBE_TIMEOUT_MS,
  });
  return probeFromResult(candidate, result);
}

/** The person's environment with the runtime first on PYTHONPATH (theirs is kept after it). */
export function probeEnv(env: NodeJS.ProcessEnv, runtimeDir: string, platform: NodeJS.Platform): NodeJS.ProcessEnv {
  const delimiter = platform === 'win32' ? ';' : ':';
  const pythonPath = [runtimeDir, env.PYTHONPATH].filter((entry) => entry !== undefined && entry !== '').join(delimiter);
  return { ...env, PYTHONPATH: pythonPath };
}

/** Reads a finished probe: the runtime's report, or what went wrong, in words. */
export function probeFromResult(candidate: PythonCandidatePath, result: ProcessResult): PythonProbe {
  const fail = (what: string): PythonProbe => ({ candidate, info: null, problem: describe(candidate, what) });
  switch (result.failure) {
    case 'not_found':
      return fail('was not found');
    case 'timeout':
      return fail(`did not answer within ${PROBE_TIMEOUT_MS / 1000} s`);
    case 'signal':
      return fail(`crashed (${result.detail ?? 'stopped by a signal'})`);
    case 'spawn_failed':
      return fail(`could not be started (${result.detail ?? 'unknown reason'})`);
    case null:
      break;
  }
  if (result.code !== 0) {
    // The last stderr line of a Python traceback names the error (an old Python's SyntaxError,
    // a missing lathe_runtime, the Microsoft Store's stand-in `python`).
    return fail(`exited with code ${result.code}${detailFrom(lastNonEmptyLine(result.stderr))}`);
  }
  const info = parseRuntimeInfo(result.stdout);
  if (info === null) return fail(`printed no runtime report${detailFrom(lastNonEmptyLine(result.stdout))}`);
  if (info.torch === null) {
    return { candidate, info, problem: describe(candidate, `cannot import torch${detailFrom(info.torch_error)}`) };
  }
  return { candidate, info, problem: null };
}

/** Names the candidate the way the person knows it; LATHE_PYTHON is their explicit choice, so say so. */
function describe({ path, source }: PythonCandidatePath, what: string): string {
  const subject =
    source === 'LATHE_PYTHON'
      ? `LATHE_PYTHON is set to ${path}, but it`
      : source === 'PATH'
        ? `${path} on PATH`
        : source === 'venv'
          ? `Lathe's Python environment (${path})`
          : source === 'chosen'
            ? `The interpreter chosen on the System page (${path})`
            : path;
  return `${subject} ${what}`;
}

/** `: <detail>`, cut short so a runaway line cannot flood the System page. */
function detailFrom(detail: string | null): string {
  if (detail === null || detail === '') return '';
  return `: ${detail.length > 300 ? `${detail.slice(0, 300)}…` : detail}`;
}

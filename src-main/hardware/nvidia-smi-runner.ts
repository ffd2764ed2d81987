/**
 * Runs nvidia-smi under a time limit and turns each way it can end into an outcome the
 * hardware service branches on. Never throws: a missing or broken nvidia-smi is an answer
 * about the machine, not an error in Lathe.
 */
import { LatheError } from '../contract/errors';
import type { GpuInfo } from '../contract/system-types';
import type { ProcessResult, RunProcess } from '../process/run-process';
import { nvidiaSmiQueryArgs, parseCudaVersionFromHeader, parseNvidiaSmiCsv } from './nvidia-smi';

/**
 * nvidia-smi answers in well under a second on a healthy machine, but blocks for minutes
 * when the driver is wedged (a GPU fallen off the bus, a hung persistence daemon).
 */
export const NVIDIA_SMI_TIMEOUT_MS = 5_000;

const NVIDIA_SMI = 'nvidia-smi';

export type NvidiaQueryOutcome =
  | { status: 'ok'; gpus: GpuInfo[] }
  /** nvidia-smi is not installed: how most machines without an NVIDIA GPU answer. */
  | { status: 'absent' }
  /** nvidia-smi ran but gave no usable answer. `reason` is a sentence a person can act on. */
  | { status: 'failed'; reason: string; hung: boolean };

export async function queryNvidiaGpus(runProcess: RunProcess, timeoutMs = NVIDIA_SMI_TIMEOUT_MS): Promise<NvidiaQueryOutcome> {
  const result = await runProcess(NVIDIA_SMI, nvidiaSmiQueryArgs(), { timeoutMs });
  if (result.failure === 'not_found') return { status: 'absent' };
  const failure = failureOf(result, timeoutMs);
  if (failure) return failure;
  try {
    return { status: 'ok', gpus: parseNvidiaSmiCsv(result.stdout) };
  } catch (error) {
    if (!(error instanceof LatheError)) throw error;
    return { status: 'failed', reason: error.message, hung: false };
  }
}

/**
 * The CUDA version from plain `nvidia-smi`. Null whenever it cannot be had: the GPU list is
 * still right without it, and `queryNvidiaGpus` already reports a broken nvidia-smi.
 */
export async function readNvidiaCudaVersion(runProcess: RunProcess, timeoutMs = NVIDIA_SMI_TIMEOUT_MS): Promise<string | null> {
  const result = await runProcess(NVIDIA_SMI, [], { timeoutMs });
  return result.failure === null && result.code === 0 ? parseCudaVersionFromHeader(result.stdout) : null;
}

function failureOf(result: ProcessResult, timeoutMs: number): NvidiaQueryOutcome | null {
  if (result.failure === 'timeout') {
    return {
      status: 'failed',
      reason: `nvidia-smi did not answer within ${timeoutMs / 1000} s: the NVIDIA driver may be stuck (restarting the machine usually clears it).`,
      hung: true,
    };
  }
  if (result.failure !== null) {
    return { status: 'failed', reason: `nvidia-smi could not run: ${result.detail ?? result.failure}.`, hung: false };
  }
  if (result.code !== 0) {
    // nvidia-smi prints its complaint on stdout ("NVIDIA-SMI has failed because it couldn't
    // communicate with the NVIDIA driver…", exit code 9), sometimes on stderr.
    const said = firstLine(result.stderr) ?? firstLine(result.stdout);
    const reason = `nvidia-smi failed with exit code ${result.code}${said ? `: ${said}` : '.'}`;
    return { status: 'failed', reason, hung: false };
  }
  return null;
}

function firstLine(text: string): string | null {
  const line = text.split(/\r?\n/).find((candidate) => candidate.trim() !== '');
  return line === undefined ? null : line.trim().slice(0, 300);
}

/**
 * A `runProcess` that answers as nvidia-smi would, replaying the recorded-shape fixtures,
 * and remembers how it was called. The query (`--query-gpu=…`) and the plain header run
 * (no arguments) get separate answers.
 */
import si from 'systeminformation';
import type { SystemInfoSource } from '../../../src-main/hardware/hardware-service';
import type { ProcessResult, RunOptions, RunProcess } from '../../../src-main/process/run-process';
import { nvidiaSmiFixture } from './fixtures';

export interface NvidiaSmiCall {
  command: string;
  args: readonly string[];
  options: RunOptions | undefined;
}

export function fakeNvidiaSmi(answers: { query: ProcessResult; header?: ProcessResult }): { runProcess: RunProcess; calls: NvidiaSmiCall[] } {
  const calls: NvidiaSmiCall[] = [];
  const runProcess: RunProcess = async (command, args, options) => {
    calls.push({ command, args, options });
    if (command !== 'nvidia-smi') throw new Error(`unexpected program ${command}`);
    return args.length === 0 ? (answers.header ?? answers.query) : answers.query;
  };
  return { runProcess, calls };
}

export const printed = (fixture: string): ProcessResult => ({ code: 0, stdout: nvidiaSmiFixture(fixture), stderr: '', failure: null, detail: null });

export const exited = (code: number, fixture: string): ProcessResult => ({ code, stdout: nvidiaSmiFixture(fixture), stderr: '', failure: null, detail: null });

export const notInstalled: ProcessResult = { code: null, stdout: '', stderr: '', failure: 'not_found', detail: 'nvidia-smi: spawn nvidia-smi ENOENT' };

export const hung: ProcessResult = { code: null, stdout: '', stderr: '', failure: 'timeout', detail: 'nvidia-smi did not finish within 5000 ms' };

/** The real systeminformation, with `graphics()` replaced so fallback lists are known in advance. */
export function realSysinfoWithGraphics(graphics: SystemInfoSource['graphics']): SystemInfoSource {
  return { osInfo: () => si.osInfo(), cpu: () => si.cpu(), mem: () => si.mem(), currentLoad: () => si.currentLoad(), graphics };
}

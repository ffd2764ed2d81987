/**
 * Runs python-runtime's `merge` command (lathe_runtime/merge.py): the adapter folded into the
 * base model, written atomically as one GGUF. Its stdout is JSON lines (progress, then done or
 * error with a kind); the runtime's kinds become the app's error kinds here.
 */
import { spawn as spawnChild, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createInterface } from 'node:readline';
import { LatheError, type ErrorKind } from '../contract';

export type SpawnMerge = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

export interface MergeRequest {
  python: string;
  runtimeDir: string;
  env: NodeJS.ProcessEnv;
  base: string;
  adapter: string;
  out: string;
  type?: 'auto' | 'f32' | 'f16' | 'bf16' | 'q8_0';
  onProgress?: (fraction: number) => void;
  spawn?: SpawnMerge;
}

export interface MergeSummary {
  path: string;
  bytes: number;
  merged: number;
  factor: number;
  types: Record<string, number>;
}

const KINDS: Record<string, ErrorKind> = { mismatch: 'invalid_input', invalid_input: 'invalid_input', invalid_file: 'invalid_file', unsupported: 'unsupported', not_found: 'not_found', unwritable: 'unwritable' };

export function mergeArgs(request: Pick<MergeRequest, 'base' | 'adapter' | 'out' | 'type'>): string[] {
  return ['-m', 'lathe_runtime', 'merge', '--base', request.base, '--adapter', request.adapter, '--out', request.out, '--type', request.type ?? 'auto'];
}

export function runMerge(request: MergeRequest): Promise<MergeSummary> {
  const child = (request.spawn ?? spawnChild)(request.python, mergeArgs(request), {
    env: { ...request.env, PYTHONPATH: request.runtimeDir, PYTHONUNBUFFERED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let summary: MergeSummary | null = null;
  let failure: LatheError | null = null;
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-4000);
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    if (event.event === 'progress' && typeof event.fraction === 'number') request.onProgress?.(event.fraction);
    else if (event.event === 'done') summary = event as unknown as MergeSummary;
    else if (event.event === 'error') {
      failure = new LatheError(KINDS[String(event.kind)] ?? 'internal', `The merge was refused: ${String(event.message)}`, JSON.stringify(event.problems ?? []));
    }
  });
  return new Promise((resolve, reject) => {
    child.on('error', (error) => reject(new LatheError('unavailable', `Python could not be started for the merge: ${error.message}`)));
    child.on('close', (code) => {
      if (summary !== null && code === 0) resolve(summary);
      else reject(failure ?? new LatheError('internal', `The merge ended with exit code ${code} and no result.`, log));
    });
  });
}

/**
 * Runs a program to completion and collects its output. Always an argument array, never a
 * shell (DESIGN §6). A program that is missing, crashes or overruns its time limit is a
 * normal outcome the caller inspects, not an exception: `nvidia-smi` absent is how most
 * machines without an NVIDIA GPU answer, and `python3` absent is a state the UI explains.
 */
import { spawn } from 'node:child_process';

export interface ProcessResult {
  /** Exit code; null when the program did not exit normally (not found, killed, timed out). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the program could not run or was stopped: `not_found`, `timeout`, `signal`, `spawn_failed`. */
  failure: 'not_found' | 'timeout' | 'signal' | 'spawn_failed' | null;
  /** Human-readable detail for the failure. */
  detail: string | null;
}

export interface RunOptions {
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Output past this many bytes per stream is dropped, so a chatty program cannot exhaust memory. */
  maxOutputBytes?: number;
}

export type RunProcess = (command: string, args: readonly string[], options?: RunOptions) => Promise<ProcessResult>;

export const runProcess: RunProcess = (command, args, options = {}) =>
  new Promise((resolve) => {
    const limit = options.maxOutputBytes ?? 4 * 1024 * 1024;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let timedOut = false;
    let settled = false;
    const finish = (result: ProcessResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };

    let child;
    try {
      child = spawn(command, [...args], {
        env: options.env ?? process.env,
        cwd: options.cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (error) {
      resolve({ code: null, stdout: '', stderr: '', failure: 'spawn_failed', detail: String(error) });
      return;
    }
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 30_000);

    child.stdout.on('data', (chunk: Buffer) => {
      if (outBytes < limit) out.push(chunk);
      outBytes += chunk.length;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (errBytes < limit) err.push(chunk);
      errBytes += chunk.length;
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      const failure = error.code === 'ENOENT' ? 'not_found' : 'spawn_failed';
      finish({ code: null, stdout: '', stderr: '', failure, detail: `${command}: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (timedOut) {
        finish({ code: null, stdout, stderr, failure: 'timeout', detail: `${command} did not finish within ${options.timeoutMs ?? 30_000} ms` });
      } else if (signal) {
        finish({ code: null, stdout, stderr, failure: 'signal', detail: `${command} was stopped by ${signal}` });
      } else {
        finish({ code, stdout, stderr, failure: null, detail: null });
      }
    });
  });

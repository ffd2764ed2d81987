/**
 * Runs one step of a set-up (venv, pip, the health check) with its output delivered line by
 * line as it comes, and stops it when the set-up is cancelled. Argument arrays, never a shell
 * (DESIGN §6). Like run-process.ts, a missing program or a kill is an outcome, not an exception.
 */
import { spawn } from 'node:child_process';

export interface StreamResult {
  code: number | null;
  /** `not_found` when the program does not exist; `cancelled` when the signal stopped it. */
  failure: 'not_found' | 'spawn_failed' | 'signal' | 'cancelled' | null;
  detail: string | null;
}

export interface StreamOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  signal?: AbortSignal;
  onLine: (line: string, stream: 'stdout' | 'stderr') => void;
}

/** The way set-up starts a program; tests wrap it (a file-size limit on pip, say). */
export type StreamProcess = (command: string, args: readonly string[], options: StreamOptions) => Promise<StreamResult>;

/** How long a cancelled program gets to exit on its own before it is killed. */
const STOP_GRACE_MS = 3_000;

export const streamProcess: StreamProcess = (command, args, options) =>
  new Promise((resolve) => {
    if (options.signal?.aborted) {
      resolve({ code: null, failure: 'cancelled', detail: 'cancelled before it started' });
      return;
    }
    let settled = false;
    let cancelled = false;
    const finish = (result: StreamResult): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const child = spawn(command, [...args], { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const onAbort = (): void => {
      cancelled = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS).unref();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    for (const name of ['stdout', 'stderr'] as const) {
      let pending = '';
      child[name].setEncoding('utf8');
      child[name].on('data', (chunk: string) => {
        // pip redraws progress with \r on a terminal; treat it as a line end too.
        const parts = (pending + chunk).split(/\r\n|\r|\n/);
        pending = parts.pop() ?? '';
        for (const line of parts) if (line.trim() !== '') options.onLine(line, name);
      });
      child[name].on('end', () => {
        if (pending.trim() !== '') options.onLine(pending, name);
        pending = '';
      });
    }
    child.on('error', (error: NodeJS.ErrnoException) => {
      finish({ code: null, failure: error.code === 'ENOENT' ? 'not_found' : 'spawn_failed', detail: `${command}: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      if (cancelled) finish({ code, failure: 'cancelled', detail: 'cancelled' });
      else if (signal) finish({ code: null, failure: 'signal', detail: `${command} was stopped by ${signal}` });
      else finish({ code, failure: null, detail: null });
    });
  });

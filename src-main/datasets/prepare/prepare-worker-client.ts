/**
 * The main process's side of the preparing workers: starts them, sends messages, and hands
 * back their answers in the order they arrive, each with the worker it came from. A worker
 * that fails answers with a `LatheError`; one that dies (out of memory, llama.cpp aborting)
 * makes every wait end with `unavailable`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { LatheError } from '../../contract';
import type { FromWorker, ToWorker } from './worker-protocol';

export type ForkWorker = (path: string, env: NodeJS.ProcessEnv) => ChildProcess;

export interface PrepareWorkerDeps {
  /** The built worker entry (out/main/dataset-prepare-worker.js). */
  workerPath: string;
  /** Defaults to child_process.fork; tests may wrap it. */
  forkWorker?: ForkWorker;
}

export type WorkerAnswer = Exclude<FromWorker, { type: 'failed' }>;

/**
 * How many workers a preparation uses. Rendering and tokenizing are nearly all the work; the
 * main process's share (reading the file, writing the results) is about a quarter of one
 * worker's, so two workers fill even a two-core machine, and beyond that one core is left for
 * the app. More than four gain little: reading and writing then lead.
 */
export function defaultWorkerCount(logicalCores: number): number {
  if (logicalCores <= 1) return 1;
  return Math.min(4, Math.max(2, logicalCores - 1));
}

export class PrepareWorkers {
  private readonly inbox: { worker: number; message: FromWorker }[] = [];
  private wake: (() => void) | null = null;
  private ended: LatheError | null = null;
  private readonly exited: Promise<void>[];

  private constructor(private readonly children: ChildProcess[]) {
    this.exited = children.map(
      (child, worker) =>
        new Promise<void>((resolve) => {
          child.on('message', (message: FromWorker) => {
            this.inbox.push({ worker, message });
            this.wake?.();
          });
          child.on('exit', (code, signal) => {
            this.ended ??= new LatheError(
              'unavailable',
              `A preparing worker ${signal ? `was stopped by ${signal}` : `exited with code ${code}`}; Lathe's log has llama.cpp's reason.`,
            );
            this.wake?.();
            resolve();
          });
          child.on('error', (error) => {
            this.ended ??= new LatheError('unavailable', `A preparing worker could not run: ${error.message}`);
            this.wake?.();
            if (child.pid === undefined) resolve(); // never started: there will be no exit
          });
        }),
    );
  }

  static start(count: number, deps: PrepareWorkerDeps): PrepareWorkers {
    // ELECTRON_RUN_AS_NODE lets Electron's own binary run the worker as plain Node.
    const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
    const forkWorker = deps.forkWorker ?? defaultFork;
    const children: ChildProcess[] = [];
    try {
      for (let worker = 0; worker < count; worker++) children.push(forkWorker(deps.workerPath, env));
    } catch (error) {
      for (const child of children) child.kill('SIGKILL');
      throw error;
    }
    return new PrepareWorkers(children);
  }

  get size(): number {
    return this.children.length;
  }

  send(worker: number, message: ToWorker): void {
    if (this.ended) throw this.ended;
    this.children[worker]?.send(message);
  }

  broadcast(message: ToWorker): void {
    for (let worker = 0; worker < this.children.length; worker++) this.send(worker, message);
  }

  /** The next answer from any worker; a `failed` answer is thrown as the LatheError it carries. */
  async receive(signal?: AbortSignal): Promise<{ worker: number; message: WorkerAnswer }> {
    for (;;) {
      if (signal?.aborted) throw cancelled();
      const next = this.inbox.shift();
      if (next !== undefined) {
        if (next.message.type === 'failed') throw LatheError.fromPayload(next.message.error);
        return { worker: next.worker, message: next.message };
      }
      if (this.ended) throw this.ended;
      await new Promise<void>((resolve) => {
        const onAbort = (): void => resolve();
        this.wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      this.wake = null;
    }
  }

  /** Ends every worker and waits until they have gone. */
  async stop(): Promise<void> {
    this.ended ??= new LatheError('cancelled', 'The preparing workers were stopped.');
    for (const child of this.children) {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    await Promise.all(this.exited);
  }
}

export function cancelled(): LatheError {
  return new LatheError('cancelled', 'Preparing the dataset was cancelled.');
}

function defaultFork(path: string, env: NodeJS.ProcessEnv): ChildProcess {
  // 'advanced' serialization: rows and typed arrays cross as structured clones, not JSON text.
  // stderr carries llama.cpp's own log: the only place a load failure's cause appears.
  return fork(path, [], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
}

/**
 * Runs generation in the inference worker and keeps the main process safe from it: every
 * model, and every adapter against its model, is checked before the worker is asked to load
 * it (llama.cpp aborts on some missing keys), and a worker that dies is reported and replaced
 * on the next request.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { LatheError } from '../contract';
import { assertAdapterFits } from './assert-adapter-fits';
import { generateRequestSchema, type FromWorker, type GenerateRequest, type GenerateResult, type ToWorker, type WorkerSettings } from './worker-protocol';

export interface InferenceServiceDeps {
  /** The built worker entry (out/main/inference-worker.js). */
  workerPath: string;
  settings: WorkerSettings;
  /** Throws a LatheError naming the problem when llama.cpp must not be asked to load `path`. */
  checkModel: (path: string) => Promise<void>;
  /** Throws a LatheError naming the mismatch when the adapter does not belong to the model (default: `assertAdapterFits`). */
  checkAdapter?: (adapterPath: string, modelPath: string) => Promise<void>;
  /** Told when a worker ends unexpectedly (exit code or signal), for logs and the UI. */
  onWorkerExit?: (description: string) => void;
  /** Defaults to child_process.fork; tests may wrap it. */
  forkWorker?: (path: string, env: NodeJS.ProcessEnv) => ChildProcess;
}

interface Pending {
  onChunk: (text: string) => void;
  resolve: (result: GenerateResult) => void;
  reject: (error: LatheError) => void;
}

export class InferenceService {
  private worker: ChildProcess | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly deps: InferenceServiceDeps) {}

  async generate(request: GenerateRequest, onChunk: (text: string) => void = () => {}, signal?: AbortSignal): Promise<GenerateResult> {
    // The worker drops a message it cannot parse, so a bad request is refused here, not left waiting.
    const checked = generateRequestSchema.safeParse(request);
    if (!checked.success) throw new LatheError('invalid_input', `Invalid generation request: ${checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    await this.deps.checkModel(request.modelPath);
    if (request.adapter) await (this.deps.checkAdapter ?? assertAdapterFits)(request.adapter.path, request.modelPath);
    if (signal?.aborted) throw new LatheError('cancelled', 'Generation was cancelled.');
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<GenerateResult>((resolve, reject) => {
      this.pending.set(id, { onChunk, resolve, reject });
      signal?.addEventListener('abort', () => this.post(worker, { type: 'cancel', id }), { once: true });
      this.post(worker, { type: 'generate', id, request });
    });
  }

  /** Whether a worker process is running now (it starts on first use). */
  get workerPid(): number | null {
    return this.worker?.pid ?? null;
  }

  close(): void {
    const worker = this.worker;
    this.worker = null;
    worker?.kill();
    this.failAll('Inference was shut down.');
  }

  private ensureWorker(): ChildProcess {
    if (this.worker) return this.worker;
    // ELECTRON_RUN_AS_NODE lets Electron's own binary run the worker as plain Node.
    const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1', LATHE_INFERENCE_SETTINGS: JSON.stringify(this.deps.settings) };
    const worker = (this.deps.forkWorker ?? defaultFork)(this.deps.workerPath, env);
    this.worker = worker;
    worker.on('message', (message: FromWorker) => this.receive(message));
    worker.on('exit', (code, signal) => {
      if (this.worker !== worker) return;
      this.worker = null;
      const description = signal ? `stopped by ${signal}` : `exited with code ${code}`;
      this.deps.onWorkerExit?.(description);
      this.failAll(`The inference worker ${description}; it will be restarted on the next request. Lathe's log has llama.cpp's reason.`);
    });
    worker.on('error', (error) => this.deps.onWorkerExit?.(`could not run: ${error.message}`));
    return worker;
  }

  private post(worker: ChildProcess, message: ToWorker): void {
    if (worker.connected) worker.send(message);
  }

  private receive(message: FromWorker): void {
    if (message.type === 'ready') return;
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    if (message.type === 'chunk') {
      waiter.onChunk(message.text);
      return;
    }
    this.pending.delete(message.id);
    if (message.type === 'done') waiter.resolve(message.result);
    else waiter.reject(new LatheError('internal', `Generation failed: ${message.message}`, message.detail));
  }

  private failAll(message: string): void {
    const error = new LatheError('unavailable', message);
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}

function defaultFork(path: string, env: NodeJS.ProcessEnv): ChildProcess {
  // stderr carries llama.cpp's own log: the only place a load failure's cause appears.
  return fork(path, [], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' });
}

/**
 * Runs generation in the inference worker and keeps the main process safe from it: every
 * model, and every adapter against its model, is checked before the worker is asked to load
 * it (llama.cpp aborts on some missing keys), and a worker that dies is reported and replaced
 * on the next request.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { LatheError } from '../contract';
import { assertAdapterFits } from './assert-adapter-fits';
import { logitsCheckSchema, scoreRequestSchema, type LogitsCheck, type ScoreRequest, type ScoreResult } from './score-tokens';
import {
  chatTurnRequestSchema,
  generateRequestSchema,
  type ChatPaneFailureKind,
  type ChatPaneResult,
  type ChatTurnRequest,
  type FromWorker, type GenerateRequest, type GenerateResult, type ToWorker, type WorkerSettings } from './worker-protocol';

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

/** What a chat turn reports, pane by pane (panes numbered as in the request). */
export interface ChatTurnListener {
  token: (pane: number, text: string) => void;
  done: (pane: number, result: ChatPaneResult) => void;
  /** A pane refused or failed; `kind` is a contract error kind. */
  failed: (pane: number, kind: ChatPaneFailureKind, message: string) => void;
}

interface PendingChat {
  listener: ChatTurnListener;
  /** Worker pane index → the caller's (panes refused before the worker are left out). */
  panes: number[];
  resolve: () => void;
  reject: (error: LatheError) => void;
}

interface Pending {
  onChunk: (text: string) => void;
  resolve: (result: GenerateResult) => void;
  reject: (error: LatheError) => void;
}

export class InferenceService {
  private worker: ChildProcess | null = null;
  private readonly pending = new Map<number, Pending>();
  /** Scoring and detokenizing for evaluation (score-tokens.ts), answered by one message each. */
  private readonly evaluations = new Map<number, { resolve: (value: ScoreResult | string[] | { maxAbsDiff: number; tokens: number }) => void; reject: (error: LatheError) => void }>();
  private readonly chats = new Map<number, PendingChat>();
  private nextId = 1;
  private closed = false;

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

  /**
   * One chat turn, every pane at once. The model is checked first (a refusal throws); each
   * pane's adapter is checked against it, and a mismatch fails that pane alone, naming it,
   * before llama.cpp sees the file. Resolves when every pane has answered or failed; rejects
   * with `unavailable` when the worker dies meanwhile.
   */
  async chat(request: ChatTurnRequest, listener: ChatTurnListener, signal?: AbortSignal): Promise<void> {
    const checked = chatTurnRequestSchema.safeParse(request);
    if (!checked.success) throw new LatheError('invalid_input', `Invalid chat request: ${checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    await this.deps.checkModel(request.modelPath);
    const accepted: number[] = [];
    for (const [index, pane] of request.panes.entries()) {
      try {
        if (pane.adapter) await (this.deps.checkAdapter ?? assertAdapterFits)(pane.adapter.path, request.modelPath);
        accepted.push(index);
      } catch (error) {
        listener.failed(index, 'invalid_input', error instanceof Error ? error.message : String(error));
      }
    }
    if (accepted.length === 0) return;
    if (signal?.aborted) throw new LatheError('cancelled', 'Generation was cancelled.');
    const worker = this.ensureWorker();
    const id = this.nextId++;
    const forWorker: ChatTurnRequest = { ...request, panes: accepted.map((index) => request.panes[index] as ChatTurnRequest['panes'][number]) };
    return new Promise<void>((resolve, reject) => {
      this.chats.set(id, { listener, panes: accepted, resolve, reject });
      signal?.addEventListener('abort', () => this.post(worker, { type: 'cancel', id }), { once: true });
      this.post(worker, { type: 'chat', id, request: forWorker });
    });
  }

  /** Σ −log p over the trained positions of `request.examples`, through llama.cpp's logits. */
  async score(request: ScoreRequest): Promise<ScoreResult> {
    const checked = scoreRequestSchema.safeParse(request);
    if (!checked.success) throw new LatheError('invalid_input', `Invalid scoring request: ${checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    await this.deps.checkModel(request.modelPath);
    if (request.adapter) await (this.deps.checkAdapter ?? assertAdapterFits)(request.adapter.path, request.modelPath);
    return (await this.ask((id) => ({ type: 'score', id, request }))) as ScoreResult;
  }

  /** Token ids as text with the model's own vocabulary; `specialTokens` spells control tokens out (`<|im_start|>`), else they are left out. */
  async detokenize(modelPath: string, tokens: number[][], specialTokens: boolean): Promise<string[]> {
    await this.deps.checkModel(modelPath);
    return (await this.ask((id) => ({ type: 'detokenize', id, modelPath, tokens, specialTokens }))) as string[];
  }

  /** Loads `request.mergedPath` and compares its logits with the base model plus the adapter on a prompt (exports' merged check). */
  async checkLogits(request: LogitsCheck): Promise<{ maxAbsDiff: number; tokens: number }> {
    const checked = logitsCheckSchema.safeParse(request);
    if (!checked.success) throw new LatheError('invalid_input', `Invalid logits check: ${checked.error.issues.map((issue) => issue.message).join('; ')}`);
    await this.deps.checkModel(request.mergedPath);
    await this.deps.checkModel(request.modelPath);
    await (this.deps.checkAdapter ?? assertAdapterFits)(request.adapter.path, request.modelPath);
    return (await this.ask((id) => ({ type: 'check-logits', id, request }))) as { maxAbsDiff: number; tokens: number };
  }

  private ask(message: (id: number) => ToWorker): Promise<ScoreResult | string[] | { maxAbsDiff: number; tokens: number }> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.evaluations.set(id, { resolve, reject });
      this.post(worker, message(id));
    });
  }

  /** Whether a worker process is running now (it starts on first use). */
  get workerPid(): number | null {
    return this.worker?.pid ?? null;
  }

  close(): void {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    worker?.kill();
    this.failAll('Inference was shut down.');
  }

  private ensureWorker(): ChildProcess {
    // A request still on its way when the app closes (an evaluation's next step) must not start a worker that outlives it.
    if (this.closed) throw new LatheError('unavailable', 'Inference was shut down.');
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
    const evaluation = this.evaluations.get(message.id);
    if (evaluation) {
      this.evaluations.delete(message.id);
      if (message.type === 'scored') evaluation.resolve(message.result);
      else if (message.type === 'detokenized') evaluation.resolve(message.texts);
      else if (message.type === 'checked') evaluation.resolve({ maxAbsDiff: message.maxAbsDiff, tokens: message.tokens });
      else if (message.type === 'failed') evaluation.reject(new LatheError('internal', `Evaluation failed: ${message.message}`, message.detail));
      return;
    }
    if (message.type === 'scored' || message.type === 'detokenized' || message.type === 'checked') return;
    if (message.type === 'chat-token' || message.type === 'chat-pane-done' || message.type === 'chat-pane-failed' || message.type === 'chat-done') {
      this.receiveChat(message);
      return;
    }
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

  private receiveChat(message: Extract<FromWorker, { type: `chat-${string}` }>): void {
    const chat = this.chats.get(message.id);
    if (!chat) return;
    if (message.type === 'chat-done') {
      this.chats.delete(message.id);
      chat.resolve();
      return;
    }
    const pane = chat.panes[message.pane];
    if (pane === undefined) return;
    if (message.type === 'chat-token') chat.listener.token(pane, message.text);
    else if (message.type === 'chat-pane-done') chat.listener.done(pane, message.result);
    else chat.listener.failed(pane, message.kind, message.message);
  }

  private failAll(message: string): void {
    const error = new LatheError('unavailable', message);
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
    for (const waiter of this.evaluations.values()) waiter.reject(error);
    this.evaluations.clear();
    for (const chat of this.chats.values()) chat.reject(error);
    this.chats.clear();
  }
}

function defaultFork(path: string, env: NodeJS.ProcessEnv): ChildProcess {
  // stderr carries llama.cpp's own log: the only place a load failure's cause appears.
  return fork(path, [], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' });
}

/**
 * The inference worker's entry (built to out/main/inference-worker.js and started by
 * InferenceService with `fork`). It keeps one model loaded at a time and answers generate
 * requests one after another, streaming text back as it is produced.
 *
 * LoRA adapters are applied per context in llama.cpp, so the loaded model keeps a few
 * contexts, one per (adapter, scale), and the base and a fine-tuned answer side by side do not
 * reload anything. node-llama-cpp caches an adapter file by path for the model's lifetime;
 * when a file at a known path changes on disk the model is loaded afresh.
 */
import { stat } from 'node:fs/promises';
import { getLlama, LlamaCompletion, type Llama, type LlamaContext, type LlamaModel, type Token } from 'node-llama-cpp';
import { contextThreads } from './context-threads';
import { logitRows, maxAbsDifference, scoreExamples, type LogitsCheck } from './score-tokens';
import { answerChatTurn } from './worker-chat';
import { toWorkerSchema, workerSettingsSchema, type FromWorker, type GenerateRequest, type GenerateResult, type ToWorker, type ChatTurnRequest } from './worker-protocol';

const settings = workerSettingsSchema.parse(JSON.parse(process.env.LATHE_INFERENCE_SETTINGS ?? '{}'));
/**
 * Each context holds its own KV cache: a comparison's panes (up to four: base and adapters)
 * each keep one, so a turn never evicts a context another of its panes is using.
 */
const MAX_CONTEXTS = 4;

interface LoadedModel {
  path: string;
  model: LlamaModel;
  contextSize: number;
  /** By adapter key (see `adapterKey`), least recently used first. */
  contexts: Map<string, LlamaContext>;
  /** Size and modification time of each adapter file when it was first applied. */
  adapterStamps: Map<string, string>;
}

let llama: Llama | null = null;
let loaded: LoadedModel | null = null;
const cancels = new Map<number, AbortController>();
/** Cancelled while still waiting in the queue. */
const cancelledEarly = new Set<number>();
let queue: Promise<void> = Promise.resolve();

function send(message: FromWorker): void {
  process.send?.(message);
}

/** What a context is made for: the model, its size, and the adapter applied to it. */
type ContextTarget = Pick<GenerateRequest, 'modelPath' | 'contextSize' | 'adapter'>;

function adapterKey(request: ContextTarget): string {
  return request.adapter ? `${request.adapter.scale}:${request.adapter.path}` : '';
}

async function fileStamp(path: string): Promise<string> {
  const info = await stat(path);
  return `${info.size}:${info.mtimeMs}`;
}

async function unload(): Promise<void> {
  if (!loaded) return;
  const { model, contexts } = loaded;
  loaded = null;
  for (const context of contexts.values()) await context.dispose();
  await model.dispose();
}

async function modelFor(request: ContextTarget): Promise<LoadedModel> {
  const contextSize = request.contextSize ?? 2048;
  if (loaded && request.adapter) {
    const known = loaded.adapterStamps.get(request.adapter.path);
    if (known !== undefined && known !== (await fileStamp(request.adapter.path))) await unload();
  }
  if (loaded && loaded.path === request.modelPath && loaded.contextSize === contextSize) return loaded;
  await unload();
  // maxThreads is the budget node-llama-cpp shares among contexts evaluating at once, so the
  // panes of a comparison split the cores instead of oversubscribing them.
  llama ??= await getLlama({ gpu: settings.gpu ? 'auto' : false, build: 'never', progressLogs: false, maxThreads: settings.threads });
  const model = await llama.loadModel({ modelPath: request.modelPath, gpuLayers: settings.gpu ? 'auto' : 0 });
  loaded = { path: request.modelPath, model, contextSize, contexts: new Map(), adapterStamps: new Map() };
  return loaded;
}

async function contextFor(request: ContextTarget): Promise<{ model: LlamaModel; context: LlamaContext }> {
  const current = await modelFor(request);
  const key = adapterKey(request);
  let context = current.contexts.get(key);
  if (context === undefined) {
    if (current.contexts.size >= MAX_CONTEXTS) {
      const [oldestKey, oldest] = current.contexts.entries().next().value as [string, LlamaContext];
      current.contexts.delete(oldestKey);
      await oldest.dispose();
    }
    const adapter = request.adapter;
    if (adapter && !current.adapterStamps.has(adapter.path)) current.adapterStamps.set(adapter.path, await fileStamp(adapter.path));
    context = await current.model.createContext({
      contextSize: Math.min(current.contextSize, current.model.trainContextSize),
      threads: { ideal: contextThreads(settings.threads, current.model.size), min: 1 },
      ...(adapter ? { lora: { adapters: [{ filePath: adapter.path, scale: adapter.scale }] } } : {}),
    });
  }
  // Most recently used last.
  current.contexts.delete(key);
  current.contexts.set(key, context);
  return { model: current.model, context };
}

async function generate(id: number, request: GenerateRequest): Promise<void> {
  const abort = new AbortController();
  if (cancelledEarly.delete(id)) abort.abort();
  cancels.set(id, abort);
  try {
    const { model, context } = await contextFor(request);
    const sequence = context.getSequence();
    try {
      const completion = new LlamaCompletion({ contextSequence: sequence });
      const started = performance.now();
      let firstTokenAt: number | null = null;
      let tokens = 0;
      const prompt = request.specialTokens ? model.tokenize(request.prompt, true) : request.prompt;
      const response = await completion.generateCompletionWithMeta(prompt, {
        maxTokens: request.maxTokens,
        temperature: request.temperature,
        ...(request.seed === undefined ? {} : { seed: request.seed }),
        signal: abort.signal,
        stopOnAbortSignal: true,
        onToken: (generated) => {
          firstTokenAt ??= performance.now();
          tokens += generated.length;
        },
        onTextChunk: (text) => send({ type: 'chunk', id, text }),
      });
      const ended = performance.now();
      const decodeSeconds = firstTokenAt === null ? 0 : (ended - firstTokenAt) / 1000;
      const result: GenerateResult = {
        text: response.response,
        tokens,
        // The first token's time belongs to prompt processing; the rate counts the ones after it.
        tokensPerSecond: tokens > 1 && decodeSeconds > 0 ? (tokens - 1) / decodeSeconds : 0,
        timeToFirstTokenMs: firstTokenAt === null ? 0 : firstTokenAt - started,
        stopReason: response.metadata.stopReason === 'abort' ? 'cancelled' : response.metadata.stopReason === 'maxTokens' ? 'max_tokens' : 'eos',
      };
      send({ type: 'done', id, result });
    } finally {
      sequence.dispose();
    }
  } catch (error) {
    send({ type: 'failed', id, message: error instanceof Error ? error.message : String(error), detail: String(error) });
  } finally {
    cancels.delete(id);
  }
}

/** A chat turn (worker-chat.ts): its panes generate together, then the next request runs. */
async function chat(id: number, request: ChatTurnRequest): Promise<void> {
  const abort = new AbortController();
  if (cancelledEarly.delete(id)) abort.abort();
  cancels.set(id, abort);
  try {
    await answerChatTurn(id, request, abort.signal, { contextFor, send });
  } finally {
    cancels.delete(id);
    send({ type: 'chat-done', id });
  }
}

/** A merged model's logits against its base with the adapter applied, on one prompt (exports). */
async function checkLogits(request: LogitsCheck): Promise<{ maxAbsDiff: number; tokens: number }> {
  const merged = (await modelFor({ modelPath: request.mergedPath })).model;
  const tokens = merged.tokenize(request.prompt, true);
  const mergedRows = await logitRows(merged, tokens, contextThreads(settings.threads, merged.size));
  const base = (await modelFor({ modelPath: request.modelPath, adapter: request.adapter })).model;
  const baseRows = await logitRows(base, tokens, contextThreads(settings.threads, base.size), request.adapter);
  return { maxAbsDiff: maxAbsDifference(mergedRows, baseRows), tokens: tokens.length };
}

/** Evaluation's requests (score-tokens.ts): on the model as it is loaded, so chats after them reload nothing. */
async function evaluate(message: Extract<ToWorker, { type: 'score' | 'detokenize' | 'check-logits' }>): Promise<void> {
  try {
    if (message.type === 'check-logits') {
      send({ type: 'checked', id: message.id, ...(await checkLogits(message.request)) });
      return;
    }
    const modelPath = message.type === 'score' ? message.request.modelPath : message.modelPath;
    const adapter = message.type === 'score' ? message.request.adapter : undefined;
    const contextSize = loaded?.path === modelPath ? loaded.contextSize : undefined;
    const current = await modelFor({ modelPath, contextSize, adapter });
    if (adapter && !current.adapterStamps.has(adapter.path)) current.adapterStamps.set(adapter.path, await fileStamp(adapter.path));
    if (message.type === 'detokenize') {
      send({ type: 'detokenized', id: message.id, texts: message.tokens.map((tokens) => current.model.detokenize(tokens as Token[], message.specialTokens)) });
    } else {
      send({ type: 'scored', id: message.id, result: await scoreExamples(current.model, message.request, contextThreads(settings.threads, current.model.size)) });
    }
  } catch (error) {
    send({ type: 'failed', id: message.id, message: error instanceof Error ? error.message : String(error), detail: String(error) });
  }
}

process.on('message', (raw: unknown) => {
  const parsed = toWorkerSchema.safeParse(raw);
  if (!parsed.success) return;
  const message = parsed.data;
  if (message.type === 'cancel') {
    const running = cancels.get(message.id);
    if (running) running.abort();
    else cancelledEarly.add(message.id);
    return;
  }
  if (message.type === 'chat') {
    queue = queue.then(() => chat(message.id, message.request));
    return;
  }
  if (message.type === 'score' || message.type === 'detokenize' || message.type === 'check-logits') {
    queue = queue.then(() => evaluate(message));
    return;
  }
  // One generation at a time: a context sequence is not shared between requests.
  queue = queue.then(() => generate(message.id, message.request));
});

// Without a parent there is nobody to answer: leave rather than linger.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });

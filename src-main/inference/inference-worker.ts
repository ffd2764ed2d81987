/**
 * The inference worker's entry (built to out/main/inference-worker.js and started by
 * InferenceService with `fork`). It keeps one model loaded at a time and answers generate
 * requests one after another, streaming text back as it is produced.
 */
import { getLlama, LlamaCompletion, type Llama, type LlamaContext, type LlamaModel } from 'node-llama-cpp';
import { toWorkerSchema, workerSettingsSchema, type FromWorker, type GenerateRequest, type GenerateResult } from './worker-protocol';

const settings = workerSettingsSchema.parse(JSON.parse(process.env.LATHE_INFERENCE_SETTINGS ?? '{}'));

let llama: Llama | null = null;
let loaded: { path: string; model: LlamaModel; context: LlamaContext; contextSize: number } | null = null;
const cancels = new Map<number, AbortController>();
/** Cancelled while still waiting in the queue. */
const cancelledEarly = new Set<number>();
let queue: Promise<void> = Promise.resolve();

function send(message: FromWorker): void {
  process.send?.(message);
}

async function contextFor(request: GenerateRequest): Promise<LlamaContext> {
  const contextSize = request.contextSize ?? 2048;
  if (loaded && loaded.path === request.modelPath && loaded.contextSize === contextSize) return loaded.context;
  if (loaded) {
    await loaded.context.dispose();
    await loaded.model.dispose();
    loaded = null;
  }
  llama ??= await getLlama({ gpu: settings.gpu ? 'auto' : false, build: 'never', progressLogs: false });
  const model = await llama.loadModel({ modelPath: request.modelPath, gpuLayers: settings.gpu ? 'auto' : 0 });
  const context = await model.createContext({ contextSize: Math.min(contextSize, model.trainContextSize), threads: settings.threads });
  loaded = { path: request.modelPath, model, context, contextSize };
  return context;
}

async function generate(id: number, request: GenerateRequest): Promise<void> {
  const abort = new AbortController();
  if (cancelledEarly.delete(id)) abort.abort();
  cancels.set(id, abort);
  try {
    const context = await contextFor(request);
    const sequence = context.getSequence();
    try {
      const completion = new LlamaCompletion({ contextSequence: sequence });
      const started = performance.now();
      let firstTokenAt: number | null = null;
      let tokens = 0;
      const response = await completion.generateCompletionWithMeta(request.prompt, {
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
  // One generation at a time: a context sequence is not shared between requests.
  queue = queue.then(() => generate(message.id, message.request));
});

// Without a parent there is nobody to answer: leave rather than linger.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });

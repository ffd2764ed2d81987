/**
 * A chat turn inside the inference worker: each pane's history is rendered with the model's
 * own chat template through node-llama-cpp's Jinja chat wrapper (the ChatML template the
 * dataset preparer uses when the model has none, so a fine-tune is asked exactly as it was
 * trained), counted in tokens before anything is evaluated, and answered with the pane's
 * adapter. Panes with different adapters run at the same time in their own contexts; panes
 * that share one take turns on it.
 */
import { JinjaTemplateChatWrapper, LlamaCompletion, type ChatHistoryItem, type LlamaContext, type LlamaModel } from 'node-llama-cpp';
import { CHATML_TEMPLATE } from '../datasets/prepare/chat-template';
import type { ChatPaneResult, ChatTurnRequest, FromWorker } from './worker-protocol';

type Pane = ChatTurnRequest['panes'][number];

export interface ChatTurnDeps {
  /** The loaded model and a context with `adapter` applied (created or reused). */
  contextFor: (target: { modelPath: string; contextSize?: number; adapter?: Pane['adapter'] }) => Promise<{ model: LlamaModel; context: LlamaContext }>;
  send: (message: FromWorker) => void;
}

export async function answerChatTurn(id: number, request: ChatTurnRequest, signal: AbortSignal, deps: ChatTurnDeps): Promise<void> {
  const started = performance.now();
  const lanes = new Map<string, number[]>();
  request.panes.forEach((pane, index) => {
    const key = pane.adapter ? `${pane.adapter.scale}:${pane.adapter.path}` : '';
    lanes.set(key, [...(lanes.get(key) ?? []), index]);
  });
  // Contexts are made one after another (the model loads once), then the lanes generate together.
  const ready: { panes: number[]; model: LlamaModel; context: LlamaContext }[] = [];
  for (const panes of lanes.values()) {
    const adapter = request.panes[panes[0] ?? 0]?.adapter;
    try {
      ready.push({ panes, ...(await deps.contextFor({ modelPath: request.modelPath, contextSize: request.contextSize, adapter })) });
    } catch (error) {
      const what = adapter ? `the adapter ${adapter.path} could not be applied` : `the model ${request.modelPath} could not be loaded`;
      for (const pane of panes) deps.send({ type: 'chat-pane-failed', id, pane, kind: 'internal', message: `llama.cpp failed: ${what} (${errorText(error)}).` });
    }
  }
  await Promise.all(
    ready.map(async ({ panes, model, context }) => {
      for (const pane of panes) {
        try {
          const result = await answerPane(id, pane, request, { model, context, signal, started, send: deps.send });
          if (result) deps.send({ type: 'chat-pane-done', id, pane, result });
        } catch (error) {
          deps.send({ type: 'chat-pane-failed', id, pane, kind: 'internal', message: `Generation failed: ${errorText(error)}` });
        }
      }
    }),
  );
}

interface PaneRun {
  model: LlamaModel;
  context: LlamaContext;
  signal: AbortSignal;
  started: number;
  send: (message: FromWorker) => void;
}

/** Null when the pane was refused (the refusal has been sent). */
async function answerPane(id: number, index: number, request: ChatTurnRequest, run: PaneRun): Promise<ChatPaneResult | null> {
  const { model, context, signal, send } = run;
  const pane = request.panes[index] as Pane;
  const state = chatWrapperFor(model).generateContextState({ chatHistory: chatHistory(pane.messages) });
  const prompt = state.contextText.tokenize(model.tokenizer);
  // Counted before evaluating: llama.cpp would otherwise shift the context and drop the start silently.
  const room = context.contextSize - prompt.length;
  if (room < 1) {
    send({
      type: 'chat-pane-failed',
      id,
      pane: index,
      kind: 'invalid_input',
      message: `The conversation is ${prompt.length} tokens long with the chat template, and the model's context holds ${context.contextSize} tokens: shorten the message or the system prompt, or start a new conversation.`,
    });
    return null;
  }
  const { sampling } = request;
  const sequence = context.getSequence();
  try {
    let firstTokenAt: number | null = null;
    let tokens = 0;
    const response = await new LlamaCompletion({ contextSequence: sequence }).generateCompletionWithMeta(prompt, {
      maxTokens: Math.min(sampling.maxTokens, room),
      temperature: sampling.temperature,
      topP: sampling.topP,
      topK: sampling.topK,
      minP: sampling.minP,
      ...(sampling.seed === null ? {} : { seed: sampling.seed }),
      repeatPenalty: sampling.repeatPenalty === 1 ? false : { penalty: sampling.repeatPenalty },
      customStopTriggers: state.stopGenerationTriggers,
      disableContextShift: true,
      signal,
      stopOnAbortSignal: true,
      onToken: (generated) => {
        firstTokenAt ??= performance.now();
        tokens += generated.length;
      },
      onTextChunk: (text) => send({ type: 'chat-token', id, pane: index, text }),
    });
    const ended = performance.now();
    const decodeSeconds = firstTokenAt === null ? 0 : (ended - firstTokenAt) / 1000;
    const stop = response.metadata.stopReason;
    return {
      text: response.response,
      tokens,
      promptTokens: prompt.length,
      // As for `generate`: the first token belongs to prompt processing.
      tokensPerSecond: tokens > 1 && decodeSeconds > 0 ? (tokens - 1) / decodeSeconds : 0,
      timeToFirstTokenMs: firstTokenAt === null ? 0 : firstTokenAt - run.started,
      stopReason: stop === 'abort' ? 'cancelled' : stop === 'maxTokens' ? 'max_tokens' : 'eos',
    };
  } finally {
    sequence.dispose();
  }
}

const wrappers = new WeakMap<LlamaModel, JinjaTemplateChatWrapper>();

/** The model's own template; ChatML (as the dataset preparer renders it) when it has none. */
function chatWrapperFor(model: LlamaModel): JinjaTemplateChatWrapper {
  let wrapper = wrappers.get(model);
  if (wrapper === undefined) {
    const own = model.fileInfo.metadata.tokenizer?.chat_template;
    wrapper = new JinjaTemplateChatWrapper({ template: typeof own === 'string' && own.trim() !== '' ? own : CHATML_TEMPLATE });
    wrappers.set(model, wrapper);
  }
  return wrapper;
}

/** The pane's messages plus the empty answer the template's generation prompt opens. */
function chatHistory(messages: Pane['messages']): ChatHistoryItem[] {
  const items: ChatHistoryItem[] = messages.map((message) =>
    message.role === 'system' ? { type: 'system', text: message.content } : message.role === 'user' ? { type: 'user', text: message.content } : { type: 'model', response: [message.content] },
  );
  items.push({ type: 'model', response: [] });
  return items;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

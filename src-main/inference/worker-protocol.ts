/**
 * Messages between the main process and the inference worker (a child process that hosts
 * llama.cpp through node-llama-cpp). llama.cpp can abort its whole process on a bad file or
 * run out of memory; in a child, that costs a restart, not the app.
 */
import { z } from 'zod';
import { logitsCheckSchema, scoreRequestSchema, type ScoreResult } from './score-tokens';
import { samplingSchema } from '../contract/playground-contract';

export const workerSettingsSchema = z.object({
  /** Compute threads: never more than physical cores (oversubscribed llama.cpp is ~500× slower). */
  threads: z.number().int().positive(),
  /** Offload to a GPU when one is usable. */
  gpu: z.boolean(),
});
export type WorkerSettings = z.infer<typeof workerSettingsSchema>;

export const generateRequestSchema = z.object({
  modelPath: z.string().min(1),
  prompt: z.string(),
  maxTokens: z.number().int().positive().max(32_768),
  temperature: z.number().min(0).max(5),
  seed: z.number().int().nonnegative().optional(),
  contextSize: z.number().int().positive().max(1 << 20).optional(),
  /** A LoRA adapter (GGUF) applied over the model at `scale`: 0 is the base model, 1 the adapter as trained. */
  adapter: z.object({ path: z.string().min(1), scale: z.number().min(0).max(2) }).strict().optional(),
  /**
   * Read control tokens written in the prompt (`<|im_start|>`…) as those tokens, as a chat
   * template's output needs; off, they are plain text (a person's prompt is never parsed).
   */
  specialTokens: z.boolean().optional(),
});
export type GenerateRequest = z.infer<typeof generateRequestSchema>;

/** Sampling for a chat answer (`seed` null draws a new one each time): the contract's own schema. */
export const chatSamplingSchema = samplingSchema;

const chatMessageSchema = z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() }).strict();

/**
 * One chat turn answered by up to four panes at once, each with its own history (a
 * comparison keeps one answer per pane) and optional adapter. The worker renders each
 * history with the model's own chat template (ChatML when it has none), counts its tokens
 * before evaluating anything, and generates the panes concurrently, one context per adapter.
 */
export const chatTurnRequestSchema = z
  .object({
    modelPath: z.string().min(1),
    contextSize: z.number().int().positive().max(1 << 20).optional(),
    sampling: chatSamplingSchema,
    panes: z
      .array(
        z
          .object({
            adapter: z.object({ path: z.string().min(1), scale: z.number().min(0).max(2) }).strict().optional(),
            messages: z.array(chatMessageSchema).min(1),
          })
          .strict(),
      )
      .min(1)
      .max(4),
  })
  .strict();
export type ChatTurnRequest = z.infer<typeof chatTurnRequestSchema>;

export const toWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('generate'), id: z.number().int(), request: generateRequestSchema }),
  z.object({ type: z.literal('chat'), id: z.number().int(), request: chatTurnRequestSchema }),
  z.object({ type: z.literal('cancel'), id: z.number().int() }),
  // Evaluation (score-tokens.ts): losses at trained positions, and token ids back to text.
  z.object({ type: z.literal('score'), id: z.number().int(), request: scoreRequestSchema }),
  z.object({ type: z.literal('check-logits'), id: z.number().int(), request: logitsCheckSchema }),
  z.object({ type: z.literal('detokenize'), id: z.number().int(), modelPath: z.string().min(1), tokens: z.array(z.array(z.number().int().nonnegative())).max(10_000), specialTokens: z.boolean() }),
]);
export type ToWorker = z.infer<typeof toWorkerSchema>;

export interface GenerateResult {
  text: string;
  tokens: number;
  /** From the first generated token to the last: the decoding rate people compare. */
  tokensPerSecond: number;
  timeToFirstTokenMs: number;
  stopReason: 'eos' | 'max_tokens' | 'cancelled';
}

/** One pane's answer to a chat turn. */
export interface ChatPaneResult {
  text: string;
  tokens: number;
  /** The rendered history's length in tokens. */
  promptTokens: number;
  tokensPerSecond: number;
  /** From the turn reaching the worker to this pane's first token. */
  timeToFirstTokenMs: number;
  stopReason: 'eos' | 'max_tokens' | 'cancelled';
}

/** `invalid_input`: the history does not fit the context; `internal`: llama.cpp failed (a load, an adapter). */
export type ChatPaneFailureKind = 'invalid_input' | 'internal';

export type FromWorker =
  | { type: 'ready' }
  | { type: 'chunk'; id: number; text: string }
  | { type: 'done'; id: number; result: GenerateResult }
  | { type: 'failed'; id: number; message: string; detail?: string }
  | { type: 'scored'; id: number; result: ScoreResult }
  | { type: 'checked'; id: number; maxAbsDiff: number; tokens: number }
  | { type: 'detokenized'; id: number; texts: string[] }
  | { type: 'chat-token'; id: number; pane: number; text: string }
  | { type: 'chat-pane-done'; id: number; pane: number; result: ChatPaneResult }
  | { type: 'chat-pane-failed'; id: number; pane: number; kind: ChatPaneFailureKind; message: string }
  /** Every pane of the turn has answered or failed. */
  | { type: 'chat-done'; id: number };

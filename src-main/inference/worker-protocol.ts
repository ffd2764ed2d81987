/**
 * Messages between the main process and the inference worker (a child process that hosts
 * llama.cpp through node-llama-cpp). llama.cpp can abort its whole process on a bad file or
 * run out of memory; in a child, that costs a restart, not the app.
 */
import { z } from 'zod';

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

export const toWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('generate'), id: z.number().int(), request: generateRequestSchema }),
  z.object({ type: z.literal('cancel'), id: z.number().int() }),
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

export type FromWorker =
  | { type: 'ready' }
  | { type: 'chunk'; id: number; text: string }
  | { type: 'done'; id: number; result: GenerateResult }
  | { type: 'failed'; id: number; message: string; detail?: string };

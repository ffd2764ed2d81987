/**
 * How well a model predicts the trained tokens of prepared examples, through llama.cpp's own
 * logits (issue 7, evaluation): for every position whose mask is 1 (docs/prepared-data.md; the
 * first token of an example is never predicted), the log-probability llama.cpp gives that token
 * after the ones before it. The log-softmax is taken in float64 over the whole vocabulary, so
 * the sum over thousands of tokens is not limited by float32 round-off; llama.cpp's float32
 * logits are the only approximation.
 *
 * Runs inside the inference worker (it needs a loaded `LlamaModel`); `logProbabilityOf` is the
 * pure part, tested on its own.
 */
import type { LlamaModel } from 'node-llama-cpp';
import { z } from 'zod';

export const scoreRequestSchema = z.object({
  modelPath: z.string().min(1),
  adapter: z.object({ path: z.string().min(1), scale: z.number().min(0).max(2) }).strict().optional(),
  /** Token ids and their loss mask (1 = trained), one pair per example, of equal lengths. */
  examples: z
    .array(z.object({ tokens: z.array(z.number().int().nonnegative()), mask: z.array(z.number().int().min(0).max(1)) }).strict())
    .min(1)
    .max(10_000),
});
export type ScoreRequest = z.infer<typeof scoreRequestSchema>;

export interface ScoreResult {
  /** Σ −log p(token | tokens before it) over the trained positions, in nats. */
  lossSum: number;
  /** How many positions were scored. */
  targets: number;
  /** Trained positions past the context that were left out (0 unless an example is longer than the model's context). */
  skipped: number;
}

/**
 * log p(target) from a row of logits: logit − log Σ exp(logit), in float64 with the maximum
 * taken out first so no term overflows.
 */
export function logProbabilityOf(logits: ArrayLike<number>, target: number): number {
  if (target < 0 || target >= logits.length) throw new RangeError(`token ${target} is outside a vocabulary of ${logits.length}`);
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max);
  return logits[target]! - max - Math.log(sum);
}

/** Positions (0-based) whose next token is trained: the logits there predict a masked token. */
export function predictingPositions(mask: readonly number[], length: number): number[] {
  const positions: number[] = [];
  for (let t = 1; t < Math.min(mask.length, length); t++) if (mask[t] === 1) positions.push(t - 1);
  return positions;
}

/**
 * Scores `request.examples` with `model` (and the adapter, when given) in one short-lived
 * context. Its KV cache is F32 and flash attention is off: a chat's F16 cache moves logits by
 * ~1e-3 (tests/python-runtime/llama_logits.mjs), which would show as noise in the loss.
 */
export async function scoreExamples(model: LlamaModel, request: ScoreRequest, threads: number, signal?: AbortSignal): Promise<ScoreResult> {
  const longest = Math.max(...request.examples.map((example) => example.tokens.length));
  // Room to spare: a sequence that fills its context is shifted before its last token.
  const contextSize = Math.min(model.trainContextSize, longest + 64);
  const limit = contextSize - 64 > 0 ? contextSize - 64 : contextSize;
  const context = await model.createContext({
    contextSize,
    threads,
    experimentalKvCacheKeyType: 'F32',
    experimentalKvCacheValueType: 'F32',
    flashAttention: false,
    ...(request.adapter ? { lora: { adapters: [{ filePath: request.adapter.path, scale: request.adapter.scale }] } } : {}),
  });
  const result: ScoreResult = { lossSum: 0, targets: 0, skipped: 0 };
  try {
    const sequence = context.getSequence();
    for (const { tokens, mask } of request.examples) {
      if (signal?.aborted) throw new Error('Scoring was cancelled.');
      if (tokens.length !== mask.length) throw new Error(`an example has ${tokens.length} tokens but ${mask.length} mask values`);
      const length = Math.min(tokens.length, limit);
      result.skipped += predictingPositions(mask, tokens.length).length - predictingPositions(mask, length).length;
      const wanted = new Set(predictingPositions(mask, length));
      if (wanted.size === 0) continue;
      await sequence.clearHistory();
      const last = Math.max(...wanted);
      const input = tokens.slice(0, last + 1).map((token, position) => (wanted.has(position) ? ([token, { generateNext: { logits: true } }] as const) : token));
      const output = await sequence.controlledEvaluate(input as Parameters<typeof sequence.controlledEvaluate>[0]);
      for (const position of wanted) {
        const logits = output[position]?.next?.logits;
        if (logits === undefined) throw new Error(`llama.cpp returned no logits for position ${position}`);
        // The map holds every token of the vocabulary, sorted by logit; index it by id.
        const row = new Float64Array(logits.size).fill(-Infinity);
        for (const [token, logit] of logits) if (token < row.length) row[token] = logit;
        result.lossSum -= logProbabilityOf(row, tokens[position + 1]!);
        result.targets += 1;
      }
    }
    sequence.dispose();
  } finally {
    await context.dispose();
  }
  return result;
}

export const logitsCheckSchema = z.object({
  /** A model with an adapter folded in (exports' `merged`). */
  mergedPath: z.string().min(1),
  modelPath: z.string().min(1),
  adapter: z.object({ path: z.string().min(1), scale: z.number().min(0).max(2) }).strict(),
  /** Text tokenized with control tokens parsed. */
  prompt: z.string().min(1).max(10_000),
});
export type LogitsCheck = z.infer<typeof logitsCheckSchema>;

/** llama.cpp's logits after every token of `tokens` (one row per position, indexed by token id), with the same exact context as `scoreExamples`. */
export async function logitRows(model: LlamaModel, tokens: readonly number[], threads: number, adapter?: { path: string; scale: number }): Promise<Float64Array[]> {
  const context = await model.createContext({
    contextSize: Math.min(model.trainContextSize, tokens.length + 64),
    threads,
    experimentalKvCacheKeyType: 'F32',
    experimentalKvCacheValueType: 'F32',
    flashAttention: false,
    ...(adapter ? { lora: { adapters: [{ filePath: adapter.path, scale: adapter.scale }] } } : {}),
  });
  try {
    const sequence = context.getSequence();
    const output = await sequence.controlledEvaluate(tokens.map((token) => [token, { generateNext: { logits: true } }]) as Parameters<typeof sequence.controlledEvaluate>[0]);
    sequence.dispose();
    return tokens.map((_, position) => {
      const logits = output[position]?.next?.logits;
      if (logits === undefined) throw new Error(`llama.cpp returned no logits for position ${position}`);
      const row = new Float64Array(logits.size);
      for (const [token, logit] of logits) if (token < row.length) row[token] = logit;
      return row;
    });
  } finally {
    await context.dispose();
  }
}

/** The largest |a − b| over every position and token. */
export function maxAbsDifference(a: readonly Float64Array[], b: readonly Float64Array[]): number {
  if (a.length !== b.length) throw new Error(`${a.length} positions against ${b.length}`);
  let max = 0;
  for (const [position, row] of a.entries()) {
    const other = b[position]!;
    if (row.length !== other.length) throw new Error(`vocabularies of ${row.length} and ${other.length} tokens`);
    for (let i = 0; i < row.length; i++) max = Math.max(max, Math.abs(row[i]! - other[i]!));
  }
  return max;
}

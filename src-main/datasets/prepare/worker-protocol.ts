/**
 * Messages between the main process and a preparing worker (a child process hosting
 * llama.cpp's tokenizer). The main process hands out numbered batches of rows to its workers
 * and gets each back made into examples (token ids, masks, digests: example-maker.ts), which it
 * writes in order; a batch answered is also a worker free for the next (backpressure).
 *
 *   main → worker:  prepare(setup) · rows(seq, batch)…      or   render(setup, rows)
 *   worker → main:  ready · made(seq, batch)…               or   rendered(examples)
 *                   failed(error) at any point
 */
import { z } from 'zod';
import type { ErrorPayload } from '../../contract/errors';
import type { RenderedExample } from '../../contract/dataset-types';
import type { MadeBatch } from './example-maker';

const chatMessageSchema = z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() });

export const preparationRowSchema = z.object({
  line: z.number().int().nonnegative(),
  conversation: z.array(chatMessageSchema).nullable(),
  problem: z.string().nullable(),
});

export const prepareOptionsSchema = z.object({
  maxLength: z.number().int().min(2),
  overlong: z.enum(['truncate', 'drop']),
  lossOn: z.enum(['assistant', 'all']),
  validationPercent: z.number().min(0).max(50),
  seed: z.number().int(),
  dropDuplicates: z.boolean(),
  template: z.enum(['model', 'chatml']),
});

export const workerSetupSchema = z.object({
  modelPath: z.string().min(1),
  /** The Jinja source to render with; null for raw text (no template). */
  templateSource: z.string().nullable(),
  options: prepareOptionsSchema,
});
export type WorkerSetup = z.infer<typeof workerSetupSchema>;

export const toWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('prepare'), setup: workerSetupSchema }),
  z.object({ type: z.literal('rows'), seq: z.number().int().nonnegative(), rows: z.array(preparationRowSchema) }),
  z.object({ type: z.literal('render'), setup: workerSetupSchema, rows: z.array(preparationRowSchema) }),
]);
export type ToWorker = z.infer<typeof toWorkerSchema>;

/** A previewed row; `problem` says why a row could not be rendered (then `spans` is empty). */
export type PreviewExample = RenderedExample & { problem: string | null };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'made'; seq: number; batch: MadeBatch }
  | { type: 'rendered'; examples: PreviewExample[] }
  | { type: 'failed'; error: ErrorPayload };

/**
 * The Playground's part of the contract and the evaluation and export of finished runs
 * (issue 7), each spread into `contract` in contract.ts.
 */
import { z } from 'zod';
import { call, stream } from './define';
import type {
  AdapterOption,
  ChatEvent,
  Conversation,
  ConversationSummary,
  EvaluationEvent,
  ExportEvent,
  ExportResult,
  RunEvaluation,
} from './playground-types';

const id = z.string().min(1).max(200);
const byId = z.object({ id }).strict();
const nothing = z.object({}).strict();

/** Sampling as llama.cpp applies it; the inference worker's protocol checks its messages with the same schema. */
export const samplingSchema = z
  .object({
    temperature: z.number().min(0).max(5),
    topP: z.number().min(0).max(1),
    topK: z.number().int().min(0).max(1000),
    minP: z.number().min(0).max(1),
    repeatPenalty: z.number().min(0.5).max(3),
    maxTokens: z.number().int().min(1).max(32_768),
    seed: z.number().int().nonnegative().max(2 ** 31).nullable(),
  })
  .strict();
const adapterChoice = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  z.object({ kind: z.literal('run'), runId: id, checkpointStep: z.number().int().nonnegative().nullable(), scale: z.number().min(0).max(2) }).strict(),
]);
const panes = z.array(z.object({ adapter: adapterChoice }).strict()).min(1).max(4);

export const playgroundContract = {
  'playground.conversations': call(nothing).returns<ConversationSummary[]>(),
  'playground.conversation': call(byId).returns<Conversation>(),
  'playground.createConversation': call(
    z.object({ modelId: id, panes, systemPrompt: z.string().max(20_000), sampling: samplingSchema.partial() }).strict(),
  ).returns<Conversation>(),
  /** Changes the panes (adapters, strengths), system prompt, sampling or title of a conversation. */
  'playground.updateConversation': call(
    z
      .object({ id, title: z.string().min(1).max(200).optional(), panes: panes.optional(), systemPrompt: z.string().max(20_000).optional(), sampling: samplingSchema.partial().optional() })
      .strict(),
  ).returns<Conversation>(),
  'playground.removeConversation': call(byId).returns<{ removed: boolean }>(),
  /** Finished runs' adapters and checkpoints that fit the model (same base file). */
  'playground.adapters': call(z.object({ modelId: id }).strict()).returns<AdapterOption[]>(),
  /**
   * One turn: every pane answers, streamed together; the answers are saved in the
   * conversation as they finish. Unsubscribing stops generation.
   */
  'playground.chat': stream(
    z
      .object({
        conversationId: id,
        content: z.string().max(200_000),
        mode: z.enum(['send', 'regenerate', 'edit']),
        editIndex: z.number().int().nonnegative().optional(),
      })
      .strict(),
  ).emits<ChatEvent>(),
} as const;

export const evaluationContract = {
  /** The run's last evaluation, or null when none was made. */
  'evaluation.get': call(z.object({ runId: id }).strict()).returns<RunEvaluation | null>(),
  /** Scores the validation split with and without the adapter and generates for up to `generations` prompts. */
  'evaluation.start': call(z.object({ runId: id, generations: z.number().int().min(0).max(200).optional() }).strict()).returns<RunEvaluation>(),
  /** The generations table as CSV or JSONL text (the UI offers it as a download). */
  'evaluation.table': call(z.object({ runId: id, format: z.enum(['csv', 'jsonl']) }).strict()).returns<{ fileName: string; text: string }>(),
  'evaluation.events': stream(nothing).emits<EvaluationEvent>(),

  /** Writes the export into the run's folder (`exports/`), or `outDir` from the command line. */
  'exports.create': call(z.object({ runId: id, format: z.enum(['adapter', 'merged', 'ollama', 'llama-server']) }).strict()).returns<ExportResult>(),
  'exports.events': stream(nothing).emits<ExportEvent>(),
} as const;

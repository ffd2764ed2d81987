/**
 * Shapes the Playground, the Runs page's evaluation and export panels, `lathe chat`, `lathe
 * eval` and `lathe export` show. Produced by the playground service (chat through the
 * inference worker, conversations in the catalog), the evaluation service (losses through
 * llama.cpp's logits, generations) and the export service (adapter, Ollama, llama-server,
 * merged GGUF).
 */
import type { ChatMessage } from './dataset-types';

/** Sampling as llama.cpp applies it; every field optional (the defaults are llama.cpp's). */
export interface SamplingSettings {
  temperature: number;
  topP: number;
  topK: number;
  minP: number;
  repeatPenalty: number;
  maxTokens: number;
  /** null: a new seed each time. */
  seed: number | null;
}

/**
 * Which adapter a pane uses: a finished run's final adapter, one of its checkpoints, or none
 * (the base model). `scale` is the LoRA strength, 0–2 (1 = as trained).
 */
export type AdapterChoice = { kind: 'none' } | { kind: 'run'; runId: string; checkpointStep: number | null; scale: number };

/** One pane of a comparison; a single chat is one pane. */
export interface ChatPane {
  adapter: AdapterChoice;
}

export interface ChatRequest {
  /** The conversation this turn belongs to (created by `playground.createConversation`); its messages so far are the history. */
  conversationId: string;
  /** The new user message; empty when regenerating the last answer. */
  content: string;
  /** `regenerate`: drop the last assistant answer(s) and answer the last user message again; `edit`: replace the message at `editIndex` and everything after it. */
  mode: 'send' | 'regenerate' | 'edit';
  editIndex?: number;
}

export interface ChatStats {
  /** Milliseconds from the request to the first token. */
  timeToFirstTokenMs: number;
  tokensPerSecond: number;
  tokens: number;
  promptTokens: number;
  stopReason: 'eos' | 'max_tokens' | 'stopped' | 'error';
}

/** Events of one `playground.chat` stream: one pane's answer as it is generated. Unsubscribing stops it. */
export type ChatEvent =
  | { type: 'started'; paneIndex: number; messageIndex: number }
  | { type: 'token'; paneIndex: number; text: string }
  | { type: 'done'; paneIndex: number; message: ConversationMessage; stats: ChatStats }
  | { type: 'error'; paneIndex: number; kind: string; message: string };

export interface ConversationMessage {
  role: ChatMessage['role'];
  content: string;
  /** For assistant messages: which pane produced it (comparisons keep one answer per pane per turn). */
  paneIndex: number | null;
  stats: ChatStats | null;
  createdAt: number;
}

export interface Conversation {
  id: string;
  title: string;
  modelId: string;
  /** The panes side by side: the base and/or adapters. */
  panes: ChatPane[];
  systemPrompt: string;
  sampling: SamplingSettings;
  messages: ConversationMessage[];
  createdAt: number;
  updatedAt: number;
}

export type ConversationSummary = Pick<Conversation, 'id' | 'title' | 'modelId' | 'panes' | 'createdAt' | 'updatedAt'> & { messageCount: number };

/** An adapter the Playground can offer: finished runs and their checkpoints. */
export interface AdapterOption {
  runId: string;
  runName: string;
  modelId: string;
  /** null: the final adapter. */
  checkpointStep: number | null;
  path: string;
  label: string;
}

/** The validation split scored through llama.cpp with and without the adapter, and generations beside the references. */
export interface RunEvaluation {
  runId: string;
  status: 'running' | 'done' | 'failed';
  error: string | null;
  /** Mean loss per trained token over the validation split (or the training split when there is none, said in `split`). */
  split: 'validation' | 'train';
  examples: number;
  targetTokens: number;
  base: { loss: number; perplexity: number } | null;
  adapter: { loss: number; perplexity: number } | null;
  generations: EvaluationGeneration[];
  createdAt: number;
}

export interface EvaluationGeneration {
  prompt: string;
  reference: string;
  base: string;
  fineTuned: string;
}

export type EvaluationEvent =
  | { type: 'progress'; runId: string; done: number; total: number; phase: 'base' | 'adapter' | 'generations' }
  | { type: 'finished'; evaluation: RunEvaluation };

export type ExportFormat = 'adapter' | 'merged' | 'ollama' | 'llama-server';

export interface ExportResult {
  format: ExportFormat;
  /** Files written (the adapter copy, the Modelfile, the merged GGUF). */
  files: string[];
  /** The command to run next (`ollama create …`, `llama-server -m … --lora …`), when there is one. */
  command: string | null;
  /** A small text file's contents to show (the Modelfile), else null. */
  text: string | null;
  /** For `merged`: the largest |Δ| between its logits and base + adapter on a check prompt. */
  check: { maxAbsDiff: number; prompt: string } | null;
}

export type ExportEvent = { type: 'progress'; runId: string; format: ExportFormat; phase: string; fraction: number | null };

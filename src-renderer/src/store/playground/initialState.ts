import type { AdapterOption, Conversation, ConversationSummary, ExportFormat, ExportResult, RunEvaluation } from '../../../../src-main/contract';
import type { StoredError } from '../errors';
import { notLoaded, type Loadable } from '../loadable';
import type { ActiveTurn } from './chat-turn';

/** One run's evaluation as the Runs page shows it. */
export interface EvaluationState {
  evaluation: Loadable<RunEvaluation | null>;
  /** While one runs: the phase and how far it got, from `evaluation.events`. */
  progress: { phase: 'base' | 'adapter' | 'generations'; done: number; total: number } | null;
  starting: boolean;
  downloadError: StoredError | null;
}

/** One export of one run. */
export interface ExportState {
  running: boolean;
  result: ExportResult | null;
  error: StoredError | null;
  /** From `exports.events` while it runs (the merged GGUF takes a while). */
  progress: { phase: string; fraction: number | null } | null;
}

export interface PlaygroundState {
  /** The model chatted with; conversations and adapters are this model's. */
  modelId: string | null;
  adapters: Loadable<AdapterOption[]>;
  conversations: Loadable<ConversationSummary[]>;
  /** The conversation on screen, as last saved (plus the new user message while a turn streams). */
  openId: string | null;
  open: Loadable<Conversation>;
  /** The turn streaming now, or the last one until the saved conversation replaces it. */
  turn: ActiveTurn | null;
  /** A change to the panes, system prompt, sampling or title that failed, or a failed create / delete. */
  actionError: StoredError | null;
  /** Set by "Chat with this run": the Playground opens a conversation for it when shown. */
  runToOpen: { runId: string; modelId: string } | null;

  /** By run id. */
  evaluations: Record<string, EvaluationState>;
  /** The `evaluation.events` stream is open. */
  watching: boolean;
  eventsError: StoredError | null;
  /** By run id, then format. */
  exports: Record<string, Partial<Record<ExportFormat, ExportState>>>;
  watchingExports: boolean;
  exportEventsError: StoredError | null;
}

export const initialPlaygroundState: PlaygroundState = {
  modelId: null,
  adapters: notLoaded,
  conversations: notLoaded,
  openId: null,
  open: notLoaded,
  turn: null,
  actionError: null,
  runToOpen: null,
  evaluations: {},
  watching: false,
  eventsError: null,
  exports: {},
  watchingExports: false,
  exportEventsError: null,
};

export const emptyEvaluationState: EvaluationState = { evaluation: notLoaded, progress: null, starting: false, downloadError: null };

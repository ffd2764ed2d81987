/**
 * What the playground store needs from the main process — chat, conversations, adapters,
 * and the evaluation and export of finished runs — as an interface: the store's actions take
 * it as an argument, so unit tests hand them a fake and the real one lives in playground.ts.
 */
import type {
  AdapterOption,
  ChatEvent,
  ChatPane,
  ChatRequest,
  Conversation,
  ConversationSummary,
  EvaluationEvent,
  ExportEvent,
  ExportFormat,
  ExportResult,
  RunEvaluation,
  SamplingSettings,
  Unsubscribe,
} from '../../../src-main/contract';

export interface ConversationChange {
  title?: string;
  panes?: ChatPane[];
  systemPrompt?: string;
  sampling?: Partial<SamplingSettings>;
}

export interface PlaygroundClient {
  conversations(): Promise<ConversationSummary[]>;
  conversation(id: string): Promise<Conversation>;
  createConversation(request: { modelId: string; panes: ChatPane[]; systemPrompt: string; sampling: Partial<SamplingSettings> }): Promise<Conversation>;
  updateConversation(id: string, change: ConversationChange): Promise<Conversation>;
  removeConversation(id: string): Promise<{ removed: boolean }>;
  adapters(modelId: string): Promise<AdapterOption[]>;
  /** One turn; unsubscribing stops generation. */
  chat(request: ChatRequest, onEvent: (event: ChatEvent) => void, onError: (error: unknown) => void): Unsubscribe;

  evaluation(runId: string): Promise<RunEvaluation | null>;
  evaluate(runId: string): Promise<RunEvaluation>;
  evaluationTable(runId: string, format: 'csv' | 'jsonl'): Promise<{ fileName: string; text: string }>;
  watchEvaluations(onEvent: (event: EvaluationEvent) => void, onError: (error: unknown) => void): Unsubscribe;

  exportRun(runId: string, format: ExportFormat): Promise<ExportResult>;
  watchExports(onEvent: (event: ExportEvent) => void, onError: (error: unknown) => void): Unsubscribe;
}

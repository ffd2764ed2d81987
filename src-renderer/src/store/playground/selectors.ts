/**
 * Named reads of the playground store. Each returns a value already in state (never a new
 * object or array), so zustand re-renders a component only when that value changes. Per-run
 * reads are built once per id (`useMemo`) so the selector itself stays the same.
 */
import type { ExportFormat } from '../../../../src-main/contract';
import { isStreaming } from './actions';
import type { EvaluationState, ExportState } from './initialState';
import type { PlaygroundStore } from './store-type';

export const selectModelId = (s: PlaygroundStore) => s.modelId;
export const selectAdapters = (s: PlaygroundStore) => s.adapters.data;
export const selectAdaptersError = (s: PlaygroundStore) => s.adapters.error;
export const selectConversations = (s: PlaygroundStore) => s.conversations.data;
export const selectConversationsLoading = (s: PlaygroundStore) => s.conversations.loading;
export const selectConversationsError = (s: PlaygroundStore) => s.conversations.error;
export const selectOpenId = (s: PlaygroundStore) => s.openId;
export const selectOpenConversation = (s: PlaygroundStore) => s.open.data;
export const selectOpenLoading = (s: PlaygroundStore) => s.open.loading;
export const selectOpenError = (s: PlaygroundStore) => s.open.error;
export const selectTurn = (s: PlaygroundStore) => s.turn;
export const selectStreaming = (s: PlaygroundStore): boolean => isStreaming(s.turn);
export const selectActionError = (s: PlaygroundStore) => s.actionError;
export const selectRunToOpen = (s: PlaygroundStore) => s.runToOpen;
export const selectEvaluationEventsError = (s: PlaygroundStore) => s.eventsError;

export const selectEvaluationOf =
  (runId: string) =>
  (s: PlaygroundStore): EvaluationState | null =>
    s.evaluations[runId] ?? null;
export const selectExportOf =
  (runId: string, format: ExportFormat) =>
  (s: PlaygroundStore): ExportState | null =>
    s.exports[runId]?.[format] ?? null;

export const selectSelectModel = (s: PlaygroundStore) => s.selectModel;
export const selectLoadConversations = (s: PlaygroundStore) => s.loadConversations;
export const selectLoadAdapters = (s: PlaygroundStore) => s.loadAdapters;
export const selectOpenConversationAction = (s: PlaygroundStore) => s.openConversation;
export const selectNewConversation = (s: PlaygroundStore) => s.newConversation;
export const selectRenameConversation = (s: PlaygroundStore) => s.renameConversation;
export const selectRemoveConversation = (s: PlaygroundStore) => s.removeConversation;
export const selectChangeOpen = (s: PlaygroundStore) => s.changeOpen;
export const selectSend = (s: PlaygroundStore) => s.send;
export const selectRegenerate = (s: PlaygroundStore) => s.regenerate;
export const selectEditAndResend = (s: PlaygroundStore) => s.editAndResend;
export const selectStop = (s: PlaygroundStore) => s.stop;
export const selectChatWithRun = (s: PlaygroundStore) => s.chatWithRun;
export const selectOpenRunToOpen = (s: PlaygroundStore) => s.openRunToOpen;

export const selectLoadEvaluation = (s: PlaygroundStore) => s.loadEvaluation;
export const selectStartEvaluation = (s: PlaygroundStore) => s.startEvaluation;
export const selectEvaluationTable = (s: PlaygroundStore) => s.evaluationTable;
export const selectStartEvaluationEvents = (s: PlaygroundStore) => s.startEvaluationEvents;
export const selectStopEvaluationEvents = (s: PlaygroundStore) => s.stopEvaluationEvents;
export const selectExportRun = (s: PlaygroundStore) => s.exportRun;
export const selectStartExportEvents = (s: PlaygroundStore) => s.startExportEvents;
export const selectStopExportEvents = (s: PlaygroundStore) => s.stopExportEvents;

/** The playground domain's store: chat and conversations, and the evaluation and export of finished runs. */
import { create } from 'zustand';
import { playgroundClient } from '../../client/playground';
import { createPlaygroundActions } from './actions';
import { createEvaluationActions } from './evaluation-actions';
import { createExportActions } from './export-actions';
import { initialPlaygroundState } from './initialState';
import type { PlaygroundStore } from './store-type';

export type { PlaygroundStore } from './store-type';

export const usePlaygroundStore = create<PlaygroundStore>()((set, get) => ({
  ...initialPlaygroundState,
  ...createPlaygroundActions(set, get, playgroundClient),
  ...createEvaluationActions(set, get, playgroundClient),
  ...createExportActions(set, get, playgroundClient),
}));

export * from './selectors';
export type { EvaluationState, ExportState, PlaygroundState } from './initialState';
export type { ActiveTurn, PaneAnswer } from './chat-turn';
export type { ThreadRow } from './chat-thread';

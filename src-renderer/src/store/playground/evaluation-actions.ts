/**
 * The Runs page's evaluation panel: a run's last evaluation, "Evaluate again", progress from
 * `evaluation.events`, and the generations table as a file. Like every action, these record
 * outcomes in state and never throw.
 */
import type { EvaluationEvent } from '../../../../src-main/contract';
import type { PlaygroundClient } from '../../client/playground-client';
import { toStoredError } from '../errors';
import { createEventFollower } from '../intake/event-follower';
import { emptyEvaluationState, type EvaluationState, type PlaygroundState } from './initialState';
import type { GetPlaygroundState, SetPlaygroundState } from './store-type';

export interface EvaluationActions {
  loadEvaluation(runId: string): Promise<void>;
  startEvaluation(runId: string): Promise<void>;
  /** The generations table as text to save, or null when it could not be had (the error is in state). */
  evaluationTable(runId: string, format: 'csv' | 'jsonl'): Promise<{ fileName: string; text: string } | null>;
  startEvaluationEvents(): void;
  stopEvaluationEvents(): void;
}

export function createEvaluationActions(set: SetPlaygroundState, get: GetPlaygroundState, client: PlaygroundClient): EvaluationActions {
  const latest = new Map<string, number>();

  function patch(runId: string, change: (current: EvaluationState) => Partial<EvaluationState>): void {
    set((state) => {
      const current = state.evaluations[runId] ?? emptyEvaluationState;
      return { evaluations: { ...state.evaluations, [runId]: { ...current, ...change(current) } } };
    });
  }

  function onEvent(event: EvaluationEvent): void {
    if (event.type === 'progress') {
      patch(event.runId, () => ({ progress: { phase: event.phase, done: event.done, total: event.total } }));
      return;
    }
    const { evaluation } = event;
    patch(evaluation.runId, () => ({ evaluation: { data: evaluation, loading: false, error: null }, progress: null }));
  }

  const follower = createEventFollower<EvaluationEvent>({
    set: (update) => set(update as Partial<PlaygroundState>),
    get: () => ({ watching: get().watching, eventsError: get().eventsError }),
    watch: (onEvaluationEvent, onError) => client.watchEvaluations(onEvaluationEvent, onError),
    onEvent,
  });

  return {
    async loadEvaluation(runId) {
      const request = (latest.get(runId) ?? 0) + 1;
      latest.set(runId, request);
      patch(runId, (current) => ({ evaluation: { ...current.evaluation, loading: true, error: null } }));
      try {
        const data = await client.evaluation(runId);
        if (latest.get(runId) === request) patch(runId, () => ({ evaluation: { data, loading: false, error: null } }));
      } catch (error) {
        if (latest.get(runId) === request) patch(runId, (current) => ({ evaluation: { ...current.evaluation, loading: false, error: toStoredError(error) } }));
      }
    },

    async startEvaluation(runId) {
      latest.set(runId, (latest.get(runId) ?? 0) + 1);
      patch(runId, (current) => ({ starting: true, progress: null, evaluation: { ...current.evaluation, error: null } }));
      try {
        const data = await client.evaluate(runId);
        // A `finished` event may have come first; keep the finished one.
        patch(runId, (current) => ({
          starting: false,
          evaluation: { data: current.evaluation.data !== null && current.evaluation.data.createdAt >= data.createdAt && current.evaluation.data.status !== 'running' ? current.evaluation.data : data, loading: false, error: null },
        }));
      } catch (error) {
        patch(runId, (current) => ({ starting: false, evaluation: { ...current.evaluation, error: toStoredError(error) } }));
      }
    },

    async evaluationTable(runId, format) {
      patch(runId, () => ({ downloadError: null }));
      try {
        return await client.evaluationTable(runId, format);
      } catch (error) {
        patch(runId, () => ({ downloadError: toStoredError(error) }));
        return null;
      }
    },

    startEvaluationEvents: follower.start,
    stopEvaluationEvents: follower.stop,
  };
}

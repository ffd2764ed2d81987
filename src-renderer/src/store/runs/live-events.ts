/**
 * Applying a frame's worth of hot run events (metrics, log lines, samples) to state in one
 * update. Metric points go into the run's columns in place; the result names which runs'
 * revisions to bump. Runs nobody shows (no series, no detail) are skipped.
 */
import type { RunEvent } from '../../../../src-main/contract';
import { MAX_LOG_LINES, MAX_SAMPLES, type RunDetailState, type RunsState } from './initialState';
import { appendEvalPoint, appendTrainPoint } from './run-series';

export type HotRunEvent = Extract<RunEvent, { type: 'metrics' | 'log' | 'sample' }>;

export function isHotRunEvent(event: RunEvent): event is HotRunEvent {
  return event.type === 'metrics' || event.type === 'log' || event.type === 'sample';
}

/** The state change for a batch of events; columns in `state.series` are appended in place. */
export function applyHotEvents(state: RunsState, events: readonly HotRunEvent[]): Partial<RunsState> {
  const touchedSeries = new Set<string>();
  let details: Record<string, RunDetailState> | null = null;
  const detailOf = (id: string): RunDetailState | undefined => (details ?? state.details)[id];
  const setDetail = (id: string, detail: RunDetailState) => {
    details = { ...(details ?? state.details), [id]: detail };
  };

  for (const event of events) {
    if (event.type === 'metrics') {
      const series = state.series[event.id];
      if (series === undefined) continue;
      if (event.train !== undefined) appendTrainPoint(series, event.train);
      if (event.eval !== undefined) appendEvalPoint(series, event.eval);
      touchedSeries.add(event.id);
    } else if (event.type === 'log') {
      const detail = detailOf(event.id);
      if (detail === undefined) continue;
      setDetail(event.id, { ...detail, logTail: [...detail.logTail, ...event.lines].slice(-MAX_LOG_LINES) });
    } else {
      const detail = detailOf(event.id);
      if (detail === undefined) continue;
      setDetail(event.id, { ...detail, samples: [...detail.samples, event.sample].slice(-MAX_SAMPLES) });
    }
  }

  const change: Partial<RunsState> = {};
  if (touchedSeries.size > 0) {
    const revisions = { ...state.seriesRevision };
    for (const id of touchedSeries) revisions[id] = (revisions[id] ?? 0) + 1;
    change.seriesRevision = revisions;
  }
  if (details !== null) change.details = details;
  return change;
}

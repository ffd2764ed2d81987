/**
 * What the Runs page and the live view can ask for: the history, `runs.events`, one run's
 * detail and metric columns, and pause / resume / stop / delete / reveal. Actions talk to a
 * `RunsClient` (passed in, so tests use a fake) and record every outcome in state; they
 * never throw. The wizard's actions are in wizard-actions.ts.
 */
import type { RunEntry, RunEvent } from '../../../../src-main/contract';
import type { RunsClient } from '../../client/runs-client';
import { attemptAction, toStoredError } from '../errors';
import { createEventFollower } from '../intake/event-follower';
import { animationFrame, createFrameBatch, type ScheduleFrame } from './frame-batch';
import { MAX_LOG_LINES, MAX_SAMPLES } from './initialState';
import { applyHotEvents, isHotRunEvent, type HotRunEvent } from './live-events';
import { applyRunListEvent, upsertRun, type RunSort } from './run-list';
import { appendEvalPoint, appendTrainPoint, runSeriesFrom } from './run-series';
import type { GetRunsState, SetRunsState } from './store-type';

export interface RunsActions {
  loadRuns(): Promise<void>;
  /** Starts (or restarts) following `runs.events`. */
  startEvents(): void;
  stopEvents(): void;
  /** Fetches a run's metrics, samples and log so far; live events extend them from then on. */
  loadDetail(id: string): Promise<void>;
  setLiveRun(id: string | null): void;
  openRun(id: string | null): void;
  toggleSelected(id: string): void;
  clearSelection(): void;
  setSort(sort: RunSort): void;
  pauseRun(id: string): Promise<boolean>;
  resumeRun(id: string): Promise<boolean>;
  stopRun(id: string): Promise<boolean>;
  removeRun(id: string): Promise<boolean>;
  /** Resolves to the folder's path (to show where no file manager can open), or null when it failed. */
  revealRun(id: string): Promise<string | null>;
  dismissFinished(id: string): void;
}

export interface RunsActionOptions {
  scheduleFrame?: ScheduleFrame;
}

export function createRunsActions(set: SetRunsState, get: GetRunsState, client: RunsClient, options: RunsActionOptions = {}): RunsActions {
  let latestList = 0;
  const latestDetail = new Map<string, number>();
  // Events for a run whose detail is on its way: applied once its history has arrived.
  const early = new Map<string, HotRunEvent[]>();
  const batch = createFrameBatch<HotRunEvent>(options.scheduleFrame ?? animationFrame, (events) => set((state) => applyHotEvents(state, events)));

  function onEvent(event: RunEvent): void {
    if (isHotRunEvent(event)) {
      early.get(event.id)?.push(event);
      batch.add(event);
      return;
    }
    if (event.type === 'prepare-progress') {
      set((state) => ({ prepareProgress: { ...state.prepareProgress, [event.id]: { examples: event.examples, total: event.total } } }));
      return;
    }
    // Pending hot events belong before this change; hand them over first so order holds.
    batch.flushNow();
    set((state) => {
      const change: Partial<ReturnType<GetRunsState>> = {};
      if (state.runs.data !== null) {
        const list = applyRunListEvent(state.runs.data, event);
        if (list !== state.runs.data) change.runs = { ...state.runs, data: [...list] };
      }
      if (event.type === 'finished') change.finishedNotices = [...state.finishedNotices.filter((r) => r.id !== event.run.id), event.run];
      if (event.type === 'removed') Object.assign(change, forget(state, event.id));
      return change;
    });
  }

  const follower = createEventFollower<RunEvent>({ set, get, watch: (onRunEvent, onError) => client.watch(onRunEvent, onError), onEvent });

  function forget(state: ReturnType<GetRunsState>, id: string) {
    const { [id]: _detail, ...details } = state.details;
    const { [id]: _series, ...series } = state.series;
    return {
      details,
      series,
      selectedIds: state.selectedIds.filter((x) => x !== id),
      openRunId: state.openRunId === id ? null : state.openRunId,
      liveRunId: state.liveRunId === id ? null : state.liveRunId,
    };
  }

  function putRun(run: RunEntry): void {
    set((state) => (state.runs.data === null ? {} : { runs: { ...state.runs, data: upsertRun(state.runs.data, run) } }));
  }

  async function control(id: string, call: (id: string) => Promise<RunEntry>): Promise<boolean> {
    set({ actionError: null });
    try {
      putRun(await call(id));
      return true;
    } catch (error) {
      set({ actionError: toStoredError(error) });
      return false;
    }
  }

  async function loadDetail(id: string): Promise<void> {
    const request = (latestDetail.get(id) ?? 0) + 1;
    latestDetail.set(id, request);
    early.set(id, []);
    set((state) => ({ details: { ...state.details, [id]: { loading: true, error: null, samples: state.details[id]?.samples ?? [], logTail: state.details[id]?.logTail ?? [] } } }));
    try {
      const detail = await client.get(id);
      if (latestDetail.get(id) !== request) return;
      // Whatever is pending was also kept in `early`; hand it over now so it is not applied twice.
      batch.flushNow();
      const series = runSeriesFrom(detail.metrics);
      // Events that came while the history was on its way: appending rewinds over any overlap.
      const waiting = early.get(id) ?? [];
      early.delete(id);
      let samples = detail.samples;
      let logTail = detail.logTail;
      for (const event of waiting) {
        if (event.type === 'metrics') {
          if (event.train !== undefined) appendTrainPoint(series, event.train);
          if (event.eval !== undefined) appendEvalPoint(series, event.eval);
        } else if (event.type === 'sample') {
          samples = [...samples, event.sample];
        } else {
          logTail = [...logTail, ...event.lines];
        }
      }
      set((state) => ({
        runs: state.runs.data === null ? state.runs : { ...state.runs, data: upsertRun(state.runs.data, detail.run) },
        details: { ...state.details, [id]: { loading: false, error: null, samples: samples.slice(-MAX_SAMPLES), logTail: logTail.slice(-MAX_LOG_LINES) } },
        series: { ...state.series, [id]: series },
        seriesRevision: { ...state.seriesRevision, [id]: (state.seriesRevision[id] ?? 0) + 1 },
      }));
    } catch (error) {
      if (latestDetail.get(id) !== request) return;
      early.delete(id);
      set((state) => ({ details: { ...state.details, [id]: { loading: false, error: toStoredError(error), samples: [], logTail: [] } } }));
    }
  }

  return {
    async loadRuns() {
      const request = ++latestList;
      set((state) => ({ runs: { ...state.runs, loading: true, error: null } }));
      try {
        const data = await client.list();
        if (request === latestList) set({ runs: { data, loading: false, error: null } });
      } catch (error) {
        // Keep what is on screen: a failed refresh should not empty the table.
        if (request === latestList) set((state) => ({ runs: { ...state.runs, loading: false, error: toStoredError(error) } }));
      }
    },

    startEvents: follower.start,
    stopEvents: follower.stop,
    loadDetail,

    setLiveRun(id) {
      set({ liveRunId: id });
      if (id !== null && get().series[id] === undefined) void loadDetail(id);
    },

    openRun(id) {
      set({ openRunId: id, actionError: null });
      if (id !== null && get().series[id] === undefined) void loadDetail(id);
    },

    toggleSelected(id) {
      const selected = get().selectedIds;
      const next = selected.includes(id) ? selected.filter((x) => x !== id) : [...selected, id];
      set({ selectedIds: next });
      if (!selected.includes(id) && get().series[id] === undefined) void loadDetail(id);
    },

    clearSelection: () => set({ selectedIds: [] }),
    setSort: (sort) => set({ sort }),

    pauseRun: (id) => control(id, (x) => client.pause(x)),
    resumeRun: (id) => control(id, (x) => client.resume(x)),
    stopRun: (id) => control(id, (x) => client.stop(x)),

    async removeRun(id) {
      set({ actionError: null });
      try {
        await client.remove(id);
      } catch (error) {
        set({ actionError: toStoredError(error) });
        return false;
      }
      set((state) => ({ ...forget(state, id), runs: state.runs.data === null ? state.runs : { ...state.runs, data: state.runs.data.filter((r) => r.id !== id) } }));
      return true;
    },

    revealRun: (id) => attemptAction((actionError) => set({ actionError }), async () => (await client.reveal(id)).path, null),

    dismissFinished: (id) => set((state) => ({ finishedNotices: state.finishedNotices.filter((r) => r.id !== id) })),
  };
}

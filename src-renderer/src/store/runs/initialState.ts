import type { RunEntry, RunPlan, RunSample, RunSpeed } from '../../../../src-main/contract';
import type { StoredError } from '../errors';
import { notLoaded, type Loadable } from '../loadable';
import { emptyDraft, type RunDraft } from './draft';
import type { RunSort } from './run-list';
import type { RunSeries } from './run-series';

/** What the live view shows of one run besides its entry (which lives in `runs`) and its series. */
export interface RunDetailState {
  loading: boolean;
  error: StoredError | null;
  /** Newest last; at most MAX_SAMPLES. */
  samples: RunSample[];
  /** The runtime's human log, newest last; at most MAX_LOG_LINES. */
  logTail: string[];
}

export const MAX_SAMPLES = 20;
export const MAX_LOG_LINES = 200;

export interface RunsState {
  runs: Loadable<RunEntry[]>;
  /** The live `runs.events` stream is open. */
  watching: boolean;
  eventsError: StoredError | null;

  /** The wizard's choices. */
  draft: RunDraft;
  /** The plan for the draft as last answered; kept on screen while the next one is asked. */
  plan: Loadable<RunPlan>;
  /** A change is waiting for the debounce before `runs.plan` is asked: the plan shown is not current. */
  planPending: boolean;
  speed: Loadable<RunSpeed>;
  starting: boolean;
  startError: StoredError | null;
  addingSample: boolean;
  sampleError: StoredError | null;

  /** The run the Train page follows (the one started there, or the active one). */
  liveRunId: string | null;
  /** The run opened on the Runs page. */
  openRunId: string | null;
  /** Runs ticked on the Runs page for comparison, in the order ticked. */
  selectedIds: string[];
  sort: RunSort;
  /** Detail of each run shown (live view, compare), by id. */
  details: Record<string, RunDetailState>;
  /**
   * Metric columns by run id. The columns are appended in place (run-series.ts); the
   * revision changes once per frame that appended, and is what components subscribe to.
   */
  series: Record<string, RunSeries>;
  seriesRevision: Record<string, number>;
  /** Dataset preparation before a run starts, from `prepare-progress` events, by run id. */
  prepareProgress: Record<string, { examples: number; total: number | null }>;
  /** The last failed pause, resume, stop, delete or reveal. */
  actionError: StoredError | null;
  /** Runs that ended since the page last showed a toast for them (`finished` events). */
  finishedNotices: RunEntry[];
}

export const initialRunsState: RunsState = {
  runs: notLoaded,
  watching: false,
  eventsError: null,
  draft: emptyDraft,
  plan: notLoaded,
  planPending: false,
  speed: notLoaded,
  starting: false,
  startError: null,
  addingSample: false,
  sampleError: null,
  liveRunId: null,
  openRunId: null,
  selectedIds: [],
  sort: { key: 'created', descending: true },
  details: {},
  series: {},
  seriesRevision: {},
  prepareProgress: {},
  actionError: null,
  finishedNotices: [],
};

/**
 * Named reads of the runs store. Each returns a value already in state (never a new object
 * or array), so zustand re-renders a component only when that value changes. Per-run reads
 * are built once per id (`useMemo`) so the selector itself stays the same.
 */
import type { RunEntry } from '../../../../src-main/contract';
import type { RunDetailState } from './initialState';
import type { RunSeries } from './run-series';
import type { RunsStore } from './store-type';

export const selectRuns = (s: RunsStore) => s.runs.data;
export const selectRunsError = (s: RunsStore) => s.runs.error;
export const selectEventsError = (s: RunsStore) => s.eventsError;

export const selectDraft = (s: RunsStore) => s.draft;
export const selectDraftModelId = (s: RunsStore) => s.draft.modelId;
export const selectDraftDatasetId = (s: RunsStore) => s.draft.datasetId;
export const selectDraftPreset = (s: RunsStore) => s.draft.preset;
export const selectDraftOverrides = (s: RunsStore) => s.draft.overrides;
export const selectPlan = (s: RunsStore) => s.plan.data;
export const selectPlanLoading = (s: RunsStore) => s.plan.loading;
export const selectPlanError = (s: RunsStore) => s.plan.error;
export const selectPlanPending = (s: RunsStore) => s.planPending;
export const selectSpeed = (s: RunsStore) => s.speed;
export const selectStarting = (s: RunsStore) => s.starting;
export const selectStartError = (s: RunsStore) => s.startError;
export const selectAddingSample = (s: RunsStore) => s.addingSample;
export const selectSampleError = (s: RunsStore) => s.sampleError;

/** Start is offered only for a plan of the current settings with no problems left. */
export const selectCanStart = (s: RunsStore): boolean =>
  s.plan.data !== null && !s.plan.loading && !s.planPending && s.plan.error === null && s.plan.data.problems.length === 0 && !s.starting;

export const selectLiveRunId = (s: RunsStore) => s.liveRunId;
export const selectOpenRunId = (s: RunsStore) => s.openRunId;
export const selectSelectedIds = (s: RunsStore) => s.selectedIds;
export const selectSort = (s: RunsStore) => s.sort;
export const selectActionError = (s: RunsStore) => s.actionError;
export const selectFinishedNotices = (s: RunsStore) => s.finishedNotices;

/** Every loaded run's columns and their revisions (the compare view reads several at once). */
export const selectAllSeries = (s: RunsStore) => s.series;
export const selectSeriesRevisions = (s: RunsStore) => s.seriesRevision;

export const selectRunOf =
  (id: string) =>
  (s: RunsStore): RunEntry | null =>
    s.runs.data?.find((run) => run.id === id) ?? null;
export const selectDetailOf =
  (id: string) =>
  (s: RunsStore): RunDetailState | null =>
    s.details[id] ?? null;
export const selectSeriesOf =
  (id: string) =>
  (s: RunsStore): RunSeries | null =>
    s.series[id] ?? null;
export const selectPrepareProgressOf =
  (id: string) =>
  (s: RunsStore): { examples: number; total: number | null } | null =>
    s.prepareProgress[id] ?? null;
export const selectSeriesRevisionOf =
  (id: string) =>
  (s: RunsStore): number =>
    s.seriesRevision[id] ?? 0;

export const selectLoadRuns = (s: RunsStore) => s.loadRuns;
export const selectStartRunEvents = (s: RunsStore) => s.startEvents;
export const selectStopRunEvents = (s: RunsStore) => s.stopEvents;
export const selectLoadDetail = (s: RunsStore) => s.loadDetail;
export const selectSetLiveRun = (s: RunsStore) => s.setLiveRun;
export const selectOpenRun = (s: RunsStore) => s.openRun;
export const selectToggleSelected = (s: RunsStore) => s.toggleSelected;
export const selectClearSelection = (s: RunsStore) => s.clearSelection;
export const selectSetSort = (s: RunsStore) => s.setSort;
export const selectPauseRun = (s: RunsStore) => s.pauseRun;
export const selectResumeRun = (s: RunsStore) => s.resumeRun;
export const selectStopRun = (s: RunsStore) => s.stopRun;
export const selectRemoveRun = (s: RunsStore) => s.removeRun;
export const selectRevealRun = (s: RunsStore) => s.revealRun;
export const selectDismissFinished = (s: RunsStore) => s.dismissFinished;
export const selectSetDraft = (s: RunsStore) => s.setDraft;
export const selectChangeSettings = (s: RunsStore) => s.changeSettings;
export const selectResetSettings = (s: RunsStore) => s.resetSettings;
export const selectRefreshPlan = (s: RunsStore) => s.refreshPlan;
export const selectMeasureSpeed = (s: RunsStore) => s.measureSpeed;
export const selectStartTrainingRun = (s: RunsStore) => s.startRun;
export const selectAddSampleDataset = (s: RunsStore) => s.addSampleDataset;

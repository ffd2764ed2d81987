/**
 * The new-run wizard: the draft, its plan from `runs.plan` (asked again, debounced, as the
 * person changes things), the measured speed, the sample dataset, and starting the run.
 * Actions never throw; outcomes are recorded in state.
 */
import type { DatasetEntry, RunEntry, RunSettingsOverrides } from '../../../../src-main/contract';
import type { RunsClient } from '../../client/runs-client';
import { toStoredError } from '../errors';
import { notLoaded } from '../loadable';
import { draftRequest, mergeOverrides, type RunDraft } from './draft';
import { upsertRun } from './run-list';
import type { GetRunsState, SetRunsState } from './store-type';

export interface WizardActions {
  /** Model, dataset or preset; the plan is asked again after a short pause. */
  setDraft(change: Partial<Omit<RunDraft, 'overrides'>>): void;
  /** Merges changed settings over the ones already changed. */
  changeSettings(change: RunSettingsOverrides): void;
  /** Back to the preset's settings. */
  resetSettings(): void;
  /** Asks for the plan now (no debounce). */
  refreshPlan(): Promise<void>;
  measureSpeed(): Promise<void>;
  /** Resolves to the queued run (which the Train page then follows), or null when it was refused. */
  startRun(): Promise<RunEntry | null>;
  /** Imports the bundled sample set and chooses it; resolves to its entry, or null when that failed. */
  addSampleDataset(): Promise<DatasetEntry | null>;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Long enough to skip the keystrokes of a number being typed, short enough to feel live. */
export const PLAN_DEBOUNCE_MS = 300;

const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export function createWizardActions(set: SetRunsState, get: GetRunsState, client: RunsClient, timers: Timers = realTimers): WizardActions {
  let latestPlan = 0;
  let latestSpeed = 0;
  let timer: unknown = null;

  async function refreshPlan(): Promise<void> {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
    const request = draftRequest(get().draft);
    const mine = ++latestPlan;
    if (request === null) {
      set({ plan: notLoaded, planPending: false });
      return;
    }
    set((state) => ({ plan: { ...state.plan, loading: true, error: null }, planPending: false }));
    try {
      const plan = await client.plan(request);
      if (mine === latestPlan) set({ plan: { data: plan, loading: false, error: null } });
    } catch (error) {
      // The plan shown belonged to other settings: showing it beside the error would mislead.
      if (mine === latestPlan) set({ plan: { data: null, loading: false, error: toStoredError(error) } });
    }
  }

  function schedulePlan(): void {
    if (timer !== null) timers.clearTimeout(timer);
    // The speed measured belongs to the old settings.
    latestSpeed += 1;
    set({ planPending: true, speed: notLoaded, startError: null });
    timer = timers.setTimeout(() => {
      timer = null;
      void refreshPlan();
    }, PLAN_DEBOUNCE_MS);
  }

  return {
    setDraft(change) {
      set((state) => ({ draft: { ...state.draft, ...change } }));
      schedulePlan();
    },

    changeSettings(change) {
      set((state) => ({ draft: { ...state.draft, overrides: mergeOverrides(state.draft.overrides, change) } }));
      schedulePlan();
    },

    resetSettings() {
      set((state) => ({ draft: { ...state.draft, overrides: {} } }));
      schedulePlan();
    },

    refreshPlan,

    async measureSpeed() {
      const request = draftRequest(get().draft);
      if (request === null) return;
      const mine = ++latestSpeed;
      set({ speed: { data: null, loading: true, error: null } });
      try {
        const speed = await client.measureSpeed(request);
        if (mine === latestSpeed) set({ speed: { data: speed, loading: false, error: null } });
      } catch (error) {
        if (mine === latestSpeed) set({ speed: { data: null, loading: false, error: toStoredError(error) } });
      }
    },

    async startRun() {
      const request = draftRequest(get().draft);
      if (request === null || get().starting) return null;
      set({ starting: true, startError: null });
      try {
        const run = await client.start(request);
        set((state) => ({
          starting: false,
          liveRunId: run.id,
          runs: state.runs.data === null ? state.runs : { ...state.runs, data: upsertRun(state.runs.data, run) },
        }));
        return run;
      } catch (error) {
        set({ starting: false, startError: toStoredError(error) });
        return null;
      }
    },

    async addSampleDataset() {
      set({ addingSample: true, sampleError: null });
      try {
        const dataset = await client.addSampleDataset();
        set((state) => ({ addingSample: false, draft: { ...state.draft, datasetId: dataset.id } }));
        schedulePlan();
        return dataset;
      } catch (error) {
        set({ addingSample: false, sampleError: toStoredError(error) });
        return null;
      }
    },
  };
}

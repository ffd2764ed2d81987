/**
 * What the System page can ask for. Actions talk to a `SystemClient` (passed in, so tests
 * use a fake) and record every outcome in state; they never throw, because the page shows
 * failures from state rather than from a rejected promise.
 */
import type { PythonReport } from '../../../../src-main/contract';
import type { SystemClient } from '../../client/system-client';
import { toStoredError } from '../errors';
import { USAGE_HISTORY_LENGTH, type Loadable, type SystemState } from './initialState';
import { appendBounded } from './usage-history';

export interface SystemActions {
  /** Fetches app info, hardware and the last Python check, each on its own. */
  loadSystem(): Promise<void>;
  /** Probes the Python interpreters again; resolves to the new report, or null if the check failed. */
  refreshPython(): Promise<PythonReport | null>;
  /** Starts (or restarts) the live usage stream, clearing older samples. */
  startUsageWatch(intervalMs: number): void;
  stopUsageWatch(): void;
}

type SetState = (update: Partial<SystemState> | ((state: SystemState) => Partial<SystemState>)) => void;
type GetState = () => SystemState;
type LoadableKey = 'appInfo' | 'hardware' | 'python';
type DataOf<K extends LoadableKey> = SystemState[K] extends Loadable<infer T> ? T : never;

export function createSystemActions(set: SetState, get: GetState, client: SystemClient): SystemActions {
  // Per item, only the newest request may write its answer: a slow "load" must not
  // overwrite the result of a later "Check again".
  const latestRequest: Record<LoadableKey, number> = { appInfo: 0, hardware: 0, python: 0 };
  let stopWatch: (() => void) | null = null;
  let watchGeneration = 0;

  function patch<K extends LoadableKey>(key: K, change: Partial<Loadable<DataOf<K>>>): void {
    // The computed key loses its link to K in TypeScript; the cast restores what is true.
    set((state) => ({ [key]: { ...state[key], ...change } }) as Pick<SystemState, K>);
  }

  async function load<K extends LoadableKey>(key: K, fetch: () => Promise<DataOf<K>>): Promise<DataOf<K> | null> {
    const request = ++latestRequest[key];
    patch(key, { loading: true, error: null });
    try {
      const data = await fetch();
      if (request === latestRequest[key]) patch(key, { data, loading: false, error: null });
      return data;
    } catch (error) {
      // Keep the previous data on screen: a failed re-check should not erase the last good report.
      if (request === latestRequest[key]) patch(key, { loading: false, error: toStoredError(error) });
      return null;
    }
  }

  function stopUsageWatch(): void {
    watchGeneration += 1;
    const stop = stopWatch;
    stopWatch = null;
    stop?.();
    if (get().watching) set({ watching: false });
  }

  return {
    async loadSystem() {
      await Promise.all([
        load('appInfo', () => client.appInfo()),
        load('hardware', () => client.hardware()),
        load('python', () => client.python(false)),
      ]);
    },

    refreshPython: () => load('python', () => client.python(true)),

    startUsageWatch(intervalMs) {
      stopUsageWatch();
      const generation = watchGeneration;
      const isCurrent = () => generation === watchGeneration;
      set({ watching: true, usageError: null, usage: [] });
      const unsubscribe = client.watchUsage(
        intervalMs,
        (sample) => {
          if (isCurrent()) set((state) => ({ usage: appendBounded(state.usage, sample, USAGE_HISTORY_LENGTH) }));
        },
        (error) => {
          if (!isCurrent()) return;
          stopWatch = null;
          set({ watching: false, usageError: toStoredError(error) });
        },
      );
      // The error callback can run before watchUsage returns (a transport already known to be
      // down fails at once); then there is nothing left to stop.
      if (isCurrent() && get().watching) stopWatch = unsubscribe;
    },

    stopUsageWatch,
  };
}

import type { StoredError } from './errors';

/** One thing fetched from the main process: its last value, whether a fetch is under way, and why the last one failed. */
export interface Loadable<T> {
  data: T | null;
  loading: boolean;
  error: StoredError | null;
}

export const notLoaded = { data: null, loading: false, error: null } as const;

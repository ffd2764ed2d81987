/**
 * Keeping the loaded run list in step with `runs.events`, and the history table's order.
 * Pure, so the pages and their tests see the same updates.
 */
import type { RunEntry, RunEvent } from '../../../../src-main/contract';
import { ACTIVE_RUN_STATUSES } from '../../../../src-main/contract';

/** Replaces an entry with the same id where it stands, or puts a new one first (newest first). */
export function upsertRun(list: readonly RunEntry[], run: RunEntry): RunEntry[] {
  const at = list.findIndex((r) => r.id === run.id);
  if (at < 0) return [run, ...list];
  const next = [...list];
  next[at] = run;
  return next;
}

/** The list after an event; the same array when the event does not touch it. */
export function applyRunListEvent(list: readonly RunEntry[], event: RunEvent): readonly RunEntry[] {
  switch (event.type) {
    case 'changed':
    case 'finished':
      return upsertRun(list, event.run);
    case 'removed':
      return list.some((r) => r.id === event.id) ? list.filter((r) => r.id !== event.id) : list;
    default:
      return list;
  }
}

export function isActiveRun(run: Pick<RunEntry, 'status'>): boolean {
  return ACTIVE_RUN_STATUSES.includes(run.status);
}

export type RunSortKey = 'name' | 'model' | 'dataset' | 'preset' | 'status' | 'steps' | 'duration' | 'trainLoss' | 'valLoss' | 'created';
export interface RunSort {
  key: RunSortKey;
  descending: boolean;
}

const SORT_VALUE: Record<RunSortKey, (run: RunEntry) => string | number | null> = {
  name: (r) => r.name.toLowerCase(),
  model: (r) => r.modelName.toLowerCase(),
  dataset: (r) => r.datasetName.toLowerCase(),
  preset: (r) => ['quick', 'balanced', 'thorough'].indexOf(r.preset),
  status: (r) => r.status,
  steps: (r) => r.step,
  duration: (r) => r.activeSeconds,
  trainLoss: (r) => r.trainLoss,
  valLoss: (r) => r.valLoss,
  created: (r) => r.createdAt,
};

/** A sorted copy; runs without a value (no loss yet) go last whichever the direction, ties newest first. */
export function sortRuns(runs: readonly RunEntry[], sort: RunSort): RunEntry[] {
  const value = SORT_VALUE[sort.key];
  return [...runs].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === null || vb === null || va === vb) {
      if (va === null && vb !== null) return 1;
      if (vb === null && va !== null) return -1;
      return b.createdAt - a.createdAt;
    }
    const order = va < vb ? -1 : 1;
    return sort.descending ? -order : order;
  });
}

/**
 * Keeping the loaded list in step with what the main process reports: added entries and
 * live events. Pure, so the page and its tests see the same updates. A list not loaded yet
 * is left alone: the load under way will bring every entry anyway.
 */
import type { ModelEntry, ModelEvent } from '../../../../src-main/contract';
import type { ModelsState } from './initialState';

/** Replaces entries with the same id where they stand and appends new ones. */
export function upsertModels(list: readonly ModelEntry[], entries: readonly ModelEntry[]): ModelEntry[] {
  if (entries.length === 0) return [...list];
  const incoming = new Map(entries.map((entry) => [entry.id, entry]));
  const updated = list.map((model) => {
    const next = incoming.get(model.id);
    if (next === undefined) return model;
    incoming.delete(model.id);
    return next;
  });
  return [...updated, ...incoming.values()];
}

type EventSlice = Pick<ModelsState, 'models' | 'hashing' | 'openModelId'>;

export function applyModelEvent(state: EventSlice, event: ModelEvent): Partial<ModelsState> {
  switch (event.type) {
    case 'changed':
      return withList(state, (list) => upsertModels(list, [event.model]));
    case 'removed': {
      const { [event.id]: _gone, ...hashing } = state.hashing;
      return {
        ...withList(state, (list) => list.filter((model) => model.id !== event.id)),
        hashing,
        // The drawer would show a model that no longer exists.
        ...(state.openModelId === event.id ? { openModelId: null } : {}),
      };
    }
    case 'hash-progress':
      return { hashing: { ...state.hashing, [event.id]: { bytesDone: event.bytesDone, bytesTotal: event.bytesTotal, error: null } } };
    case 'hash-done': {
      const { [event.id]: _done, ...hashing } = state.hashing;
      return {
        ...withList(state, (list) => list.map((model) => (model.id === event.id ? { ...model, sha256: event.sha256 } : model))),
        hashing,
      };
    }
    case 'hash-failed': {
      const before = state.hashing[event.id];
      return { hashing: { ...state.hashing, [event.id]: { bytesDone: before?.bytesDone ?? 0, bytesTotal: before?.bytesTotal ?? 0, error: event.message } } };
    }
  }
}

function withList(state: EventSlice, change: (list: readonly ModelEntry[]) => ModelEntry[]): Partial<ModelsState> {
  if (state.models.data === null) return {};
  return { models: { ...state.models, data: change(state.models.data) } };
}

import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { ModelsClient } from '../../../src-renderer/src/client/models-client';
import type { ModelsStore } from '../../../src-renderer/src/store/models/store-type';
import { createModelsActions } from '../../../src-renderer/src/store/models/actions';
import { initialModelsState } from '../../../src-renderer/src/store/models/initialState';
import { applyModelEvent, upsertModels } from '../../../src-renderer/src/store/models/model-list';
import {
  selectHashStateOf,
  selectModels,
  selectOpenModel,
} from '../../../src-renderer/src/store/models/selectors';
import { modelEntry } from './model-fixtures';

/** Selectors only read state: a client that must never be called is enough. */
const unusedClient = new Proxy({} as ModelsClient, {
  get: (_target, name) => () => {
    throw new Error(`the selectors test called client.${String(name)}`);
  },
});

function storeWithState(state: Partial<ModelsStore>) {
  const store = createStore<ModelsStore>()((set, get) => ({ ...initialModelsState, ...createModelsActions(set, get, unusedClient) }));
  store.setState(state);
  return store.getState();
}

describe('models selectors', () => {
  const a = modelEntry('a');
  const b = modelEntry('b');
  const loaded = { models: { data: [a, b], loading: false, error: null } };

  it('read the list as it is in state', () => {
    const state = storeWithState(loaded);
    expect(selectModels(state)).toBe(state.models.data);
    expect(selectModels(storeWithState({}))).toBeNull();
  });

  it('find the open model as the same object, or null', () => {
    expect(selectOpenModel(storeWithState({ ...loaded, openModelId: 'b' }))).toBe(b);
    expect(selectOpenModel(storeWithState({ ...loaded, openModelId: null }))).toBeNull();
    expect(selectOpenModel(storeWithState({ ...loaded, openModelId: 'gone' }))).toBeNull();
    expect(selectOpenModel(storeWithState({ openModelId: 'a' }))).toBeNull();
  });

  it('read one model’s hashing', () => {
    const hash = { bytesDone: 1, bytesTotal: 2, error: null };
    const state = storeWithState({ hashing: { a: hash } });
    expect(selectHashStateOf('a')(state)).toBe(hash);
    expect(selectHashStateOf('b')(state)).toBeNull();
  });
});

describe('keeping the list in step', () => {
  const a = modelEntry('a');
  const b = modelEntry('b');

  it('replaces entries in place and appends new ones', () => {
    const a2 = modelEntry('a', { status: 'missing' });
    const c = modelEntry('c');
    expect(upsertModels([a, b], [c, a2])).toEqual([a2, b, c]);
  });

  it('leaves a list that is not loaded yet alone', () => {
    const state = { models: { data: null, loading: true, error: null }, hashing: {}, openModelId: null };
    expect(applyModelEvent(state, { type: 'changed', model: a })).toEqual({});
  });

  it('forgets hashing of a removed model and keeps the drawer of another one open', () => {
    const state = { models: { data: [a, b], loading: false, error: null }, hashing: { a: { bytesDone: 1, bytesTotal: 2, error: null } }, openModelId: 'b' };
    const next = applyModelEvent(state, { type: 'removed', id: 'a' });
    expect(next.models?.data).toEqual([b]);
    expect(next.hashing).toEqual({});
    expect(next.openModelId).toBeUndefined();
  });
});

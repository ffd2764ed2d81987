/** The Models page's Hub store with a fake client: offline notice, search, downloads followed by events. */
import { describe, expect, it } from 'vitest';
import { LatheError, type DownloadEntry, type DownloadEvent } from '../../../../src-main/contract';
import { createHubActions } from '../../../../src-renderer/src/store/hub/actions';
import type { HubClient } from '../../../../src-renderer/src/store/hub/hub-client';
import { initialHubState, type HubState } from '../../../../src-renderer/src/store/hub/initialState';

function entry(id: string, change: Partial<DownloadEntry> = {}): DownloadEntry {
  return { id, repo: 'a/b', file: 'x-Q8_0.gguf', sizeBytes: 100, receivedBytes: 0, bytesPerSecond: null, etaSeconds: null, state: 'queued', problem: null, resumable: true, modelId: null, startedAt: 1, ...change };
}

function harness(client: Partial<HubClient>) {
  let state: HubState = { ...initialHubState };
  let emit: (event: DownloadEvent) => void = () => undefined;
  const full: HubClient = {
    search: async () => [],
    files: async (repo) => ({ repo, files: [] }),
    recommended: async () => [],
    download: async () => entry('d1'),
    downloads: async () => [],
    cancel: async () => ({ cancelled: true }),
    retry: async (id) => entry(id),
    token: async () => ({ set: false, storage: 'file', note: '' }),
    setToken: async () => ({ set: true, storage: 'file', note: '' }),
    watch: (onEvent) => {
      emit = onEvent;
      return () => undefined;
    },
    ...client,
  };
  const set = (update: Partial<HubState> | ((s: HubState) => Partial<HubState>)) => {
    state = { ...state, ...(typeof update === 'function' ? update(state) : update) };
  };
  const actions = createHubActions(set, () => state, full);
  return { actions, state: () => state, emit: (event: DownloadEvent) => emit(event) };
}

describe('hub store', () => {
  it('turns an unreachable Hub into the offline notice, cleared by the next answer', async () => {
    let reachable = false;
    const { actions, state } = harness({
      search: async () => {
        if (!reachable) throw new LatheError('unavailable', 'The Hugging Face Hub cannot be reached.');
        return [{ id: 'a/b', downloads: 1, likes: 0, updatedAt: 0, gated: false }];
      },
    });
    await actions.search();
    expect(state().offline).toBe(true);
    expect(state().results.data).toBeNull();
    reachable = true;
    await actions.search();
    expect(state().offline).toBe(false);
    expect(state().results.data?.map((r) => r.id)).toEqual(['a/b']);
  });

  it('keeps a refused download as an error, not as offline', async () => {
    const { actions, state } = harness({ download: async () => Promise.reject(new LatheError('unwritable', 'Not enough free space.')) });
    await actions.download('a/b', 'x-Q8_0.gguf');
    expect(state().actionError).toEqual({ kind: 'unwritable', message: 'Not enough free space.' });
    expect(state().offline).toBe(false);
    expect(state().downloads).toEqual([]);
  });

  it('follows download events: progress, done, removed', async () => {
    const { actions, state, emit } = harness({});
    actions.startEvents();
    await actions.download('a/b', 'x-Q8_0.gguf');
    emit({ type: 'changed', download: entry('d1', { state: 'downloading', receivedBytes: 40 }) });
    expect(state().downloads).toEqual([entry('d1', { state: 'downloading', receivedBytes: 40 })]);
    emit({ type: 'changed', download: entry('d2') });
    expect(state().downloads.map((d) => d.id)).toEqual(['d2', 'd1']);
    emit({ type: 'removed', id: 'd1' });
    expect(state().downloads.map((d) => d.id)).toEqual(['d2']);
    actions.stopEvents();
  });
});

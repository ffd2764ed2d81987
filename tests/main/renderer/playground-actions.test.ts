import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { LatheError, type ChatEvent, type ChatRequest, type Conversation, type RunEvaluation } from '../../../src-main/contract';
import type { PlaygroundClient } from '../../../src-renderer/src/client/playground-client';
import { createPlaygroundActions } from '../../../src-renderer/src/store/playground/actions';
import { createEvaluationActions } from '../../../src-renderer/src/store/playground/evaluation-actions';
import { createExportActions } from '../../../src-renderer/src/store/playground/export-actions';
import { initialPlaygroundState } from '../../../src-renderer/src/store/playground/initialState';
import { selectStreaming } from '../../../src-renderer/src/store/playground/selectors';
import type { PlaygroundStore } from '../../../src-renderer/src/store/playground/store-type';
import { lossImprovement, matchesReference, matchSummary, progressLabel } from '../../../src-renderer/src/pages/runs/evaluation/evaluation-view';

function conversation(over: Partial<Conversation> = {}): Conversation {
  return {
    id: 'c1',
    title: 'New conversation',
    modelId: 'm1',
    panes: [{ adapter: { kind: 'none' } }, { adapter: { kind: 'run', runId: 'r1', checkpointStep: null, scale: 1 } }],
    systemPrompt: '',
    sampling: { temperature: 0.8, topP: 0.95, topK: 40, minP: 0.05, repeatPenalty: 1.1, maxTokens: 256, seed: null },
    messages: [],
    createdAt: 1,
    updatedAt: 1,
    ...over,
  };
}

/** A client whose chat streams are driven by the test; everything else answers from `saved`. */
function fakeClient() {
  const streams: { request: ChatRequest; emit(event: ChatEvent): void; fail(error: unknown): void; closed: boolean }[] = [];
  let saved = conversation();
  const created: unknown[] = [];
  const client: PlaygroundClient = {
    conversations: async () => [{ ...saved, messageCount: saved.messages.length }],
    conversation: async () => saved,
    createConversation: async (request) => {
      created.push(request);
      saved = conversation({ modelId: request.modelId, panes: request.panes });
      return saved;
    },
    updateConversation: async (_id, change) => {
      if (change.title === 'bad') throw new LatheError('invalid_input', 'no');
      saved = { ...saved, ...change, sampling: { ...saved.sampling, ...change.sampling } };
      return saved;
    },
    removeConversation: async () => ({ removed: true }),
    adapters: async () => [],
    chat(request, onEvent, onError) {
      const stream = { request, emit: onEvent, fail: onError, closed: false };
      streams.push(stream);
      return () => {
        stream.closed = true;
      };
    },
    evaluation: async () => null,
    evaluate: async (runId) => evaluation({ runId, status: 'running' }),
    evaluationTable: async () => ({ fileName: 'e.csv', text: 'a,b' }),
    watchEvaluations: () => () => undefined,
    exportRun: async (_runId, format) => {
      if (format === 'merged') throw new LatheError('unsupported', 'Merging needs the Python runtime.');
      return { format, files: ['/x/Modelfile'], command: 'ollama create x -f /x/Modelfile', text: 'FROM /m.gguf\nADAPTER /a.gguf\n', check: null };
    },
    watchExports: () => () => undefined,
  };
  return { client, streams, created, setSaved: (c: Conversation) => (saved = c) };
}

function evaluation(over: Partial<RunEvaluation> = {}): RunEvaluation {
  return {
    runId: 'r1',
    status: 'done',
    error: null,
    split: 'validation',
    examples: 3,
    targetTokens: 30,
    base: { loss: 4, perplexity: Math.exp(4) },
    adapter: { loss: 1, perplexity: Math.exp(1) },
    generations: [
      { prompt: 'p1', reference: 'GGUF files.', base: 'xx', fineTuned: 'GGUF files. ' },
      { prompt: 'p2', reference: 'On your own machine.', base: 'On your own machine.', fineTuned: 'nope' },
    ],
    createdAt: 5,
    ...over,
  };
}

function makeStore(client: PlaygroundClient) {
  return createStore<PlaygroundStore>()((set, get) => ({
    ...initialPlaygroundState,
    ...createPlaygroundActions(set, get, client),
    ...createEvaluationActions(set, get, client),
    ...createExportActions(set, get, client),
  }));
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('playground actions', () => {
  it('"Chat with this run" opens a conversation on its model with the base and its adapter', async () => {
    const fake = fakeClient();
    const store = makeStore(fake.client);
    store.getState().chatWithRun({ id: 'r1', modelId: 'm1' });
    await store.getState().openRunToOpen();
    expect(store.getState().runToOpen).toBeNull();
    expect(store.getState().modelId).toBe('m1');
    expect(fake.created).toEqual([{ modelId: 'm1', panes: conversation().panes, systemPrompt: '', sampling: {} }]);
    expect(store.getState().open.data?.id).toBe('c1');
  });

  it('streams a turn into every pane, then shows the saved conversation', async () => {
    const fake = fakeClient();
    const store = makeStore(fake.client);
    await store.getState().selectModel('m1');
    await store.getState().openConversation('c1');
    store.getState().send('What is Lathe?');
    expect(fake.streams[0]?.request).toEqual({ conversationId: 'c1', content: 'What is Lathe?', mode: 'send' });
    expect(store.getState().open.data?.messages.map((m) => m.content)).toEqual(['What is Lathe?']);
    expect(selectStreaming(store.getState())).toBe(true);
    // A second send while streaming is ignored.
    store.getState().send('again');
    expect(fake.streams).toHaveLength(1);

    const stream = fake.streams[0]!;
    stream.emit({ type: 'token', paneIndex: 1, text: 'A local' });
    expect(store.getState().turn?.answers[1]?.text).toBe('A local');
    const stats = { timeToFirstTokenMs: 5, tokensPerSecond: 50, tokens: 4, promptTokens: 9, stopReason: 'eos' as const };
    const answer = (paneIndex: number, content: string) => ({ role: 'assistant' as const, content, paneIndex, stats, createdAt: 2 });
    fake.setSaved(conversation({ messages: [{ role: 'user', content: 'What is Lathe?', paneIndex: null, stats: null, createdAt: 2 }, answer(0, 'zz'), answer(1, 'A local fine-tuning studio.')] }));
    stream.emit({ type: 'done', paneIndex: 1, message: answer(1, 'A local fine-tuning studio.'), stats });
    expect(selectStreaming(store.getState())).toBe(true);
    stream.emit({ type: 'done', paneIndex: 0, message: answer(0, 'zz'), stats });
    expect(stream.closed).toBe(true);
    await tick();
    expect(store.getState().turn).toBeNull();
    expect(store.getState().open.data?.messages).toHaveLength(3);
  });

  it('shows a failed stream in the panes still answering, and the next message works', async () => {
    const fake = fakeClient();
    const store = makeStore(fake.client);
    await store.getState().selectModel('m1');
    await store.getState().openConversation('c1');
    store.getState().send('q');
    fake.streams[0]!.fail(new LatheError('unavailable', 'The inference worker exited with code 134; it will be restarted on the next request.'));
    expect(store.getState().turn?.answers.map((a) => a.error?.kind)).toEqual(['unavailable', 'unavailable']);
    expect(selectStreaming(store.getState())).toBe(false);
    await tick();
    store.getState().send('q again');
    expect(fake.streams).toHaveLength(2);
  });

  it('stop closes the stream and keeps what arrived', async () => {
    const fake = fakeClient();
    const store = makeStore(fake.client);
    await store.getState().selectModel('m1');
    await store.getState().openConversation('c1');
    store.getState().send('q');
    fake.streams[0]!.emit({ type: 'token', paneIndex: 0, text: 'part' });
    store.getState().stop();
    expect(fake.streams[0]!.closed).toBe(true);
    expect(store.getState().turn?.answers[0]).toMatchObject({ text: 'part', status: 'stopped' });
    expect(selectStreaming(store.getState())).toBe(false);
    // Late events of the closed stream change nothing.
    fake.streams[0]!.emit({ type: 'token', paneIndex: 0, text: 'late' });
    expect(store.getState().turn?.answers[0]?.text).toBe('part');
  });

  it('shows a settings change at once and puts it back when saving fails', async () => {
    const fake = fakeClient();
    const store = makeStore(fake.client);
    await store.getState().selectModel('m1');
    await store.getState().openConversation('c1');
    expect(await store.getState().changeOpen({ sampling: { temperature: 0 } })).toBe(true);
    expect(store.getState().open.data?.sampling.temperature).toBe(0);
    expect(await store.getState().changeOpen({ title: 'bad', systemPrompt: 'x' })).toBe(false);
    expect(store.getState().open.data?.systemPrompt).toBe('');
    expect(store.getState().actionError?.kind).toBe('invalid_input');
  });
});

describe('evaluation and export actions', () => {
  it('keeps an evaluation that finished over the start call’s running answer', async () => {
    const fake = fakeClient();
    const store = makeStore(fake.client);
    const starting = store.getState().startEvaluation('r1');
    expect(store.getState().evaluations.r1?.starting).toBe(true);
    await starting;
    expect(store.getState().evaluations.r1?.evaluation.data?.status).toBe('running');
    expect(store.getState().evaluations.r1?.starting).toBe(false);
  });

  it('records what an export wrote, or why it failed', async () => {
    const fake = fakeClient();
    const store = makeStore(fake.client);
    expect(await store.getState().exportRun('r1', 'ollama')).toBe(true);
    expect(store.getState().exports.r1?.ollama?.result?.text).toContain('ADAPTER /a.gguf');
    expect(await store.getState().exportRun('r1', 'merged')).toBe(false);
    expect(store.getState().exports.r1?.merged).toMatchObject({ running: false, error: { kind: 'unsupported' } });
  });
});

describe('evaluation view', () => {
  it('marks answers that match the reference and sums them per column', () => {
    expect(matchesReference('GGUF files.', ' GGUF files.\n')).toBe(true);
    expect(matchesReference('GGUF files.', 'GGUF file.')).toBe(false);
    expect(matchSummary(evaluation(), 'fineTuned')).toBe('1 of 2 match the reference');
    expect(matchSummary(evaluation(), 'base')).toBe('1 of 2 match the reference');
  });

  it('says how much lower the adapter’s loss is, and the phase in progress', () => {
    expect(lossImprovement(evaluation())).toBeCloseTo(0.75);
    expect(lossImprovement(evaluation({ adapter: null }))).toBeNull();
    expect(progressLabel({ phase: 'adapter', done: 2, total: 5 })).toBe('Scoring with the adapter: 2 of 5');
  });
});

/**
 * The Playground for real: conversations in a real catalog, turns answered by the built
 * inference worker (real llama.cpp) on a demo model, with an adapter the Python runtime
 * trained. Covers streaming, comparison panes, regenerate, edit and resend, stop, sampling,
 * and each bad input of issue 7 (adapter for another base, model file deleted, prompt longer
 * than the context, worker killed mid-stream).
 */
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEvent, ChatPane, ModelEntry } from '../../../src-main/contract';
import { makeDemoModel } from '../helpers/demo-model';
import { trainAdapter, TRAINED_PAIRS } from '../inference/trained-adapter';
import { completedRun, playgroundFixture, runTurn, type PlaygroundFixture } from './playground-fixture';

const GREEDY = { temperature: 0, maxTokens: 48 };
let modelFile: string;
let adapterFile: string;
const fixtures: PlaygroundFixture[] = [];

beforeAll(async () => {
  modelFile = await makeDemoModel({ arch: 'llama', size: 'small', dtype: 'f32' });
  adapterFile = await trainAdapter(modelFile);
}, 300_000);

afterEach(async () => {
  for (const fixture of fixtures.splice(0)) await fixture.close();
});

async function setUp(): Promise<{ fixture: PlaygroundFixture; model: ModelEntry; tuned: ChatPane }> {
  const fixture = await playgroundFixture();
  fixtures.push(fixture);
  const copy = join(fixture.library.root, 'demo.gguf');
  copyFileSync(modelFile, copy);
  const { added } = await fixture.library.library.addPaths([copy]);
  const model = added[0] as ModelEntry;
  const run = completedRun(join(fixture.library.root, 'run'), model.id, adapterFile);
  fixture.runs.push(run);
  return { fixture, model, tuned: { adapter: { kind: 'run', runId: run.id, checkpointStep: null, scale: 1 } } };
}

const [[question, answer], [question2, answer2]] = TRAINED_PAIRS as [[string, string], [string, string]];

describe('Playground chat', () => {
  it('keeps conversations: created with llama.cpp defaults, changed, listed, removed', async () => {
    const { fixture, model, tuned } = await setUp();
    const { playground } = fixture;
    const created = playground.createConversation({ modelId: model.id, panes: [{ adapter: { kind: 'none' } }], systemPrompt: '', sampling: { temperature: 0.2 } });
    expect(created.sampling).toEqual({ temperature: 0.2, topP: 0.95, topK: 40, minP: 0.05, repeatPenalty: 1.1, maxTokens: 512, seed: null });
    const changed = playground.updateConversation({ id: created.id, panes: [{ adapter: { kind: 'none' } }, tuned], systemPrompt: 'Be brief.', sampling: { seed: 3 } });
    expect(changed.panes).toHaveLength(2);
    expect(changed.sampling).toMatchObject({ temperature: 0.2, seed: 3 });
    expect(playground.conversations()).toEqual([expect.objectContaining({ id: created.id, messageCount: 0 })]);
    expect(() => playground.createConversation({ modelId: 'nope', panes: changed.panes, systemPrompt: '', sampling: {} })).toThrow(expect.objectContaining({ kind: 'not_found' }));
    expect(playground.removeConversation(created.id)).toEqual({ removed: true });
    expect(() => playground.conversation(created.id)).toThrow(expect.objectContaining({ kind: 'not_found' }));
  }, 60_000);

  it('lists the final adapter and checkpoints of runs on this model only', async () => {
    const { fixture, model } = await setUp();
    const options = fixture.playground.adapters(model.id);
    expect(options.map((option) => [option.checkpointStep, option.label])).toEqual([
      [null, 'capitals (final)'],
      [30, 'capitals (step 30)'],
    ]);
    expect(options[1]?.path).toMatch(/output[/\\]checkpoints[/\\]step-00000030[/\\]adapter\.gguf$/);
    expect(fixture.playground.adapters('another-model')).toEqual([]);
  }, 60_000);

  it('streams base and fine-tuned side by side, together, and saves both answers with their stats', async () => {
    const { fixture, model, tuned } = await setUp();
    const { playground } = fixture;
    // The base model (random weights) talks until max tokens; the fine-tune answers in a few.
    const conversation = playground.createConversation({ modelId: model.id, panes: [{ adapter: { kind: 'none' } }, tuned], systemPrompt: '', sampling: { temperature: 0, maxTokens: 200 } });
    const turn = await runTurn(playground, { conversationId: conversation.id, content: question, mode: 'send' }, 2);
    const done = turn.events.filter((event): event is Extract<ChatEvent, { type: 'done' }> => event.type === 'done');
    expect(turn.events.slice(0, 2)).toEqual([
      { type: 'started', paneIndex: 0, messageIndex: 1 },
      { type: 'started', paneIndex: 1, messageIndex: 2 },
    ]);
    expect(done.map((event) => event.paneIndex)).toEqual([1, 0]); // the short answer finished first: the panes ran at once
    expect(turn.texts[1]).toBe(answer);
    expect(turn.texts[0]).not.toBe(answer);
    for (const event of done) {
      expect(event.message.content).toBe(turn.texts[event.paneIndex]);
      expect(event.stats.timeToFirstTokenMs).toBeGreaterThan(0);
      expect(event.stats.tokensPerSecond).toBeGreaterThan(0);
      expect(event.stats.promptTokens).toBeGreaterThan(question.length);
    }
    expect(done[0]?.stats.stopReason).toBe('eos');
    expect(done[1]?.stats.stopReason).toBe('max_tokens');
    const saved = playground.conversation(conversation.id);
    expect(saved.title).toBe(question);
    expect(saved.messages.map((message) => [message.role, message.paneIndex, message.content])).toEqual([
      ['user', null, question],
      ['assistant', 0, turn.texts[0]],
      ['assistant', 1, answer],
    ]);
    expect(saved.messages[2]?.stats).toEqual(done[0]?.stats);
  }, 120_000);

  it('regenerates the last answers (at another strength) and edits a question, dropping what followed', async () => {
    const { fixture, model, tuned } = await setUp();
    const { playground } = fixture;
    const conversation = playground.createConversation({ modelId: model.id, panes: [{ adapter: { kind: 'none' } }, tuned], systemPrompt: '', sampling: GREEDY });
    const first = await runTurn(playground, { conversationId: conversation.id, content: question, mode: 'send' }, 2);
    expect(first.texts[1]).toBe(answer);
    // Scale 0 is the base model: regenerated greedily, both panes say the same.
    playground.updateConversation({ id: conversation.id, panes: [{ adapter: { kind: 'none' } }, { adapter: { ...tuned.adapter, scale: 0 } as ChatPane['adapter'] }] });
    const again = await runTurn(playground, { conversationId: conversation.id, content: '', mode: 'regenerate' }, 2);
    expect(again.texts[1]).toBe(again.texts[0]);
    expect(playground.conversation(conversation.id).messages.map((message) => message.content)).toEqual([question, again.texts[0], again.texts[1]]);

    playground.updateConversation({ id: conversation.id, panes: [{ adapter: { kind: 'none' } }, tuned] });
    await runTurn(playground, { conversationId: conversation.id, content: 'And then?', mode: 'send' }, 2);
    expect(playground.conversation(conversation.id).messages).toHaveLength(6);
    const edited = await runTurn(playground, { conversationId: conversation.id, content: question2, mode: 'edit', editIndex: 0 }, 2);
    expect(edited.texts[1]).toBe(answer2);
    expect(playground.conversation(conversation.id).messages.map((message) => message.content)).toEqual([question2, edited.texts[0], answer2]);
  }, 180_000);

  it('refuses a bad edit or an empty message and leaves the conversation as it was', async () => {
    const { fixture, model } = await setUp();
    const { playground } = fixture;
    const conversation = playground.createConversation({ modelId: model.id, panes: [{ adapter: { kind: 'none' } }], systemPrompt: '', sampling: { ...GREEDY, maxTokens: 4 } });
    await runTurn(playground, { conversationId: conversation.id, content: question, mode: 'send' }, 1);
    const before = playground.conversation(conversation.id).messages;
    await expect(playground.chat({ conversationId: conversation.id, content: 'x', mode: 'edit', editIndex: 1 }, () => {})).rejects.toMatchObject({ kind: 'invalid_input', message: expect.stringContaining('answer') });
    await expect(playground.chat({ conversationId: conversation.id, content: 'x', mode: 'edit', editIndex: 9 }, () => {})).rejects.toMatchObject({ kind: 'invalid_input', message: expect.stringContaining('has 2') });
    await expect(playground.chat({ conversationId: conversation.id, content: '  ', mode: 'send' }, () => {})).rejects.toMatchObject({ kind: 'invalid_input' });
    expect(playground.conversation(conversation.id).messages).toEqual(before);
  }, 120_000);

  it('applies sampling: a seed repeats an answer, max tokens bounds it, the system prompt is counted', async () => {
    const { fixture, model } = await setUp();
    const { playground } = fixture;
    const sampling = { temperature: 1.2, topP: 0.9, topK: 50, minP: 0.01, repeatPenalty: 1.2, maxTokens: 24, seed: 7 };
    const conversation = playground.createConversation({ modelId: model.id, panes: [{ adapter: { kind: 'none' } }], systemPrompt: '', sampling });
    const a = await runTurn(playground, { conversationId: conversation.id, content: 'Tell me a story.', mode: 'send' }, 1);
    const b = await runTurn(playground, { conversationId: conversation.id, content: '', mode: 'regenerate' }, 1);
    expect(b.texts[0]).toBe(a.texts[0]);
    playground.updateConversation({ id: conversation.id, sampling: { seed: 8 }, systemPrompt: 'You are a storyteller.' });
    const c = await runTurn(playground, { conversationId: conversation.id, content: '', mode: 'regenerate' }, 1);
    expect(c.texts[0]).not.toBe(a.texts[0]);
    const stats = (turn: typeof a) => (turn.events.find((event) => event.type === 'done') as Extract<ChatEvent, { type: 'done' }>).stats;
    expect(stats(a).tokens).toBeLessThanOrEqual(24 + 3); // a byte-level model may finish a UTF-8 character
    expect(stats(c).promptTokens - stats(a).promptTokens).toBeGreaterThanOrEqual('You are a storyteller.'.length);
  }, 120_000);

  it('stops generating at once when the stream is unsubscribed, keeping what was said as stopped', async () => {
    const { fixture, model } = await setUp();
    const { playground } = fixture;
    const conversation = playground.createConversation({ modelId: model.id, panes: [{ adapter: { kind: 'none' } }], systemPrompt: '', sampling: { temperature: 0, maxTokens: 400 } });
    await runTurn(playground, { conversationId: conversation.id, content: 'Hello', mode: 'send' }, 1, (event, turn) => {
      if (event.type === 'token') turn.stop();
    });
    let saved = playground.conversation(conversation.id);
    for (let i = 0; i < 100 && saved.messages.length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      saved = playground.conversation(conversation.id);
    }
    expect(saved.messages[1]?.stats?.stopReason).toBe('stopped');
    expect(saved.messages[1]?.stats?.tokens).toBeLessThan(100);
  }, 120_000);
});

describe('Playground chat with bad input', () => {
  it('refuses an adapter made for another base in its pane, naming the mismatch, while the base pane answers', async () => {
    const { fixture, tuned } = await setUp();
    const { playground } = fixture;
    const qwen = join(fixture.library.root, 'qwen.gguf');
    copyFileSync(await makeDemoModel({ arch: 'qwen2', size: 'tiny', dtype: 'f16' }), qwen);
    const other = (await fixture.library.library.addPaths([qwen])).added[0] as ModelEntry;
    fixture.runs[0] = { ...(fixture.runs[0] as (typeof fixture.runs)[number]), modelId: other.id };
    const conversation = playground.createConversation({ modelId: other.id, panes: [{ adapter: { kind: 'none' } }, tuned], systemPrompt: '', sampling: GREEDY });
    const turn = await runTurn(playground, { conversationId: conversation.id, content: question, mode: 'send' }, 2);
    expect(turn.events).toContainEqual({ type: 'error', paneIndex: 1, kind: 'invalid_input', message: expect.stringMatching(/made for architecture llama but the model is qwen2/) });
    expect(turn.events).toContainEqual(expect.objectContaining({ type: 'done', paneIndex: 0 }));
  }, 120_000);

  it('says which model file is gone when it was deleted after it was added', async () => {
    const { fixture, model } = await setUp();
    const { playground } = fixture;
    const conversation = playground.createConversation({ modelId: model.id, panes: [{ adapter: { kind: 'none' } }], systemPrompt: '', sampling: GREEDY });
    rmSync(model.path);
    const turn = await runTurn(playground, { conversationId: conversation.id, content: question, mode: 'send' }, 1);
    expect(turn.events.at(-1)).toEqual({ type: 'error', paneIndex: 0, kind: 'not_found', message: expect.stringContaining(model.path) });
    expect(fixture.inference.workerPid).toBeNull(); // llama.cpp was never asked
  }, 60_000);

  it('refuses a conversation longer than the context, saying how long it is and what fits', async () => {
    const { fixture, model } = await setUp();
    const { playground } = fixture;
    const conversation = playground.createConversation({ modelId: model.id, panes: [{ adapter: { kind: 'none' } }], systemPrompt: '', sampling: GREEDY });
    // The demo tokenizer is byte-level and the demo context 512 tokens.
    const turn = await runTurn(playground, { conversationId: conversation.id, content: 'x'.repeat(700), mode: 'send' }, 1);
    expect(turn.events.at(-1)).toEqual({ type: 'error', paneIndex: 0, kind: 'invalid_input', message: expect.stringMatching(/is 7\d\d tokens long .* holds 512 tokens/) });
    expect(turn.texts[0]).toBe('');
  }, 60_000);

  it('reports a worker killed mid-stream in the stream, and the next message works', async () => {
    const { fixture, model } = await setUp();
    const { playground, inference } = fixture;
    const conversation = playground.createConversation({ modelId: model.id, panes: [{ adapter: { kind: 'none' } }], systemPrompt: '', sampling: { temperature: 0, maxTokens: 400 } });
    let killed = false;
    const crashed = await runTurn(playground, { conversationId: conversation.id, content: 'Hello', mode: 'send' }, 1, (event) => {
      if (event.type === 'token' && !killed) {
        killed = true;
        process.kill(inference.workerPid as number, 'SIGKILL');
      }
    });
    expect(crashed.events.at(-1)).toEqual({ type: 'error', paneIndex: 0, kind: 'unavailable', message: expect.stringContaining('inference worker stopped by SIGKILL') });
    const next = await runTurn(playground, { conversationId: conversation.id, content: 'Hello again', mode: 'send' }, 1);
    expect(next.events.at(-1)).toMatchObject({ type: 'done', paneIndex: 0 });
    // The partial answer is kept, marked as failed, and left out of what the model saw next.
    const saved = playground.conversation(conversation.id);
    expect(saved.messages.map((message) => message.stats?.stopReason ?? message.role)).toEqual(['user', 'error', 'user', 'max_tokens']);
  }, 120_000);
});

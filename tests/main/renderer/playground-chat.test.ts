import { describe, expect, it } from 'vitest';
import type { ChatStats, ConversationMessage } from '../../../src-main/contract';
import { formatAnswerStats, commonPrefixLength } from '../../../src-renderer/src/pages/playground/chat/answer-stats';
import { threadRows } from '../../../src-renderer/src/store/playground/chat-thread';
import { applyChatEvent, historyForTurn, isTurnOver, startTurn, stopTurn } from '../../../src-renderer/src/store/playground/chat-turn';
import { adapterKey, BASE_PANE, panesForRun, paneLabel, withPaneAdapter, withPaneAdded, withPaneRemoved, withPaneScale } from '../../../src-renderer/src/store/playground/panes';

const stats = (over: Partial<ChatStats> = {}): ChatStats => ({ timeToFirstTokenMs: 42.4, tokensPerSecond: 31.25, tokens: 12, promptTokens: 20, stopReason: 'eos', ...over });
const msg = (role: ConversationMessage['role'], content: string, paneIndex: number | null = null): ConversationMessage => ({ role, content, paneIndex, stats: null, createdAt: 1 });

describe('a streaming turn', () => {
  it('folds tokens per pane and is over only when every pane has answered or failed', () => {
    let turn = startTurn('c1', 2);
    turn = applyChatEvent(turn, { type: 'started', paneIndex: 0, messageIndex: 1 });
    turn = applyChatEvent(turn, { type: 'token', paneIndex: 0, text: 'Hel' });
    turn = applyChatEvent(turn, { type: 'token', paneIndex: 1, text: 'A' });
    turn = applyChatEvent(turn, { type: 'token', paneIndex: 0, text: 'lo' });
    expect(turn.answers.map((a) => a.text)).toEqual(['Hello', 'A']);
    expect(isTurnOver(turn)).toBe(false);
    turn = applyChatEvent(turn, { type: 'done', paneIndex: 0, message: msg('assistant', 'Hello.', 0), stats: stats() });
    expect(turn.answers[0]).toMatchObject({ text: 'Hello.', status: 'done' });
    expect(isTurnOver(turn)).toBe(false);
    turn = applyChatEvent(turn, { type: 'error', paneIndex: 1, kind: 'unavailable', message: 'The inference worker exited with code 1' });
    expect(turn.answers[1]).toMatchObject({ text: 'A', status: 'error', error: { kind: 'unavailable', message: 'The inference worker exited with code 1' } });
    expect(isTurnOver(turn)).toBe(true);
  });

  it('maps an unknown error kind to internal and ignores events for panes that are not there', () => {
    const turn = startTurn('c1', 1);
    expect(applyChatEvent(turn, { type: 'token', paneIndex: 3, text: 'x' })).toBe(turn);
    expect(applyChatEvent(turn, { type: 'error', paneIndex: 0, kind: 'worker_gone', message: 'm' }).answers[0]?.error?.kind).toBe('internal');
  });

  it('marks the answers still coming as stopped and keeps their text', () => {
    let turn = startTurn('c1', 2);
    turn = applyChatEvent(turn, { type: 'token', paneIndex: 0, text: 'partial' });
    turn = applyChatEvent(turn, { type: 'done', paneIndex: 1, message: msg('assistant', 'full', 1), stats: stats() });
    const stopped = stopTurn(turn);
    expect(stopped.answers.map((a) => [a.text, a.status])).toEqual([
      ['partial', 'stopped'],
      ['full', 'done'],
    ]);
    expect(isTurnOver(stopped)).toBe(true);
  });

  it('shows the history each mode leaves before the answers come', () => {
    const history = [msg('system', 's'), msg('user', 'q1'), msg('assistant', 'a', 0), msg('assistant', 'b', 1), msg('user', 'q2'), msg('assistant', 'c', 0), msg('assistant', 'd', 1)];
    expect(historyForTurn(history, { conversationId: 'c', content: 'q3', mode: 'send' }, 5).map((m) => m.content)).toEqual(['s', 'q1', 'a', 'b', 'q2', 'c', 'd', 'q3']);
    expect(historyForTurn(history, { conversationId: 'c', content: '', mode: 'regenerate' }, 5).map((m) => m.content)).toEqual(['s', 'q1', 'a', 'b', 'q2']);
    expect(historyForTurn(history, { conversationId: 'c', content: 'q1 again', mode: 'edit', editIndex: 1 }, 5).map((m) => m.content)).toEqual(['s', 'q1 again']);
  });
});

describe('the thread layout', () => {
  it('puts each pane’s answer beside the others under the user message it answers', () => {
    const rows = threadRows([msg('system', 's'), msg('user', 'q1'), msg('assistant', 'a', 0), msg('assistant', 'b', 1), msg('user', 'q2'), msg('assistant', 'c', 1)]);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ userIndex: 1, user: 'q1' });
    expect(rows[0]?.answers[0]?.message.content).toBe('a');
    expect(rows[0]?.answers[1]?.index).toBe(3);
    expect(rows[1]?.answers[0]).toBeUndefined();
    expect(rows[1]?.answers[1]?.message.content).toBe('c');
  });
});

describe('panes', () => {
  const option = (runId: string, checkpointStep: number | null = null) => ({ runId, runName: runId, modelId: 'm', checkpointStep, path: `/${runId}`, label: `${runId} ${checkpointStep ?? 'final'}` });

  it('opens a run with the base beside its final adapter at strength 1', () => {
    expect(panesForRun('r1')).toEqual([BASE_PANE, { adapter: { kind: 'run', runId: 'r1', checkpointStep: null, scale: 1 } }]);
  });

  it('keys and labels choices', () => {
    expect(adapterKey({ kind: 'none' })).toBe('base');
    expect(adapterKey(option('r1', 40))).toBe('r1@40');
    expect(adapterKey({ kind: 'run', runId: 'r1', checkpointStep: null, scale: 2 })).toBe('r1@final');
    expect(paneLabel(BASE_PANE, [])).toBe('Base model');
    expect(paneLabel({ adapter: { kind: 'run', runId: 'r1', checkpointStep: 40, scale: 1 } }, [option('r1', 40)])).toBe('r1 40');
    expect(paneLabel({ adapter: { kind: 'run', runId: 'gone', checkpointStep: null, scale: 1 } }, [])).toBe('Run gone');
  });

  it('changes adapters keeping the strength, clamps strength to 0–2, adds up to four panes and keeps the last', () => {
    const panes = panesForRun('r1');
    const scaled = withPaneScale(panes, 1, 3);
    expect(scaled[1]?.adapter).toMatchObject({ scale: 2 });
    expect(withPaneScale(panes, 0, 1.5)[0]).toEqual(BASE_PANE);
    expect(withPaneAdapter(scaled, 1, option('r2', 10))[1]?.adapter).toEqual({ kind: 'run', runId: 'r2', checkpointStep: 10, scale: 2 });
    expect(withPaneAdapter(scaled, 1, null)[1]).toEqual(BASE_PANE);
    const added = withPaneAdded(panes, [option('r1'), option('r2')]);
    expect(added[2]?.adapter).toMatchObject({ runId: 'r2' });
    const full = withPaneAdded(withPaneAdded(added, []), []);
    expect(full).toHaveLength(4);
    expect(withPaneAdded(full, [])).toHaveLength(4);
    expect(withPaneRemoved([BASE_PANE], 0)).toHaveLength(1);
    expect(withPaneRemoved(panes, 0)).toEqual([panes[1]]);
  });
});

describe('answer stats', () => {
  it('says time to first token, speed, length and why it ended', () => {
    expect(formatAnswerStats(stats())).toBe('first token 42 ms · 31.3 tokens/s · 12 tokens · finished');
    expect(formatAnswerStats(stats({ timeToFirstTokenMs: 1530, tokensPerSecond: 240.4, stopReason: 'max_tokens' }))).toBe('first token 1.5 s · 240 tokens/s · 12 tokens · cut at max tokens');
  });

  it('finds where two answers part', () => {
    expect(commonPrefixLength('GGUF files.', 'GGUF models')).toBe(5);
    expect(commonPrefixLength('', 'x')).toBe(0);
  });
});

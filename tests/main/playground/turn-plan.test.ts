/** The history rules of a chat turn (send, edit and resend, regenerate) and what each pane is shown. */
import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../../src-main/playground/conversation-repository';
import { paneMessages, planTurn } from '../../../src-main/playground/turn-plan';

const user = (seq: number, content: string): StoredMessage => ({ seq, role: 'user', content, paneIndex: null, stats: null, createdAt: 1 });
const answer = (seq: number, pane: number, content: string, stopReason: 'eos' | 'error' = 'eos'): StoredMessage => ({
  seq,
  role: 'assistant',
  content,
  paneIndex: pane,
  stats: { timeToFirstTokenMs: 1, tokensPerSecond: 1, tokens: 1, promptTokens: 1, stopReason },
  createdAt: 1,
});
const history = [user(0, 'Hi'), answer(1, 0, 'base hi'), answer(2, 1, 'tuned hi'), user(3, 'Again'), answer(4, 0, 'base again'), answer(5, 1, 'tuned again', 'error')];

describe('planTurn', () => {
  it('send appends the question after the last message; answers follow it', () => {
    const plan = planTurn(history, { mode: 'send', content: 'More' }, 9);
    expect(plan).toMatchObject({ fromSeq: 6, answerSeq: 7, user: { seq: 6, role: 'user', content: 'More', createdAt: 9 } });
    expect(plan.history.map((message) => message.content).at(-1)).toBe('More');
  });

  it('regenerate drops the answers after the last question and keeps the question', () => {
    const plan = planTurn(history, { mode: 'regenerate', content: '' }, 9);
    expect(plan).toMatchObject({ fromSeq: 4, answerSeq: 4, user: null });
    expect(plan.history.map((message) => message.content)).toEqual(['Hi', 'base hi', 'tuned hi', 'Again']);
    expect(() => planTurn([], { mode: 'regenerate', content: '' }, 9)).toThrow(/no question/);
  });

  it('edit replaces a question at its index and drops everything after it', () => {
    const plan = planTurn(history, { mode: 'edit', content: 'Hello', editIndex: 3 }, 9);
    expect(plan).toMatchObject({ fromSeq: 3, answerSeq: 4, user: { seq: 3, content: 'Hello' } });
    expect(plan.history.map((message) => message.content)).toEqual(['Hi', 'base hi', 'tuned hi', 'Hello']);
    expect(() => planTurn(history, { mode: 'edit', content: 'x', editIndex: 1 }, 9)).toThrow(/only your own messages/);
    expect(() => planTurn(history, { mode: 'edit', content: 'x', editIndex: 6 }, 9)).toThrow(/has 6/);
    expect(() => planTurn(history, { mode: 'send', content: ' \n' }, 9)).toThrow(/empty/);
  });
});

describe('paneMessages', () => {
  it('shows each pane the questions and its own answers, without failed ones, after the system prompt', () => {
    expect(paneMessages('Be brief.', history, 0).map((message) => `${message.role}:${message.content}`)).toEqual([
      'system:Be brief.',
      'user:Hi',
      'assistant:base hi',
      'user:Again',
      'assistant:base again',
    ]);
    expect(paneMessages('  ', history, 1).map((message) => message.content)).toEqual(['Hi', 'tuned hi', 'Again']);
  });
});

/**
 * One turn of a chat as it streams: each pane's answer so far, folded from `playground.chat`
 * events, and the history shown while it streams (the new user message is shown at once; the
 * saved conversation replaces it all when the turn is over). Pure, so tests drive it directly.
 */
import { isErrorKind, type ChatEvent, type ChatRequest, type ChatStats, type ConversationMessage } from '../../../../src-main/contract';
import type { StoredError } from '../errors';

export type PaneAnswerStatus = 'waiting' | 'streaming' | 'done' | 'stopped' | 'error';

export interface PaneAnswer {
  text: string;
  status: PaneAnswerStatus;
  stats: ChatStats | null;
  error: StoredError | null;
}

export interface ActiveTurn {
  conversationId: string;
  /** One answer per pane, in pane order. */
  answers: PaneAnswer[];
}

export function startTurn(conversationId: string, paneCount: number): ActiveTurn {
  return { conversationId, answers: Array.from({ length: paneCount }, () => ({ text: '', status: 'waiting', stats: null, error: null })) };
}

/** The turn with one event applied; events for a pane that is not there are ignored. */
export function applyChatEvent(turn: ActiveTurn, event: ChatEvent): ActiveTurn {
  const current = turn.answers[event.paneIndex];
  if (current === undefined) return turn;
  let next: PaneAnswer;
  switch (event.type) {
    case 'started':
      next = { ...current, status: 'streaming' };
      break;
    case 'token':
      next = { ...current, status: 'streaming', text: current.text + event.text };
      break;
    case 'done':
      next = { text: event.message.content, status: event.stats.stopReason === 'stopped' ? 'stopped' : 'done', stats: event.stats, error: null };
      break;
    case 'error':
      next = { ...current, status: 'error', error: { kind: isErrorKind(event.kind) ? event.kind : 'internal', message: event.message } };
      break;
  }
  const answers = [...turn.answers];
  answers[event.paneIndex] = next;
  return { ...turn, answers };
}

/** Every pane has answered or failed: the stream has nothing more to say. */
export function isTurnOver(turn: ActiveTurn): boolean {
  return turn.answers.every((answer) => answer.status === 'done' || answer.status === 'stopped' || answer.status === 'error');
}

/** The person pressed stop: answers still coming keep their text and are marked stopped. */
export function stopTurn(turn: ActiveTurn): ActiveTurn {
  return { ...turn, answers: turn.answers.map((answer) => (answer.status === 'waiting' || answer.status === 'streaming' ? { ...answer, status: 'stopped' } : answer)) };
}

/**
 * The history as it stands while a turn streams: `send` adds the user message, `edit`
 * replaces the message at `editIndex` and drops what followed, `regenerate` drops the last
 * answers (the main process does the same to the saved conversation).
 */
export function historyForTurn(messages: readonly ConversationMessage[], request: ChatRequest, now: number): ConversationMessage[] {
  const user = (content: string): ConversationMessage => ({ role: 'user', content, paneIndex: null, stats: null, createdAt: now });
  if (request.mode === 'send') return [...messages, user(request.content)];
  if (request.mode === 'edit') return [...messages.slice(0, request.editIndex ?? messages.length), user(request.content)];
  let end = messages.length;
  while (end > 0 && messages[end - 1]?.role === 'assistant') end -= 1;
  return messages.slice(0, end);
}

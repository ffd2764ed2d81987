/**
 * What a chat request does to a conversation's messages, and what each pane is asked: pure
 * functions, so the rules are tested apart from the worker. `send` adds the user message;
 * `edit` replaces the message at `editIndex` and drops everything after it; `regenerate`
 * drops the answers after the last user message. Each pane sees the user messages and its
 * own earlier answers (a comparison keeps one answer per pane per turn).
 */
import { LatheError, type ChatRequest, type SamplingSettings } from '../contract';
import type { StoredMessage } from './conversation-repository';
import type { ChatTurnRequest } from '../inference/worker-protocol';

/** llama.cpp's own defaults, with a bounded answer length. */
export const DEFAULT_SAMPLING: SamplingSettings = { temperature: 0.8, topP: 0.95, topK: 40, minP: 0.05, repeatPenalty: 1.1, maxTokens: 512, seed: null };

export interface TurnPlan {
  /** Messages from this seq on are replaced. */
  fromSeq: number;
  /** The new user message to write at `fromSeq` (none when regenerating). */
  user: StoredMessage | null;
  /** The history the panes answer: kept messages plus the new one. */
  history: StoredMessage[];
  /** Seq of the first answer; pane i answers at `answerSeq + i`. */
  answerSeq: number;
}

export function planTurn(messages: readonly StoredMessage[], request: Pick<ChatRequest, 'mode' | 'content' | 'editIndex'>, now: number): TurnPlan {
  const nextSeq = (kept: readonly StoredMessage[]) => (kept.at(-1)?.seq ?? -1) + 1;
  const userAt = (seq: number): StoredMessage => ({ seq, role: 'user', content: request.content, paneIndex: null, stats: null, createdAt: now });
  if (request.mode === 'regenerate') {
    let end = messages.length;
    while (end > 0 && messages[end - 1]?.role === 'assistant') end -= 1;
    const kept = messages.slice(0, end);
    if (kept.at(-1)?.role !== 'user') throw new LatheError('invalid_input', 'There is no question to answer again: send a message first.');
    const fromSeq = nextSeq(kept);
    return { fromSeq, user: null, history: kept, answerSeq: fromSeq };
  }
  if (request.content.trim() === '') throw new LatheError('invalid_input', 'The message is empty.');
  if (request.mode === 'edit') {
    const index = request.editIndex;
    const edited = index === undefined ? undefined : messages[index];
    if (index === undefined || edited === undefined) {
      throw new LatheError('invalid_input', `There is no message ${index ?? '(none given)'} to edit: the conversation has ${messages.length}.`);
    }
    if (edited.role !== 'user') throw new LatheError('invalid_input', `Message ${index} is an answer; only your own messages can be edited and sent again.`);
    const user = userAt(edited.seq);
    return { fromSeq: edited.seq, user, history: [...messages.slice(0, index), user], answerSeq: edited.seq + 1 };
  }
  const user = userAt(nextSeq(messages));
  return { fromSeq: user.seq, user, history: [...messages, user], answerSeq: user.seq + 1 };
}

/**
 * Pane `pane`'s view of the history for the worker: the system prompt, the user messages,
 * and the answers that pane gave (or that no pane is named for). Answers that failed are left
 * out, as is an empty system prompt.
 */
export function paneMessages(systemPrompt: string, history: readonly StoredMessage[], pane: number): ChatTurnRequest['panes'][number]['messages'] {
  const messages: ChatTurnRequest['panes'][number]['messages'] = systemPrompt.trim() === '' ? [] : [{ role: 'system', content: systemPrompt }];
  for (const message of history) {
    if (message.role === 'assistant' && ((message.paneIndex !== null && message.paneIndex !== pane) || message.stats?.stopReason === 'error')) continue;
    messages.push({ role: message.role, content: message.content });
  }
  return messages;
}

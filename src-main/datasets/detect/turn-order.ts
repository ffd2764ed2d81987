/**
 * The rules a conversation must meet to be trained on, the ones chat templates enforce
 * (several raise "roles must alternate"): an optional system message first and only first;
 * then user and assistant turns alternating, starting with the user and ending with the
 * assistant, so every answer has its question; no empty user or assistant turn. An empty
 * system message is dropped, since it says nothing.
 */
import type { ChatMessage } from '../../contract/dataset-types';
import type { NumberedMessage } from './message-list';

export type CheckedConversation = { conversation: ChatMessage[] } | { problem: string };

export function checkTurnOrder(messages: readonly NumberedMessage[]): CheckedConversation {
  const kept = messages.filter((message) => !(message.role === 'system' && message.content.trim() === ''));
  const conversation: ChatMessage[] = [];
  let expected: ChatMessage['role'] = 'user';
  for (let i = 0; i < kept.length; i++) {
    const message = kept[i] as NumberedMessage;
    const at = `Message ${message.position}`;
    if (message.role === 'system') {
      if (i > 0) return { problem: `${at} is a system message; a system message can only come first.` };
    } else {
      if (message.role !== expected) {
        const previous = kept[i - 1];
        return {
          problem:
            previous === undefined || previous.role === 'system'
              ? `The conversation must start with a user message, but ${at.toLowerCase()} is from the assistant.`
              : `Messages ${previous.position} and ${message.position} are both from the ${message.role}: turns must alternate between user and assistant.`,
        };
      }
      if (message.content.trim() === '') return { problem: `${at} (${message.role}) is empty.` };
      expected = expected === 'user' ? 'assistant' : 'user';
    }
    conversation.push({ role: message.role, content: message.content });
  }
  if (!conversation.some((message) => message.role === 'user')) {
    return { problem: 'The conversation has no user message.' };
  }
  if (expected === 'assistant') return { problem: 'The conversation ends with a user message that has no answer.' };
  return { conversation };
}

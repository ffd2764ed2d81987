/**
 * A list of chat messages as datasets store them: OpenAI-style `{role, content}` (shape
 * `messages`) or ShareGPT-style `{from, value}` (shape `sharegpt`), each read into
 * `{ role, content }` with the message's 1-based position for problem messages. Roles are
 * matched case-insensitively with the aliases in ROLE_NAMES; anything else (`tool`,
 * `function`, `observation`…) is a problem, since Lathe trains on system, user and
 * assistant turns only.
 */
import type { ChatMessage } from '../../contract/dataset-types';
import { describeValue, isRecord } from './field-text';

export interface NumberedMessage extends ChatMessage {
  /** 1-based position in the row's list. */
  position: number;
}

export type MessageList = { messages: NumberedMessage[] } | { problem: string };

const ROLE_NAMES: Record<string, ChatMessage['role']> = {
  system: 'system',
  developer: 'system', // OpenAI's newer name for the system turn
  user: 'user',
  human: 'user',
  assistant: 'assistant',
  gpt: 'assistant',
  bot: 'assistant',
  model: 'assistant', // Gemini
  chatgpt: 'assistant',
};

export type MessageKeys = { role: string; content: string };
export const OPENAI_KEYS: MessageKeys = { role: 'role', content: 'content' };
export const SHAREGPT_KEYS: MessageKeys = { role: 'from', content: 'value' };

export function readMessageList(value: unknown, column: string, keys: MessageKeys, fallback: MessageKeys | null): MessageList {
  if (value === undefined) return { problem: `The field \`${column}\` is missing.` };
  if (!Array.isArray(value)) return { problem: `The field \`${column}\` is ${describeValue(value)}, expected a list of messages.` };
  if (value.length === 0) return { problem: `The conversation in \`${column}\` has no messages.` };
  const messages: NumberedMessage[] = [];
  for (let i = 0; i < value.length; i++) {
    const read = readMessage(value[i], i + 1, keys, fallback);
    if ('problem' in read) return read;
    messages.push(read.message);
  }
  return { messages };
}

function readMessage(
  item: unknown,
  position: number,
  keys: MessageKeys,
  fallback: MessageKeys | null,
): { message: NumberedMessage } | { problem: string } {
  if (!isRecord(item)) {
    return { problem: `Message ${position} is ${describeValue(item)}, expected an object with \`${keys.role}\` and \`${keys.content}\`.` };
  }
  const used = keys.role in item || fallback === null || !(fallback.role in item) ? keys : fallback;
  const roleValue = item[used.role];
  if (typeof roleValue !== 'string') {
    return roleValue === undefined
      ? { problem: `Message ${position} has no \`${used.role}\`.` }
      : { problem: `Message ${position} has a \`${used.role}\` that is ${describeValue(roleValue)}, expected a name like "user".` };
  }
  const role = ROLE_NAMES[roleValue.trim().toLowerCase()];
  if (role === undefined) {
    return { problem: `Message ${position} has the role "${clipName(roleValue)}", which Lathe does not train on (it reads system, user and assistant turns).` };
  }
  const content = contentText(item[used.content]);
  if ('problem' in content) return { problem: `Message ${position} (${role}) ${content.problem}` };
  return { message: { role, content: content.text, position } };
}

/**
 * Message content as text. OpenAI's multi-part content is accepted when every part is text
 * (the parts are joined with a newline); an image, audio or file part is a problem, since
 * there is no text to train on in it.
 */
function contentText(content: unknown): { text: string } | { problem: string } {
  if (typeof content === 'string') return { text: content };
  if (content === undefined) return { problem: 'has no content.' };
  if (Array.isArray(content)) {
    const texts: string[] = [];
    for (const part of content) {
      if (isRecord(part) && part.type === 'text' && typeof part.text === 'string') texts.push(part.text);
      else if (typeof part === 'string') texts.push(part);
      else {
        const kind = isRecord(part) && typeof part.type === 'string' ? ` (${clipName(part.type)})` : '';
        return { problem: `has non-text content${kind}: Lathe trains on text only.` };
      }
    }
    return { text: texts.join('\n') };
  }
  return { problem: `has content that is ${describeValue(content)}, expected text.` };
}

function clipName(name: string): string {
  return name.length > 40 ? `${name.slice(0, 40)}…` : name;
}

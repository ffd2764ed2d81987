/**
 * One row as the conversation it trains on, or why it cannot be used. Pure, so the
 * inspection, the preview and preparation all judge rows the same way.
 *
 * - `messages`, `sharegpt`: the row's list of turns (see message-list.ts), checked by
 *   turn-order.ts.
 * - `alpaca`: the user turn is the instruction, followed by a blank line and the input when
 *   the input is not blank (`"<instruction>\n\n<input>"`, Alpaca's own layout of the two
 *   without its prompt boilerplate); the output is the assistant turn.
 * - `prompt_completion`, `question_answer`, `input_output`: the first field is the user
 *   turn, the second the assistant turn, as written (no trimming).
 * - `text`: a single assistant message holding the text, `[{ role: 'assistant', content }]`.
 *   It is not a chat: preparation must tokenize the text as it is, without the chat
 *   template, and put the loss on every token (DESIGN §3, shape `text`).
 *
 * Any shape may name a `system` column: non-blank text there becomes the first message (a
 * list that already starts with its own system message keeps that one).
 */
import type { ChatMessage, ColumnMapping } from '../../contract/dataset-types';
import { describeValue, fieldText, isRecord } from './field-text';
import { OPENAI_KEYS, readMessageList, SHAREGPT_KEYS, type NumberedMessage } from './message-list';
import { checkTurnOrder } from './turn-order';

export type RowConversation = { conversation: ChatMessage[] } | { problem: string };

/** The two text fields each pair shape reads, in user → assistant order. */
const PAIRS = {
  prompt_completion: ['prompt', 'completion'],
  question_answer: ['question', 'answer'],
  input_output: ['input', 'output'],
} as const;

export function toConversation(record: unknown, mapping: ColumnMapping): RowConversation {
  if (!isRecord(record)) return { problem: `The row is ${describeValue(record)}, not an object with named fields.` };
  const columns = mapping.columns;
  const system = fieldText(record, columns.system, 'system', false);
  if ('problem' in system) return system;
  switch (mapping.shape) {
    case 'messages':
    case 'sharegpt': {
      const part = mapping.shape === 'messages' ? 'messages' : 'conversations';
      const column = columns[part];
      if (column === undefined) return { problem: `No column is chosen for \`${part}\`.` };
      const list =
        mapping.shape === 'messages'
          ? readMessageList(record[column], column, OPENAI_KEYS, SHAREGPT_KEYS)
          : readMessageList(record[column], column, SHAREGPT_KEYS, OPENAI_KEYS);
      if ('problem' in list) return list;
      return checkTurnOrder(withSystem(list.messages, system.text));
    }
    case 'alpaca': {
      const instruction = fieldText(record, columns.instruction, 'instruction', true);
      if ('problem' in instruction) return instruction;
      const input = fieldText(record, columns.input, 'input', false);
      if ('problem' in input) return input;
      const output = fieldText(record, columns.output, 'output', true);
      if ('problem' in output) return output;
      const user = input.text.trim() === '' ? instruction.text : `${instruction.text}\n\n${input.text}`;
      return pair(user, output.text, system.text);
    }
    case 'text': {
      const text = fieldText(record, columns.text, 'text', true);
      return 'problem' in text ? text : { conversation: [{ role: 'assistant', content: text.text }] };
    }
    default: {
      const [userPart, assistantPart] = PAIRS[mapping.shape];
      const user = fieldText(record, columns[userPart], userPart, true);
      if ('problem' in user) return user;
      const assistant = fieldText(record, columns[assistantPart], assistantPart, true);
      if ('problem' in assistant) return assistant;
      return pair(user.text, assistant.text, system.text);
    }
  }
}

function pair(user: string, assistant: string, system: string): RowConversation {
  const conversation: ChatMessage[] = [];
  if (system.trim() !== '') conversation.push({ role: 'system', content: system });
  conversation.push({ role: 'user', content: user }, { role: 'assistant', content: assistant });
  return { conversation };
}

function withSystem(messages: NumberedMessage[], system: string): NumberedMessage[] {
  if (system.trim() === '' || messages[0]?.role === 'system') return messages;
  return [{ role: 'system', content: system, position: 0 }, ...messages];
}

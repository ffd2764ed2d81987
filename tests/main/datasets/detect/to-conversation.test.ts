/** Rows to conversations, per shape, and every reason a row is refused. */
import { describe, expect, it } from 'vitest';
import type { ColumnMapping } from '../../../../src-main/contract/dataset-types';
import { toConversation } from '../../../../src-main/datasets/detect/to-conversation';

const messages: ColumnMapping = { shape: 'messages', columns: { messages: 'messages' } };
const sharegpt: ColumnMapping = { shape: 'sharegpt', columns: { conversations: 'conversations' } };
const alpaca: ColumnMapping = { shape: 'alpaca', columns: { instruction: 'instruction', input: 'input', output: 'output' } };

const problemOf = (record: unknown, mapping: ColumnMapping) => {
  const result = toConversation(record, mapping);
  return 'problem' in result ? result.problem : null;
};

describe('toConversation', () => {
  it('reads OpenAI messages, role aliases and text-only multi-part content', () => {
    const row = {
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'User', content: [{ type: 'text', text: 'Look:' }, { type: 'text', text: 'two parts' }] },
        { role: 'model', content: 'Seen.' },
      ],
    };
    expect(toConversation(row, messages)).toEqual({
      conversation: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Look:\ntwo parts' },
        { role: 'assistant', content: 'Seen.' },
      ],
    });
  });

  it('reads ShareGPT turns with human/gpt/system', () => {
    const row = { conversations: [{ from: 'system', value: 'S' }, { from: 'human', value: 'Q' }, { from: 'gpt', value: 'A' }] };
    expect(toConversation(row, sharegpt)).toEqual({
      conversation: [
        { role: 'system', content: 'S' },
        { role: 'user', content: 'Q' },
        { role: 'assistant', content: 'A' },
      ],
    });
  });

  it('joins an Alpaca instruction and a non-blank input with a blank line', () => {
    expect(toConversation({ instruction: 'Translate.', input: 'chat', output: 'cat' }, alpaca)).toEqual({
      conversation: [
        { role: 'user', content: 'Translate.\n\nchat' },
        { role: 'assistant', content: 'cat' },
      ],
    });
    for (const input of ['', '  ', null, undefined]) {
      expect(toConversation({ instruction: 'Name a colour.', input, output: 'Red' }, alpaca)).toEqual({
        conversation: [
          { role: 'user', content: 'Name a colour.' },
          { role: 'assistant', content: 'Red' },
        ],
      });
    }
  });

  it('reads the pair shapes and a per-row system column', () => {
    const mapping: ColumnMapping = { shape: 'question_answer', columns: { question: 'Q', answer: 'A', system: 'sys' } };
    expect(toConversation({ Q: 'Why?', A: 'Because.', sys: 'You explain.' }, mapping)).toEqual({
      conversation: [
        { role: 'system', content: 'You explain.' },
        { role: 'user', content: 'Why?' },
        { role: 'assistant', content: 'Because.' },
      ],
    });
    expect(toConversation({ prompt: 'p', completion: 'c' }, { shape: 'prompt_completion', columns: { prompt: 'prompt', completion: 'completion' } })).toEqual({
      conversation: [
        { role: 'user', content: 'p' },
        { role: 'assistant', content: 'c' },
      ],
    });
  });

  it('represents raw text as one assistant message (preparation trains on every token, no chat template)', () => {
    expect(toConversation({ text: 'Once upon a time.' }, { shape: 'text', columns: { text: 'text' } })).toEqual({
      conversation: [{ role: 'assistant', content: 'Once upon a time.' }],
    });
  });

  it('reports numbers and other non-text values where text belongs, never converting them', () => {
    expect(problemOf({ instruction: 'Add 2 and 3.', output: 5 }, alpaca)).toBe('The field `output` is a number, expected text.');
    expect(problemOf({ instruction: true, output: 'x' }, alpaca)).toBe('The field `instruction` is true/false, expected text.');
    expect(problemOf({ instruction: 'i', input: 3, output: 'o' }, alpaca)).toBe('The field `input` is a number, expected text.');
    expect(problemOf({ instruction: ['a'], output: 'o' }, alpaca)).toBe('The field `instruction` is a list, expected text.');
    expect(problemOf({ instruction: { a: 1 }, output: 'o' }, alpaca)).toBe('The field `instruction` is an object, expected text.');
  });

  it('reports missing, null and empty fields, and a mapping without the column', () => {
    expect(problemOf({ instruction: 'i' }, alpaca)).toBe('The field `output` is missing.');
    expect(problemOf({ instruction: 'i', output: null }, alpaca)).toBe('The field `output` is empty (null).');
    expect(problemOf({ instruction: 'i', output: ' \n' }, alpaca)).toBe('The field `output` is empty.');
    expect(problemOf({ text: 'x' }, { shape: 'text', columns: {} })).toBe('No column is chosen for `text`.');
  });

  it('reports rows that are not objects, and nested arrays', () => {
    expect(problemOf([[{ role: 'user', content: 'x' }]], messages)).toBe('The row is a list of lists (nested arrays), not an object with named fields.');
    expect(problemOf('just text', messages)).toBe('The row is text, not an object with named fields.');
    expect(problemOf({ messages: [[{ role: 'user', content: 'q' }]] }, messages)).toBe(
      'Message 1 is a list, expected an object with `role` and `content`.',
    );
    expect(problemOf({ messages: 'hi' }, messages)).toBe('The field `messages` is text, expected a list of messages.');
    expect(problemOf({ messages: [] }, messages)).toBe('The conversation in `messages` has no messages.');
  });

  it('reports non-text content: images, audio, null, numbers, objects', () => {
    const image = { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'data:…' } }] };
    expect(problemOf({ messages: [image, { role: 'assistant', content: 'A cat.' }] }, messages)).toBe(
      'Message 1 (user) has non-text content (image_url): Lathe trains on text only.',
    );
    expect(problemOf({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: null }] }, messages)).toBe(
      'Message 2 (assistant) has content that is null, expected text.',
    );
    expect(problemOf({ messages: [{ role: 'user', content: 42 }, { role: 'assistant', content: 'a' }] }, messages)).toBe(
      'Message 1 (user) has content that is a number, expected text.',
    );
  });

  it('reports unknown roles and roles out of order', () => {
    const turn = (role: string, content = 'x') => ({ role, content });
    expect(problemOf({ messages: [turn('user'), turn('tool'), turn('assistant')] }, messages)).toBe(
      'Message 2 has the role "tool", which Lathe does not train on (it reads system, user and assistant turns).',
    );
    expect(problemOf({ conversations: [{ from: 'observation', value: 'x' }] }, sharegpt)).toMatch(/role "observation"/);
    expect(problemOf({ messages: [{ content: 'x' }] }, messages)).toBe('Message 1 has no `role`.');
    expect(problemOf({ messages: [turn('assistant'), turn('user')] }, messages)).toBe(
      'The conversation must start with a user message, but message 1 is from the assistant.',
    );
    expect(problemOf({ messages: [turn('user'), turn('user'), turn('assistant')] }, messages)).toBe(
      'Messages 1 and 2 are both from the user: turns must alternate between user and assistant.',
    );
    expect(problemOf({ messages: [turn('user'), turn('assistant'), turn('system')] }, messages)).toBe(
      'Message 3 is a system message; a system message can only come first.',
    );
    expect(problemOf({ messages: [turn('user'), turn('assistant'), turn('user')] }, messages)).toBe(
      'The conversation ends with a user message that has no answer.',
    );
    expect(problemOf({ messages: [turn('system')] }, messages)).toBe('The conversation has no user message.');
  });

  it('reports an empty assistant or user turn, and drops an empty system message', () => {
    expect(problemOf({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: '  ' }] }, messages)).toBe(
      'Message 2 (assistant) is empty.',
    );
    expect(
      toConversation({ messages: [{ role: 'system', content: '' }, { role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }] }, messages),
    ).toEqual({
      conversation: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'a' },
      ],
    });
  });
});

/** Shape detection from a sample: each shape with its confidence and evidence, alternative names, and ambiguity. */
import { describe, expect, it } from 'vitest';
import { detectShape } from '../../../../src-main/datasets/detect/detect-shape';

const columnsOf = (rows: readonly Record<string, unknown>[]) => [...new Set(rows.flatMap((row) => Object.keys(row)))];
const detect = (rows: Record<string, unknown>[]) => detectShape(rows, columnsOf(rows));
const times = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));

describe('detectShape', () => {
  it('detects OpenAI messages, by content even under another column name', () => {
    const rows = times(10, (i) => ({ dialog: [{ role: 'user', content: `q${i}` }, { role: 'assistant', content: `a${i}` }], id: i }));
    const detection = detect(rows);
    expect(detection).toMatchObject({ shape: 'messages', confidence: 1, mapping: { shape: 'messages', columns: { messages: 'dialog' } }, alternatives: [] });
    expect(detection.evidence[0]).toBe('10 of 10 sampled rows have a `dialog` list of role/content messages that forms a valid conversation.');
  });

  it('detects ShareGPT conversations', () => {
    const rows = times(5, () => ({ conversations: [{ from: 'human', value: 'q' }, { from: 'gpt', value: 'a' }] }));
    expect(detect(rows)).toMatchObject({ shape: 'sharegpt', confidence: 1, mapping: { columns: { conversations: 'conversations' } } });
  });

  it('detects Alpaca, Dolly names included, without calling input/output a rival', () => {
    const alpaca = detect(times(4, (i) => ({ instruction: 'i', input: i % 2 ? 'x' : '', output: 'o' })));
    expect(alpaca).toMatchObject({ shape: 'alpaca', confidence: 1, mapping: { columns: { instruction: 'instruction', input: 'input', output: 'output' } } });
    expect(alpaca.alternatives.map((alternative) => alternative.shape)).toEqual(['input_output']);
    expect(alpaca.evidence.join(' ')).not.toMatch(/also fit/);
    const dolly = detect(times(3, () => ({ Instruction: 'i', context: '', response: 'r', category: 'qa' })));
    expect(dolly).toMatchObject({ shape: 'alpaca', mapping: { columns: { instruction: 'Instruction', input: 'context', output: 'response' } } });
  });

  it('detects prompt/completion, prompt/response, question/answer, query/response, input/output and text', () => {
    expect(detect([{ prompt: 'p', completion: 'c' }]).mapping).toEqual({ shape: 'prompt_completion', columns: { prompt: 'prompt', completion: 'completion' } });
    expect(detect([{ PROMPT: 'p', Response: 'r' }]).mapping).toEqual({ shape: 'prompt_completion', columns: { prompt: 'PROMPT', completion: 'Response' } });
    expect(detect([{ question: 'q', answer: 'a' }]).mapping).toEqual({ shape: 'question_answer', columns: { question: 'question', answer: 'answer' } });
    expect(detect([{ query: 'q', response: 'r' }]).mapping).toEqual({ shape: 'question_answer', columns: { question: 'query', answer: 'response' } });
    expect(detect([{ input: 'i', output: 'o' }]).mapping).toEqual({ shape: 'input_output', columns: { input: 'input', output: 'output' } });
    expect(detect([{ content: 'story' }])).toMatchObject({ shape: 'text', confidence: 1, mapping: { columns: { text: 'content' } } });
  });

  it('maps a system column when there is one', () => {
    expect(detect([{ system_prompt: 's', question: 'q', answer: 'a' }]).mapping.columns).toEqual({ question: 'question', answer: 'answer', system: 'system_prompt' });
  });

  it('gives the share of rows that fit, and says what is wrong with the others', () => {
    const rows = [...times(8, () => ({ prompt: 'p', completion: 'c' })), { prompt: 'p', completion: 3 }, { prompt: 'p' }];
    const detection = detect(rows);
    expect(detection).toMatchObject({ shape: 'prompt_completion', confidence: 0.8 });
    expect(detection.evidence).toContain('The most common problem in the other rows: The field `completion` is a number, expected text.');
  });

  it('lowers confidence when two shapes fit the same rows equally (ambiguous), and lists the other', () => {
    const detection = detect(times(6, () => ({ prompt: 'p', completion: 'c', question: 'q', answer: 'a' })));
    expect(detection.shape).toBe('prompt_completion');
    expect(detection.confidence).toBe(0.5);
    expect(detection.alternatives).toEqual([{ shape: 'question_answer', confidence: 0.5 }]);
    expect(detection.evidence).toContain('The rows also fit the question_answer shape (6 of 6); choose it instead if that reading is right.');
  });

  it('guesses raw text from a lone text column, with low confidence', () => {
    const detection = detect(times(4, (i) => ({ sentence: `s${i}`, n: i })));
    expect(detection).toMatchObject({ shape: 'text', confidence: 0.5, mapping: { columns: { text: 'sentence' } } });
  });

  it('says so when no shape fits, with confidence 0 and no mapping', () => {
    const detection = detect(times(3, (i) => ({ a: i, b: i })));
    expect(detection).toMatchObject({ shape: 'text', confidence: 0, mapping: { shape: 'text', columns: {} }, alternatives: [] });
    expect(detection.evidence[0]).toMatch(/No column has a name Lathe knows \(`a`, `b`\)/);
  });

  it('does not read single messages as raw text: a conversation saved as the whole file has no shape', () => {
    const detection = detectShape([{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }], ['role', 'content']);
    expect(detection).toMatchObject({ shape: 'text', confidence: 0, mapping: { columns: {} } });
    expect(detection.evidence[1]).toBe('Each row looks like one chat message, not a conversation: was a single conversation saved as the whole file?');
  });

  it('reports a messages column whose lists are broken as the messages shape with what is wrong', () => {
    const detection = detect(times(3, () => ({ messages: 'not a list' })));
    expect(detection).toMatchObject({ shape: 'messages', confidence: 0 });
    expect(detection.evidence).toContain('The most common problem in the other rows: The field `messages` is text, expected a list of messages.');
  });
});

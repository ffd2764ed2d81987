/**
 * Rendering and loss spans for real template shapes, without a tokenizer: the spans must join
 * to exactly what the template renders, and the trained spans must be exactly the assistant
 * replies plus their end-of-turn token.
 */
import { describe, expect, it } from 'vitest';
import { ChatTemplate, CHATML_TEMPLATE, chooseTemplateSource, ConversationProblem, rawTextSpans, type TemplateSpan } from '../../../../src-main/datasets/prepare/chat-template';
import { LatheError } from '../../../../src-main/contract';
import { printsContentVerbatim } from '../../../../src-main/datasets/prepare/verbatim-content';
import { Template } from '@huggingface/jinja';
import { chat } from './prepare-fixtures';

const chatml = ChatTemplate.compile({ source: CHATML_TEMPLATE, bosToken: '<|endoftext|>', eosToken: '<|im_end|>', endOfGeneration: ['<|im_end|>', '<|endoftext|>'] });

const trainedText = (spans: TemplateSpan[]): string[] => spans.filter((span) => span.trained).map((span) => span.text);
const joined = (spans: TemplateSpan[]): string => spans.map((span) => span.text).join('');

// Llama 3's layout: BOS written by the template, header tokens, trimmed content, <|eot_id|>.
const LLAMA3_LIKE =
  "{{ bos_token }}{% for message in messages %}{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

// Mistral's later layout: the system prompt goes into the last user turn, EOS after replies,
// and roles must alternate.
const MISTRAL_LIKE =
  "{% if messages[0]['role'] == 'system' %}{% set system = messages[0]['content'] %}{% set loop_messages = messages[1:] %}{% else %}{% set system = '' %}{% set loop_messages = messages %}{% endif %}" +
  "{{ bos_token }}{% for message in loop_messages %}" +
  "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant') }}{% endif %}" +
  "{% if message['role'] == 'user' %}{% if loop.revindex0 <= 1 and system != '' %}{{ '[INST] ' + system + '\\n\\n' + message['content'] + '[/INST]' }}{% else %}{{ '[INST] ' + message['content'] + '[/INST]' }}{% endif %}" +
  "{% else %}{{ ' ' + message['content'] + eos_token }}{% endif %}{% endfor %}";

// Qwen3's way with reasoning: a reply holding </think> is laid out anew (the reasoning between
// newlines, the answer after a blank line), so the content as given appears nowhere.
const REASONING_RELAID =
  "{% for message in messages %}{% if message['role'] == 'assistant' and '</think>' in message['content'] %}" +
  "{% set reasoning = message['content'].split('</think>')[0].split('<think>')[-1].strip() %}{% set answer = message['content'].split('</think>')[-1].lstrip() %}" +
  "{{ '<|im_start|>assistant\\n<think>\\n' + reasoning + '\\n</think>\\n\\n' + answer + '<|im_end|>\\n' }}" +
  "{% else %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{% endif %}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

// Markup that depends on the content: questions get a marker the sentinel never triggers.
const MARKS_QUESTIONS =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] }}{% if message['content'].endswith('?') %}{{ ' (question)' }}{% endif %}" +
  "{{ '\\n' + message['content'] + '<|im_end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

describe('ChatTemplate', () => {
  it('renders ChatML and trains exactly the replies and their <|im_end|>', () => {
    const messages = chat(['system', 'Be brief.'], ['user', 'Hi'], ['assistant', 'Hello!'], ['user', 'Again'], ['assistant', 'Hello again.']);
    const spans = chatml.render(messages, 'assistant');
    expect(joined(spans)).toBe(
      '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n' +
        '<|im_start|>user\nAgain<|im_end|>\n<|im_start|>assistant\nHello again.<|im_end|>\n',
    );
    expect(trainedText(spans)).toEqual(['Hello!', '<|im_end|>', 'Hello again.', '<|im_end|>']);
    // Content is never markup, so control-token text in it is never parsed as a token.
    expect(spans.filter((span) => !span.special).map((span) => span.text)).toEqual(['Be brief.', 'Hi', 'Hello!', 'Again', 'Hello again.']);
  });

  it('trains every span with lossOn all', () => {
    const spans = chatml.render(chat(['user', 'Hi'], ['assistant', 'Yo']), 'all');
    expect(spans.every((span) => span.trained)).toBe(true);
    expect(joined(spans)).toBe('<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nYo<|im_end|>\n');
  });

  it('follows a template that trims content and writes BOS itself', () => {
    const template = ChatTemplate.compile({ source: LLAMA3_LIKE, bosToken: '<|begin_of_text|>', eosToken: '<|eot_id|>', endOfGeneration: ['<|eot_id|>'] });
    const spans = template.render(chat(['user', '  Hi  '], ['assistant', '\nHello!\n']), 'assistant');
    expect(joined(spans)).toBe('<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>');
    expect(trainedText(spans)).toEqual(['Hello!', '<|eot_id|>']);
    expect(spans.find((span) => span.text === 'Hi')?.special).toBe(false);
  });

  it('finds the system prompt where the template moves it, and trains the EOS after each reply', () => {
    const template = ChatTemplate.compile({ source: MISTRAL_LIKE, bosToken: '<s>', eosToken: '</s>', endOfGeneration: ['</s>'] });
    const spans = template.render(chat(['system', 'Be kind.'], ['user', 'Q1'], ['assistant', 'A1'], ['user', 'Q2'], ['assistant', 'A2']), 'assistant');
    expect(joined(spans)).toBe('<s>[INST] Q1[/INST] A1</s>[INST] Be kind.\n\nQ2[/INST] A2</s>');
    expect(trainedText(spans)).toEqual(['A1', '</s>', 'A2', '</s>']);
    expect(spans.filter((span) => !span.special).map((span) => span.text)).toEqual(['Q1', 'A1', 'Be kind.', 'Q2', 'A2']);
  });

  it('falls back to rendering prefixes when the markup depends on the content', () => {
    const template = ChatTemplate.compile({ source: MARKS_QUESTIONS, bosToken: '', eosToken: '<|im_end|>', endOfGeneration: ['<|im_end|>'] });
    const messages = chat(['user', 'Why?'], ['assistant', 'Because.']);
    const spans = template.render(messages, 'assistant');
    expect(joined(spans)).toBe('<|im_start|>user (question)\nWhy?<|im_end|>\n<|im_start|>assistant\nBecause.<|im_end|>\n');
    expect(trainedText(spans)).toEqual(['Because.', '<|im_end|>']);
    expect(spans.filter((span) => !span.special).map((span) => span.text)).toEqual(['Why?', 'Because.']);
  });

  it('trains a reply the template rewrote as the template wrote it, up to its end of turn', () => {
    const template = ChatTemplate.compile({ source: REASONING_RELAID, bosToken: '', eosToken: '<|im_end|>', endOfGeneration: ['<|im_end|>'] });
    const messages = chat(['user', 'Sum 2+2'], ['assistant', '<think>2+2=4</think>4']);
    const spans = template.render(messages, 'assistant');
    expect(joined(spans)).toBe('<|im_start|>user\nSum 2+2<|im_end|>\n<|im_start|>assistant\n<think>\n2+2=4\n</think>\n\n4<|im_end|>\n');
    expect(trainedText(spans)).toEqual(['<think>\n2+2=4\n</think>\n\n4', '<|im_end|>']);
  });

  it('refuses a conversation the template refuses, with the template’s reason', () => {
    const template = ChatTemplate.compile({ source: MISTRAL_LIKE, bosToken: '<s>', eosToken: '</s>', endOfGeneration: ['</s>'] });
    expect(() => template.render(chat(['assistant', 'A'], ['user', 'Q']), 'assistant')).toThrow(ConversationProblem);
    expect(() => template.render(chat(['assistant', 'A'], ['user', 'Q']), 'assistant')).toThrow(/roles must alternate/);
  });

  it('refuses a template that rewrites content beyond recognition', () => {
    const template = ChatTemplate.compile({ source: "{% for m in messages %}{{ m['role'] + ': ' + m['content'] | upper + '\\n' }}{% endfor %}", bosToken: '', eosToken: '', endOfGeneration: [] });
    expect(() => template.render(chat(['user', 'hi'], ['assistant', 'yo']), 'assistant')).toThrow(/cannot split into turns/);
  });

  it('reports a template its Jinja engine cannot parse as unsupported, suggesting ChatML', () => {
    expect(() => ChatTemplate.compile({ source: '{% for %}', bosToken: '', eosToken: '', endOfGeneration: [] })).toThrow(LatheError);
    try {
      ChatTemplate.compile({ source: '{% for %}', bosToken: '', eosToken: '', endOfGeneration: [] });
    } catch (error) {
      expect(error).toMatchObject({ kind: 'unsupported', message: expect.stringContaining('ChatML') });
    }
  });
});

describe('chooseTemplateSource', () => {
  it('asks for ChatML when the model has no template and the data is chat', () => {
    expect(() => chooseTemplateSource(null, 'model', 'messages')).toThrow(expect.objectContaining({ kind: 'unsupported', message: expect.stringMatching(/no chat template.*ChatML/) }));
    expect(chooseTemplateSource(null, 'chatml', 'messages')).toBe(CHATML_TEMPLATE);
    expect(chooseTemplateSource('{{ x }}', 'model', 'alpaca')).toBe('{{ x }}');
    expect(chooseTemplateSource('{{ x }}', 'chatml', 'alpaca')).toBe(CHATML_TEMPLATE);
  });

  it('uses no template for raw text, which trains every token and ends with EOS', () => {
    expect(chooseTemplateSource(null, 'model', 'text')).toBeNull();
    expect(rawTextSpans(chat(['assistant', 'Once upon a time.']), '<|im_end|>')).toEqual([
      { text: 'Once upon a time.', trained: true, special: false },
      { text: '<|im_end|>', trained: true, special: true },
    ]);
  });
});

describe('printsContentVerbatim', () => {
  const verbatim = (source: string): boolean => printsContentVerbatim(new Template(source).parsed);
  const loop = (body: string): string => `{% for message in messages %}${body}{% endfor %}`;

  it('accepts templates that only print contents as they are', () => {
    expect(verbatim(CHATML_TEMPLATE)).toBe(true);
    // Phi-3's layout, SmolLM's default system prompt, counters and conditional printing.
    expect(verbatim(loop("{{ '<|' + message['role'] + '|>\\n' + message['content'] + '<|end|>\\n' }}{% if loop.last and add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}"))).toBe(true);
    expect(verbatim(loop("{% if loop.first and messages[0]['role'] != 'system' %}{{ 'You are helpful.' }}{% endif %}{{ message.role ~ ': ' ~ message.content }}"))).toBe(true);
    expect(verbatim("{{ messages | length }}{{ messages[0].content if messages[0].role == 'system' else '' }}")).toBe(true);
  });

  it('refuses templates that could look at a content, or reach one another way', () => {
    expect(verbatim(LLAMA3_LIKE)).toBe(false); // | trim
    expect(verbatim(MISTRAL_LIKE)).toBe(false); // messages[1:], set system = messages[0]['content']
    expect(verbatim(MARKS_QUESTIONS)).toBe(false); // .endswith('?')
    expect(verbatim(REASONING_RELAID)).toBe(false); // '</think>' in content
    expect(verbatim(loop('{{ message }}'))).toBe(false);
    expect(verbatim(loop('{{ loop.previtem }}'))).toBe(false);
    expect(verbatim(loop('{{ loop }}'))).toBe(false);
    expect(verbatim(loop("{% if message.content %}{{ message.content }}{% endif %}"))).toBe(false);
    expect(verbatim(loop("{% set text = message['content'] %}{{ text }}"))).toBe(false);
    expect(verbatim(loop("{{ message[message.role] }}"))).toBe(false);
    expect(verbatim("{{ messages | map(attribute='content') | join }}")).toBe(false);
    expect(verbatim("{{ messages | tojson }}")).toBe(false);
    expect(verbatim("{% macro show(m) %}{{ m }}{% endmacro %}{{ show(messages[0]) }}")).toBe(false);
  });

  it('gives the same spans as rendering every row', () => {
    // ChatML with a test on the content that changes nothing: not verbatim, so always rendered.
    const testingSource = CHATML_TEMPLATE.replace("message['content'] +", "(message['content'] if message['content'] is string else '') +");
    expect(verbatim(testingSource)).toBe(false);
    const rendered = ChatTemplate.compile({
      source: testingSource,
      bosToken: '<|endoftext|>',
      eosToken: '<|im_end|>',
      endOfGeneration: ['<|im_end|>'],
    });
    const conversations = [
      chat(['user', '  padded  '], ['assistant', '\nnew lines\n']),
      chat(['system', ''], ['user', 'has <|im_end|> inside'], ['assistant', '']),
      chat(['user', 'private use \uE0001\uE001 characters'], ['assistant', 'ok'], ['user', 'again'], ['assistant', 'and again']),
    ];
    // Past the checks, the filled skeleton alone is used.
    for (let round = 0; round < 20; round++) {
      for (const conversation of conversations) {
        for (const lossOn of ['assistant', 'all'] as const) expect(chatml.render(conversation, lossOn)).toEqual(rendered.render(conversation, lossOn));
      }
    }
  });
});

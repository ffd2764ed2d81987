/**
 * Spans → ids and mask with the demo model's real tokenizer (llama.cpp, vocabulary only):
 * ids 0–255 are bytes, 256 <|endoftext|> (BOS), 257 <|im_start|>, 258 <|im_end|>. Being
 * byte-level, every character's token is known, so masks can be checked exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLlamaTokenizer, type LlamaTokenizer } from '../../../../src-main/datasets/prepare/llama-tokenizer';
import { readModelTokenizer } from '../../../../src-main/datasets/prepare/model-tokenizer';
import { SpecialTokenMatcher } from '../../../../src-main/datasets/prepare/special-token-matcher';
import { tokenizeSpans, type SpanTokenizer } from '../../../../src-main/datasets/prepare/tokenize-spans';
import { DEMO_VOCAB, makeDemoModel } from '../../helpers/demo-model';
import { modelVariant } from './prepare-fixtures';

const bytes = (text: string): number[] => [...Buffer.from(text, 'utf8')];
const markup = (text: string, trained = false) => ({ text, trained, special: true });
const content = (text: string, trained = false) => ({ text, trained, special: false });

let demo: LlamaTokenizer;
let withBos: LlamaTokenizer;

beforeAll(async () => {
  const path = await makeDemoModel({ arch: 'llama', dtype: 'f32' });
  demo = await loadLlamaTokenizer(path, await readModelTokenizer(path));
  const bosPath = await modelVariant(path, { 'tokenizer.ggml.add_bos_token': { value: true, type: 'bool' } });
  withBos = await loadLlamaTokenizer(bosPath, await readModelTokenizer(bosPath));
}, 180_000);

afterAll(async () => {
  await demo?.dispose();
  await withBos?.dispose();
});

describe('tokenizeSpans', () => {
  it('turns control-token text in markup into control tokens, and the same text in content into bytes', () => {
    const { ids, mask } = tokenizeSpans([markup('<|im_start|>user\n'), content('<|im_start|>hi<|im_end|>'), markup('<|im_end|>\n')], demo);
    expect(Array.from(ids)).toEqual([DEMO_VOCAB.imStart, ...bytes('user\n'), ...bytes('<|im_start|>hi<|im_end|>'), DEMO_VOCAB.imEnd, ...bytes('\n')]);
    expect(Array.from(mask).every((bit) => bit === 0)).toBe(true);
  });

  it('marks exactly the trained characters where markup and content share a stretch of text', () => {
    const spans = [markup('<|im_start|>assistant\n'), content('Hi!', true), markup('<|im_end|>', true), markup('\nA: '), content('x', true), markup(' B: '), content('yz', true)];
    const { ids, mask } = tokenizeSpans(spans, demo);
    const expectedIds = [DEMO_VOCAB.imStart, ...bytes('assistant\nHi!'), DEMO_VOCAB.imEnd, ...bytes('\nA: x B: yz')];
    const expectedMask = [0, ...bytes('assistant\n').map(() => 0), 1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1];
    expect(Array.from(ids)).toEqual(expectedIds);
    expect(Array.from(mask)).toEqual(expectedMask);
  });

  it('adds no BOS when the model says not to (the demo model: add_bos_token = false)', () => {
    expect(demo.bosToAdd).toBeNull();
    expect(tokenizeSpans([content('hi', true)], demo).bosAdded).toBe(false);
  });

  it('adds BOS once when the model asks for it, and not again when the template wrote it', () => {
    expect(withBos.bosToAdd).toBe(DEMO_VOCAB.endOfText);
    const added = tokenizeSpans([content('hi', true)], withBos);
    expect(Array.from(added.ids)).toEqual([DEMO_VOCAB.endOfText, ...bytes('hi')]);
    expect(Array.from(added.mask)).toEqual([0, 1, 1]);
    expect(added.bosAdded).toBe(true);
    const written = tokenizeSpans([markup('<|endoftext|>'), content('hi', true)], withBos);
    expect(Array.from(written.ids)).toEqual([DEMO_VOCAB.endOfText, ...bytes('hi')]);
    expect(written.bosAdded).toBe(false);
  });

  it('trains a token that straddles a boundary when either side is trained', () => {
    // A tokenizer that merges "ab" into one token, to make a token cross the boundary.
    const merging: SpanTokenizer = {
      tokenizeText: (text) => text.replace(/ab/g, '\u0100').split('').map((char) => (char === '\u0100' ? 1000 : char.charCodeAt(0))),
      matcher: new SpecialTokenMatcher([]),
      bosToAdd: null,
    };
    const intoReply = tokenizeSpans([markup('xa'), content('by', true)], merging);
    expect(Array.from(intoReply.ids)).toEqual([120, 1000, 121]);
    expect(Array.from(intoReply.mask)).toEqual([0, 1, 1]);
    const outOfReply = tokenizeSpans([content('xa', true), markup('by')], merging);
    expect(Array.from(outOfReply.mask)).toEqual([1, 1, 0]);
  });
});

describe('SpecialTokenMatcher', () => {
  it('takes the longest control token at the leftmost place', () => {
    const matcher = new SpecialTokenMatcher([
      { id: 1, text: '<|a|>' },
      { id: 2, text: '<|a|>b' },
      { id: 3, text: '<|c|>' },
    ]);
    expect(matcher.split('x<|a|>b<|a|>y<|c|>')).toEqual(['x', 2, 1, 'y', 3]);
    expect(matcher.split('<|a|')).toEqual(['<|a|']);
    expect(matcher.split('')).toEqual([]);
  });
});

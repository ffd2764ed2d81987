import { describe, expect, it } from 'vitest';
import type { GgufHeader } from '../../../../src-main/models/gguf/gguf-types';
import { loadProblems } from '../../../../src-main/models/gguf/load-problems';
import { readGgufHeader } from '../../../../src-main/models/gguf/read-gguf-header';
import { v, writeGguf, type TestGgufSpec } from './gguf-test-writer';
import { tempFolder } from './reader-test-helpers';
import { tinyModelSpec, type TinyModelOptions } from './tiny-model';

const dir = tempFolder('gguf-load');
let n = 0;

async function problemsOf(options: TinyModelOptions | TestGgufSpec): Promise<string[]> {
  const spec = 'metadata' in options || 'tensors' in options ? (options as TestGgufSpec) : tinyModelSpec(options as TinyModelOptions);
  const { path } = writeGguf(dir, `m${++n}.gguf`, spec);
  return loadProblems(await readGgufHeader(path));
}

const REQUIRED_KEYS = [
  'general.architecture',
  '{arch}.context_length',
  '{arch}.embedding_length',
  '{arch}.block_count',
  '{arch}.feed_forward_length',
  '{arch}.attention.head_count',
  '{arch}.attention.layer_norm_rms_epsilon',
  'tokenizer.ggml.model',
  'tokenizer.ggml.tokens',
  'tokenizer.ggml.merges',
];

describe('loadProblems', () => {
  it('finds none in a complete llama or qwen2 model', async () => {
    expect(await problemsOf({ arch: 'llama' })).toEqual([]);
    expect(await problemsOf({ arch: 'qwen2' })).toEqual([]);
  });

  for (const arch of ['llama', 'qwen2']) {
    for (const key of REQUIRED_KEYS) {
      const named = key.replace('{arch}', arch);
      it(`names ${named} when a ${arch} model lacks it`, async () => {
        const problems = await problemsOf({ arch, omitKeys: [key] });
        expect(problems.length).toBeGreaterThan(0);
        expect(problems[0]).toContain(named);
        expect(problems[0]).toMatch(/is missing/);
      });
    }
  }

  it('checks value types the way llama.cpp reads them', async () => {
    expect(await problemsOf({ set: [['llama.attention.head_count', v.f32(4)]] })).toEqual([
      'llama.attention.head_count is the float32 4; llama.cpp reads it as a uint32.',
    ]);
    expect(await problemsOf({ set: [['llama.block_count', v.u64(2)]] })).toContain('llama.block_count is the uint64 2; llama.cpp reads it as a uint32.');
    expect(await problemsOf({ set: [['llama.attention.head_count', v.u32(0)]] })).toContain('llama.attention.head_count is 0; it must be at least 1.');
    expect(await problemsOf({ set: [['llama.attention.layer_norm_rms_epsilon', v.f64(1e-5)]] })).toEqual([
      'llama.attention.layer_norm_rms_epsilon is the float64 0.00001; llama.cpp reads it as a float32.',
    ]);
    expect(await problemsOf({ set: [['tokenizer.ggml.tokens', v.arr('int32', [1, 2])]] })).toEqual([
      'tokenizer.ggml.tokens is a array[int32]; it must be an array of strings.',
    ]);
    expect(await problemsOf({ set: [['general.architecture', v.u32(1)]] })).toContain(
      'general.architecture is the uint32 1; it must name the architecture.',
    );
  });

  it('checks that heads divide the embedding and kv heads divide the heads', async () => {
    expect(await problemsOf({ set: [['llama.attention.head_count', v.u32(5)], ['llama.attention.head_count_kv', v.u32(5)]] })).toEqual([
      'llama.embedding_length (64) is not divisible by llama.attention.head_count (5).',
    ]);
    expect(await problemsOf({ set: [['llama.attention.head_count_kv', v.u32(3)]] })).toEqual([
      'llama.attention.head_count (4) is not a multiple of llama.attention.head_count_kv (3).',
    ]);
  });

  it('accepts per-layer counts as arrays with one value per block, and rejects the wrong length', async () => {
    expect(await problemsOf({ set: [['llama.feed_forward_length', v.arr('uint32', [128, 128])]] })).toEqual([]);
    expect(await problemsOf({ set: [['llama.feed_forward_length', v.arr('int32', [128])]] })).toEqual([
      'llama.feed_forward_length has 1 values, but there are 2 blocks.',
    ]);
  });

  it('wants a non-empty vocabulary', async () => {
    expect(await problemsOf({ set: [['tokenizer.ggml.tokens', v.arr('string', [])]] })).toEqual(['tokenizer.ggml.tokens is empty: the file has no vocabulary.']);
  });

  it('wants merges only for a gpt2 (BPE) tokenizer, and allows them empty', async () => {
    expect(await problemsOf({ set: [['tokenizer.ggml.merges', v.arr('string', [])]] })).toEqual([]);
    expect(await problemsOf({ omitKeys: ['tokenizer.ggml.merges'], set: [['tokenizer.ggml.model', v.str('llama')]] })).toEqual([]);
  });

  it('names the first missing tensor and how many are missing', async () => {
    expect(await problemsOf({ omitTensors: ['token_embd.weight'] })).toEqual(['Tensor token_embd.weight is missing.']);
    expect(await problemsOf({ omitTensors: ['output_norm.weight'] })).toEqual(['Tensor output_norm.weight is missing.']);
    for (const part of ['attn_q', 'attn_k', 'attn_v', 'attn_output', 'ffn_gate', 'ffn_up', 'ffn_down', 'attn_norm', 'ffn_norm']) {
      expect(await problemsOf({ omitTensors: [`blk.1.${part}.weight`] })).toEqual([`Tensor blk.1.${part}.weight is missing.`]);
    }
    expect(await problemsOf({ omitTensors: ['blk.1.ffn_up.weight', 'blk.0.attn_k.weight'] })).toEqual([
      'Tensor blk.0.attn_k.weight is missing (the first of 2 missing block tensors).',
    ]);
  });

  it('does not loop over an absurd block count', async () => {
    const problems = await problemsOf({ set: [['llama.block_count', v.u32(4_000_000_000)]] });
    expect(problems).toEqual(['llama.block_count is 4000000000, but the file has only 20 tensors: too few for that many blocks.']);
  });

  it('says an adapter is not a base model, and nothing else', async () => {
    const adapter: TestGgufSpec = {
      metadata: [
        ['general.architecture', v.str('llama')],
        ['general.type', v.str('adapter')],
        ['adapter.type', v.str('lora')],
        ['adapter.lora.alpha', v.f32(16)],
      ],
      tensors: [{ name: 'blk.0.attn_q.weight.lora_a', dims: [64, 8] }],
    };
    expect(await problemsOf(adapter)).toEqual(['This is a LoRA adapter, not a base model (general.type = adapter).']);
  });

  it('checks other architectures for the keys every decoder needs', async () => {
    expect(await problemsOf({ arch: 'gemma3' })).toEqual([]);
    expect(await problemsOf({ arch: 'gemma3', omitKeys: ['{arch}.block_count', '{arch}.feed_forward_length'] })).toEqual([
      'gemma3.block_count is missing; llama.cpp needs it to load this model.',
    ]);
    expect(await problemsOf({ arch: 'phi3', omitKeys: ['{arch}.embedding_length'], omitTensors: ['blk.0.attn_q.weight'] })).toEqual([
      'phi3.embedding_length is missing; llama.cpp needs it to load this model.',
    ]);
  });

  it('reports every problem at once', async () => {
    const problems = await problemsOf({ omitKeys: ['{arch}.context_length', 'tokenizer.ggml.model'], omitTensors: ['output_norm.weight'] });
    expect(problems).toEqual([
      'llama.context_length is missing; llama.cpp needs it to load this model.',
      'Tensor output_norm.weight is missing.',
      'tokenizer.ggml.model is missing: the file does not say which tokenizer it uses.',
    ]);
  });

  it('works on a header built by hand (no file), as a pure function', () => {
    const header: GgufHeader = {
      version: 3,
      tensorCount: 0,
      metadata: { 'general.architecture': 'llama' },
      metadataTypes: { 'general.architecture': 'string' },
      tensors: [],
      alignment: 32,
      dataOffset: 0,
      fileSize: 0,
    };
    expect(loadProblems(header)).toEqual([
      'llama.block_count is missing; llama.cpp needs it to load this model.',
      'llama.embedding_length is missing; llama.cpp needs it to load this model.',
      'llama.context_length is missing; llama.cpp needs it to load this model.',
      'llama.feed_forward_length is missing; llama.cpp needs it to load this model.',
      'llama.attention.head_count is missing; llama.cpp needs it to load this model.',
      'llama.attention.layer_norm_rms_epsilon is missing; llama.cpp needs it to load a llama model.',
      'tokenizer.ggml.model is missing: the file does not say which tokenizer it uses.',
      'tokenizer.ggml.tokens is missing: the file has no vocabulary.',
    ]);
  });
});

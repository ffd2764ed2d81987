import { describe, expect, it } from 'vitest';
import type { ModelFacts } from '../../../../src-main/contract/model-types';
import { inspectGguf } from '../../../../src-main/models/gguf/inspect-gguf';
import { GgufLazyStringArray } from '../../../../src-main/models/gguf/gguf-lazy-string-array';
import { modelFactsFromHeader } from '../../../../src-main/models/gguf/model-facts';
import { readGgufHeader } from '../../../../src-main/models/gguf/read-gguf-header';
import { GGML, v, writeGguf } from './gguf-test-writer';
import { expectLatheError, tempFolder } from './reader-test-helpers';
import { TINY_TOKENS, tinyModelSpec, tinyParameterCount, type TinyModelOptions } from './tiny-model';

const dir = tempFolder('gguf-facts');
let n = 0;

async function factsOf(options: TinyModelOptions, fileName = 'model.gguf'): Promise<ModelFacts> {
  const { path } = writeGguf(dir, `${++n}-${fileName}`, tinyModelSpec(options));
  return modelFactsFromHeader(await readGgufHeader(path), fileName);
}

describe('modelFactsFromHeader', () => {
  it('reads the facts of a complete llama model', async () => {
    const spec = tinyModelSpec();
    const { path, size } = writeGguf(dir, 'tiny-llama.gguf', spec);
    const facts = modelFactsFromHeader(await readGgufHeader(path), 'tiny-llama.gguf');
    expect(facts).toEqual({
      displayName: 'Tiny Test Model',
      architecture: 'llama',
      parameterCount: tinyParameterCount(spec),
      fileType: 'ALL_F32',
      tensorTypes: { F32: 20 },
      fileSizeBytes: size,
      contextLength: 256,
      vocabSize: TINY_TOKENS.length,
      embeddingLength: 64,
      blockCount: 2,
      chatTemplate: "{% for m in messages %}{{ m['content'] }}{% endfor %}",
      trainable: true,
      notTrainableReason: null,
      loadProblems: [],
    } satisfies ModelFacts);
    expect(facts.parameterCount).toBe(64 * 8 + 64 + 2 * (64 + 64 * 64 + 2 * 64 * 32 + 64 * 64 + 64 + 3 * 64 * 128));
  });

  it('falls back to the file name without its extension when general.name is missing or blank', async () => {
    expect((await factsOf({ omitKeys: ['general.name'] }, 'SmolLM-135M.Q8_0.gguf')).displayName).toBe('SmolLM-135M.Q8_0');
    expect((await factsOf({ name: '  ' }, 'blob-name')).displayName).toBe('blob-name');
  });

  it('counts tensors by type and names the file type', async () => {
    const facts = await factsOf({ matrixType: GGML.Q8_0, set: [['general.file_type', v.u32(7)]] });
    expect(facts.tensorTypes).toEqual({ Q8_0: 15, F32: 5 });
    expect(facts.fileType).toBe('MOSTLY_Q8_0');
    expect(facts.trainable).toBe(true);
    expect((await factsOf({ omitKeys: ['general.file_type'] })).fileType).toBeNull();
  });

  it('is trainable from F16 and BF16 too', async () => {
    expect((await factsOf({ matrixType: GGML.F16 })).trainable).toBe(true);
    expect((await factsOf({ arch: 'qwen2', matrixType: GGML.BF16 })).trainable).toBe(true);
  });

  it('is trainable from the k-quant mixes people have (Q4_K_M: Q4_K with some Q6_K)', async () => {
    const spec = tinyModelSpec({ embedding: 256, matrixType: GGML.Q4_K, set: [['general.file_type', v.u32(15)]] });
    const down = spec.tensors?.find((t) => t.name === 'blk.0.ffn_down.weight');
    if (down) down.type = GGML.Q6_K;
    const { path } = writeGguf(dir, 'q4_k_m.gguf', spec);
    const facts = modelFactsFromHeader(await readGgufHeader(path), 'q4_k_m.gguf');
    expect(facts.tensorTypes).toEqual({ Q4_K: 14, Q6_K: 1, F32: 5 });
    expect(facts).toMatchObject({ fileType: 'MOSTLY_Q4_K_M', trainable: true, notTrainableReason: null });
    expect((await factsOf({ matrixType: GGML.Q4_0, set: [['general.file_type', v.u32(2)]] })).trainable).toBe(true);
  });

  it('says why a type the runtime cannot read is not trainable, most common first, with the counts', async () => {
    const spec = tinyModelSpec({ embedding: 256, matrixType: GGML.IQ4_XS, set: [['general.file_type', v.u32(30)]] });
    const down = spec.tensors?.find((t) => t.name === 'blk.0.ffn_down.weight');
    if (down) down.type = GGML.IQ2_XXS;
    const { path } = writeGguf(dir, 'iq.gguf', spec);
    const facts = modelFactsFromHeader(await readGgufHeader(path), 'iq.gguf');
    expect(facts.trainable).toBe(false);
    expect(facts.notTrainableReason).toBe(
      'Training from IQ4_XS (14 tensors) and IQ2_XXS (1 tensor) tensors is not supported yet; ' +
        'F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K and Q6_K are.',
    );
    expect(facts.loadProblems).toEqual([]);
  });

  it('is not trainable when the file type and the tensors disagree, saying how', async () => {
    const quantizedAsF16 = await factsOf({ embedding: 256, matrixType: GGML.Q4_K, set: [['general.file_type', v.u32(1)]] });
    expect(quantizedAsF16.trainable).toBe(false);
    expect(quantizedAsF16.notTrainableReason).toBe('Its file type says MOSTLY_F16, but 15 tensors are quantized (Q4_K): the file was written wrong.');
    const f16AsQ4K = await factsOf({ matrixType: GGML.F16, set: [['general.file_type', v.u32(15)]] });
    expect(f16AsQ4K.notTrainableReason).toBe('Its file type says MOSTLY_Q4_K_M, but no tensor is stored as Q4_K (F16, F32): the file was written wrong.');
    // A file type this check does not know, or none, is no reason.
    expect((await factsOf({ matrixType: GGML.Q4_0, set: [['general.file_type', v.u32(39)]] })).trainable).toBe(true);
    expect((await factsOf({ matrixType: GGML.Q4_0, omitKeys: ['general.file_type'] })).trainable).toBe(true);
  });

  it('says why another architecture is not trainable, and gives every reason at once', async () => {
    const gemma = await factsOf({ arch: 'gemma3' });
    expect(gemma.notTrainableReason).toBe('Architecture gemma3 is not trainable yet; llama and qwen2 are.');
    const both = await factsOf({ arch: 'gemma3', embedding: 256, matrixType: GGML.IQ4_XS, set: [['general.file_type', v.u32(30)]] });
    expect(both.notTrainableReason).toBe(
      'Architecture gemma3 is not trainable yet; llama and qwen2 are. ' +
        'Training from IQ4_XS tensors is not supported yet (15 tensors); F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K and Q6_K are.',
    );
  });

  it('is not trainable when llama.cpp could not load it, naming the first problem', async () => {
    const facts = await factsOf({ omitKeys: ['{arch}.feed_forward_length', '{arch}.attention.head_count'] });
    expect(facts.loadProblems).toHaveLength(2);
    expect(facts.trainable).toBe(false);
    expect(facts.notTrainableReason).toBe(
      'llama.cpp could not load it: llama.feed_forward_length is missing; llama.cpp needs it to load this model (and 1 more problem).',
    );
  });

  it('takes the vocabulary size from <arch>.vocab_size when there is no token list', async () => {
    const facts = await factsOf({ omitKeys: ['tokenizer.ggml.tokens'], set: [['llama.vocab_size', v.u32(32000)]] });
    expect(facts.vocabSize).toBe(32000);
  });

  it('prefers <arch>.vocab_size over the token list, as llama.cpp does (padded vocabularies)', async () => {
    const listed = (await factsOf({})).vocabSize;
    expect(listed).not.toBeNull();
    const facts = await factsOf({ set: [['llama.vocab_size', v.u32((listed ?? 0) + 64)]] });
    expect(facts.vocabSize).toBe((listed ?? 0) + 64);
  });

  it('leaves out facts the file does not state, and does not invent an architecture', async () => {
    const facts = await factsOf({ omitKeys: ['general.architecture', 'tokenizer.chat_template'] });
    expect(facts).toMatchObject({ architecture: 'unknown', contextLength: null, embeddingLength: null, blockCount: null, chatTemplate: null, trainable: false });
    expect(facts.notTrainableReason).toMatch(/^llama\.cpp could not load it: general\.architecture is missing/);
  });
});

describe('inspectGguf', () => {
  it('returns the header and its facts, keeping a long vocabulary undecoded', async () => {
    const tokens = Array.from({ length: 5000 }, (_, i) => `t${i}`);
    const { path } = writeGguf(dir, 'Big-Vocab.gguf', tinyModelSpec({ tokens, omitKeys: ['general.name'] }));
    const { header, facts } = await inspectGguf(path);
    expect(facts.displayName).toBe('Big-Vocab');
    expect(facts.vocabSize).toBe(5000);
    const vocabulary = header.metadata['tokenizer.ggml.tokens'];
    expect(vocabulary).toBeInstanceOf(GgufLazyStringArray);
    expect((vocabulary as GgufLazyStringArray).at(4999)).toBe('t4999');
    expect(header.metadata['tokenizer.ggml.merges']).toEqual(['a b']);
  });

  it('passes the reader errors through', async () => {
    await expectLatheError(inspectGguf(`${dir}/none.gguf`), 'not_found', /There is no file/);
  });
});

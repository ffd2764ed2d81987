/**
 * How long listing a model takes: `inspectGguf` on a 3.3 GB Qwen2.5-3B-shaped Q8_0 file
 * (151,936-token vocabulary, 151,387 merges, 434 tensor infos), next to node-llama-cpp's
 * `readGgufFileInfo` on the same file. The tensor data is a hole (`truncate`), so the file
 * costs no disk and the numbers are the header's alone. Target: under 100 ms.
 *
 * Run: npx vitest run --config bench/vitest.config.ts   (prints; asserts nothing about time)
 */
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatByteSize } from '../src-main/models/gguf/gguf-errors';
import { emptyReadStats } from '../src-main/models/gguf/gguf-types';
import { inspectGguf } from '../src-main/models/gguf/inspect-gguf';
import { readGgufHeader } from '../src-main/models/gguf/read-gguf-header';
import { buildGgufHeader, GGML, v, type TestGgufSpec, type TestTensor } from '../tests/main/models/gguf/gguf-test-writer';

const RUNS = Number(process.env.RUNS ?? 15);
const LLAMA_CPP_RUNS = 5;
const VOCAB = 151_936;
const MERGES = 151_387;

/** Byte-level BPE pieces as GPT-2 style vocabularies store them ('Ġ' marks a leading space). */
function vocabulary(): { tokens: string[]; merges: string[] } {
  let seed = 42;
  const next = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const piece = () => Array.from({ length: 1 + Math.floor(next() * 7) }, () => letters[Math.floor(next() * letters.length)]).join('');
  const tokens = Array.from({ length: VOCAB }, (_, i) => (next() < 0.6 ? 'Ġ' : '') + piece() + i.toString(36));
  const merges = Array.from({ length: MERGES }, () => `${next() < 0.5 ? 'Ġ' : ''}${piece()} ${piece()}`);
  return { tokens, merges };
}

function qwen2Spec(): TestGgufSpec {
  const { tokens, merges } = vocabulary();
  const [embd, ff, blocks, kv] = [2048, 11_008, 36, 256];
  const tensors: TestTensor[] = [
    { name: 'token_embd.weight', dims: [embd, VOCAB], type: GGML.Q8_0 },
    { name: 'output_norm.weight', dims: [embd] },
  ];
  for (let b = 0; b < blocks; b++) {
    const t = (part: string, dims: number[], type: number = GGML.F32) => tensors.push({ name: `blk.${b}.${part}`, dims, type });
    t('attn_norm.weight', [embd]);
    t('attn_q.weight', [embd, embd], GGML.Q8_0);
    t('attn_q.bias', [embd]);
    t('attn_k.weight', [embd, kv], GGML.Q8_0);
    t('attn_k.bias', [kv]);
    t('attn_v.weight', [embd, kv], GGML.Q8_0);
    t('attn_v.bias', [kv]);
    t('attn_output.weight', [embd, embd], GGML.Q8_0);
    t('ffn_norm.weight', [embd]);
    t('ffn_gate.weight', [embd, ff], GGML.Q8_0);
    t('ffn_up.weight', [embd, ff], GGML.Q8_0);
    t('ffn_down.weight', [ff, embd], GGML.Q8_0);
  }
  const template = `{%- for message in messages %}{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}{%- endfor %}`.repeat(12);
  return {
    metadata: [
      ['general.architecture', v.str('qwen2')],
      ['general.type', v.str('model')],
      ['general.name', v.str('Qwen2.5 3B Instruct (benchmark shape)')],
      ['general.finetune', v.str('Instruct')],
      ['general.basename', v.str('Qwen2.5')],
      ['general.size_label', v.str('3B')],
      ['general.license', v.str('other')],
      ['general.tags', v.arr('string', ['chat', 'text-generation'])],
      ['general.languages', v.arr('string', ['en'])],
      ['qwen2.block_count', v.u32(blocks)],
      ['qwen2.context_length', v.u32(32_768)],
      ['qwen2.embedding_length', v.u32(embd)],
      ['qwen2.feed_forward_length', v.u32(ff)],
      ['qwen2.attention.head_count', v.u32(16)],
      ['qwen2.attention.head_count_kv', v.u32(2)],
      ['qwen2.rope.freq_base', v.f32(1_000_000)],
      ['qwen2.attention.layer_norm_rms_epsilon', v.f32(1e-6)],
      ['general.file_type', v.u32(7)],
      ['tokenizer.ggml.model', v.str('gpt2')],
      ['tokenizer.ggml.pre', v.str('qwen2')],
      ['tokenizer.ggml.tokens', v.arr('string', tokens)],
      ['tokenizer.ggml.token_type', v.arr('int32', tokens.map((_, i) => (i < VOCAB - 22 ? 1 : 3)))],
      ['tokenizer.ggml.merges', v.arr('string', merges)],
      ['tokenizer.ggml.eos_token_id', v.u32(151_645)],
      ['tokenizer.ggml.padding_token_id', v.u32(151_643)],
      ['tokenizer.ggml.bos_token_id', v.u32(151_643)],
      ['tokenizer.ggml.add_bos_token', v.bool(false)],
      ['tokenizer.chat_template', v.str(template)],
      ['general.quantization_version', v.u32(2)],
    ],
    tensors,
  };
}

async function timed(runs: number, run: () => Promise<unknown>): Promise<{ median: number; min: number }> {
  await run(); // warm-up: page cache and JIT
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)] as number, min: times[0] as number };
}

const ms = (t: number) => `${t.toFixed(1).padStart(7)} ms`;

describe('GGUF header reading', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lathe-bench-gguf-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('inspects a 3 GB model in well under 100 ms, next to node-llama-cpp', async () => {
    const { header: headerBytes, size } = buildGgufHeader(qwen2Spec());
    const path = join(dir, 'qwen2.5-3b-q8_0-shape.gguf');
    writeFileSync(path, headerBytes);
    truncateSync(path, size);

    const stats = emptyReadStats();
    const { header, facts } = await inspectGguf(path);
    await readGgufHeader(path, { decodeStringArraysUpTo: 1024, stats });
    expect(facts).toMatchObject({ vocabSize: VOCAB, trainable: true, loadProblems: [] });
    expect(header.tensors).toHaveLength(434);

    const lazy = await timed(RUNS, () => inspectGguf(path));
    const decoded = await timed(RUNS, () => readGgufHeader(path));
    const { readGgufFileInfo } = await import('node-llama-cpp');
    let llamaCpp: { median: number; min: number } | string;
    try {
      llamaCpp = await timed(LLAMA_CPP_RUNS, () => readGgufFileInfo(path, { logWarnings: false }));
    } catch (error) {
      llamaCpp = `failed: ${error instanceof Error ? error.message : String(error)}`;
    }

    const lines = [
      `GGUF header: ${formatByteSize(size)} file (sparse), header ${formatByteSize(header.dataOffset)}: ` +
        `${header.tensors.length} tensors, ${VOCAB.toLocaleString('en')} tokens, ${MERGES.toLocaleString('en')} merges; warm page cache, median of ${RUNS}`,
      `  inspectGguf (vocabulary kept undecoded) ${ms(lazy.median)}  (min ${lazy.min.toFixed(1)})  target < 100 ms`,
      `  readGgufHeader (every string decoded)   ${ms(decoded.median)}  (min ${decoded.min.toFixed(1)})`,
      `  bytes read ${formatByteSize(stats.bytesRead)} in ${stats.readCalls} reads = header + ${formatByteSize(stats.bytesRead - header.dataOffset)}; ` +
        `read / file size = ${((100 * stats.bytesRead) / size).toFixed(3)} %; largest buffer ${formatByteSize(stats.largestBuffer)}`,
      typeof llamaCpp === 'string'
        ? `  node-llama-cpp readGgufFileInfo ${llamaCpp}`
        : `  node-llama-cpp readGgufFileInfo         ${ms(llamaCpp.median)}  (median of ${LLAMA_CPP_RUNS}) = ` +
          `${(llamaCpp.median / lazy.median).toFixed(1)}x inspectGguf, ${(llamaCpp.median / decoded.median).toFixed(1)}x readGgufHeader`,
    ];
    console.log(lines.join('\n'));
  });
});

/**
 * The spec of a tiny but complete llama-family GGUF (keys, tokenizer, every tensor llama.cpp
 * needs), for tests that then take one piece away or change it.
 */
import { GGML, v, type TestGgufSpec, type TestTensor, type TestValue } from './gguf-test-writer';

export interface TinyModelOptions {
  arch?: string;
  blocks?: number;
  /** Row length of every matrix; 256 when a K-quant type is used. */
  embedding?: number;
  /** Type of the 2-D weights; norms stay F32, as converters write them. */
  matrixType?: number;
  name?: string;
  tokens?: string[];
  /** Keys to leave out, after `{arch}` is filled in. */
  omitKeys?: string[];
  omitTensors?: string[];
  /** Keys to add or to replace (same key). */
  set?: [string, TestValue][];
}

export const TINY_TOKENS = ['<s>', '</s>', 'a', 'b', 'c', 'Ġhello', 'Ġworld', 'ab'];

export function tinyModelSpec(options: TinyModelOptions = {}): TestGgufSpec {
  const arch = options.arch ?? 'llama';
  const blocks = options.blocks ?? 2;
  const embd = options.embedding ?? 64;
  const ff = embd * 2;
  const tokens = options.tokens ?? TINY_TOKENS;
  const matrix = options.matrixType ?? GGML.F32;

  const keys: [string, TestValue][] = [
    ['general.architecture', v.str(arch)],
    ['general.name', v.str(options.name ?? 'Tiny Test Model')],
    ['general.file_type', v.u32(0)],
    [`${arch}.context_length`, v.u32(256)],
    [`${arch}.embedding_length`, v.u32(embd)],
    [`${arch}.block_count`, v.u32(blocks)],
    [`${arch}.feed_forward_length`, v.u32(ff)],
    [`${arch}.attention.head_count`, v.u32(4)],
    [`${arch}.attention.head_count_kv`, v.u32(2)],
    [`${arch}.attention.layer_norm_rms_epsilon`, v.f32(1e-5)],
    [`${arch}.rope.freq_base`, v.f32(10000)],
    ['tokenizer.ggml.model', v.str('gpt2')],
    ['tokenizer.ggml.tokens', v.arr('string', tokens)],
    ['tokenizer.ggml.token_type', v.arr('int32', tokens.map(() => 1))],
    ['tokenizer.ggml.merges', v.arr('string', ['a b'])],
    ['tokenizer.ggml.bos_token_id', v.u32(0)],
    ['tokenizer.ggml.eos_token_id', v.u32(1)],
    ['tokenizer.chat_template', v.str("{% for m in messages %}{{ m['content'] }}{% endfor %}")],
  ];
  const omitted = new Set(options.omitKeys?.map((k) => k.replace('{arch}', arch)));
  const metadata = keys.filter(([key]) => !omitted.has(key));
  for (const [key, value] of options.set ?? []) {
    const at = metadata.findIndex(([k]) => k === key);
    if (at === -1) metadata.push([key, value]);
    else metadata[at] = [key, value];
  }

  const tensors: TestTensor[] = [
    { name: 'token_embd.weight', dims: [embd, tokens.length], type: matrix },
    { name: 'output_norm.weight', dims: [embd] },
  ];
  for (let b = 0; b < blocks; b++) {
    tensors.push(
      { name: `blk.${b}.attn_norm.weight`, dims: [embd] },
      { name: `blk.${b}.attn_q.weight`, dims: [embd, embd], type: matrix },
      { name: `blk.${b}.attn_k.weight`, dims: [embd, embd / 2], type: matrix },
      { name: `blk.${b}.attn_v.weight`, dims: [embd, embd / 2], type: matrix },
      { name: `blk.${b}.attn_output.weight`, dims: [embd, embd], type: matrix },
      { name: `blk.${b}.ffn_norm.weight`, dims: [embd] },
      { name: `blk.${b}.ffn_gate.weight`, dims: [embd, ff], type: matrix },
      { name: `blk.${b}.ffn_up.weight`, dims: [embd, ff], type: matrix },
      { name: `blk.${b}.ffn_down.weight`, dims: [ff, embd], type: matrix },
    );
  }
  const omitTensors = new Set(options.omitTensors);
  return { metadata, tensors: tensors.filter((t) => !omitTensors.has(t.name)) };
}

/** Elements in every tensor of `tinyModelSpec(options)`, the expected parameter count. */
export function tinyParameterCount(spec: TestGgufSpec): number {
  return (spec.tensors ?? []).reduce((sum, t) => sum + t.dims.reduce((a, b) => a * b, 1), 0);
}

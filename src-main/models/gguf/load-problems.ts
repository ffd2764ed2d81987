/**
 * Why llama.cpp would refuse a GGUF, found before it tries: llama.cpp aborts the whole process
 * on some missing keys (a missing feed_forward_length or head_count, DESIGN §2), so every
 * file is checked here before any load. `llama` and `qwen2` get the full check (keys, value
 * types, tokenizer, tensors); other architectures the keys every decoder needs.
 *
 * Types follow llama.cpp's loader, which rejects a key of any other type than the one it
 * reads ("key %s has wrong type %s but expected type %s"): counts are uint32, epsilons
 * float32. Per-layer counts may be arrays instead (its `get_key_or_arr`).
 */
import type { GgufHeader } from './gguf-types';
import { metadataArrayLength, metadataString } from './metadata-access';

/** Architectures checked in full: the ones Lathe trains (DESIGN §2). */
const FULLY_CHECKED = new Set(['llama', 'qwen2']);
const BLOCK_TENSORS = ['attn_norm', 'attn_q', 'attn_k', 'attn_v', 'attn_output', 'ffn_norm'];
const DENSE_FFN_TENSORS = ['ffn_gate', 'ffn_up', 'ffn_down'];

export function loadProblems(header: GgufHeader): string[] {
  if (metadataString(header, 'general.type') === 'adapter') {
    return ['This is a LoRA adapter, not a base model (general.type = adapter).'];
  }
  const problems: string[] = [];
  const arch = metadataString(header, 'general.architecture');
  if (!arch) {
    problems.push(
      Object.hasOwn(header.metadata, 'general.architecture')
        ? `general.architecture is ${describe(header, 'general.architecture')}; it must name the architecture.`
        : 'general.architecture is missing: the file does not say which kind of model it holds.',
    );
  } else {
    const blockCount = count(header, `${arch}.block_count`, problems);
    const embedding = count(header, `${arch}.embedding_length`, problems);
    if (FULLY_CHECKED.has(arch)) checkHyperparameters(header, arch, blockCount, embedding, problems);
    if (FULLY_CHECKED.has(arch) && blockCount !== null) checkTensors(header, arch, blockCount, problems);
  }
  checkTokenizer(header, problems);
  return problems;
}

function checkHyperparameters(header: GgufHeader, arch: string, blockCount: number | null, embedding: number | null, problems: string[]): void {
  count(header, `${arch}.context_length`, problems);
  perLayerCounts(header, `${arch}.feed_forward_length`, blockCount, problems);
  const heads = perLayerCounts(header, `${arch}.attention.head_count`, blockCount, problems);
  const kvKey = `${arch}.attention.head_count_kv`;
  const kvHeads = Object.hasOwn(header.metadata, kvKey) ? perLayerCounts(header, kvKey, blockCount, problems) : null;

  const epsKey = `${arch}.attention.layer_norm_rms_epsilon`;
  const eps = header.metadata[epsKey];
  if (eps === undefined) problems.push(`${epsKey} is missing; llama.cpp needs it to load a ${arch} model.`);
  else if (header.metadataTypes[epsKey] !== 'float32') problems.push(`${epsKey} is ${describe(header, epsKey)}; llama.cpp reads it as a float32.`);
  else if (!(typeof eps === 'number' && eps > 0)) problems.push(`${epsKey} is ${String(eps)}; it must be above 0.`);

  // Head size is embedding_length / head_count unless the file gives key_length itself.
  if (embedding !== null && heads !== null && !Object.hasOwn(header.metadata, `${arch}.attention.key_length`)) {
    const bad = heads.find((h) => embedding % h !== 0);
    if (bad !== undefined) {
      problems.push(`${arch}.embedding_length (${embedding}) is not divisible by ${arch}.attention.head_count (${bad}).`);
    }
  }
  if (heads !== null && kvHeads !== null) {
    const bad = heads.findIndex((h, layer) => h % (kvHeads[layer] ?? kvHeads[0] ?? 1) !== 0);
    if (bad !== -1) {
      problems.push(`${arch}.attention.head_count (${heads[bad]}) is not a multiple of ${kvKey} (${kvHeads[bad] ?? kvHeads[0]}).`);
    }
  }
}

function checkTensors(header: GgufHeader, arch: string, blockCount: number, problems: string[]): void {
  const names = new Set(header.tensors.map((t) => t.name));
  for (const name of ['token_embd.weight', 'output_norm.weight']) {
    if (!names.has(name)) problems.push(`Tensor ${name} is missing.`);
  }
  // Each block has at least 9 tensors; a count the file cannot hold is reported, not looped over.
  if (blockCount * 9 > header.tensors.length) {
    problems.push(`${arch}.block_count is ${blockCount}, but the file has only ${header.tensors.length} tensors: too few for that many blocks.`);
    return;
  }
  const experts = header.metadata[`${arch}.expert_count`];
  const moe = typeof experts === 'number' && experts > 0;
  const missing: string[] = [];
  for (let block = 0; block < blockCount; block++) {
    const has = (part: string): boolean => names.has(`blk.${block}.${part}.weight`);
    for (const part of BLOCK_TENSORS) if (!has(part)) missing.push(`blk.${block}.${part}.weight`);
    for (const part of DENSE_FFN_TENSORS) {
      // Mixture-of-experts llama (Mixtral) stores experts merged (`_exps`) or, in older files, one per expert.
      if (!has(part) && !(moe && (has(`${part}_exps`) || has(`${part}.0`)))) missing.push(`blk.${block}.${part}.weight`);
    }
  }
  if (missing.length === 1) problems.push(`Tensor ${missing[0]} is missing.`);
  if (missing.length > 1) problems.push(`Tensor ${missing[0]} is missing (the first of ${missing.length} missing block tensors).`);
}

function checkTokenizer(header: GgufHeader, problems: string[]): void {
  const model = metadataString(header, 'tokenizer.ggml.model');
  if (model === null) {
    problems.push(
      Object.hasOwn(header.metadata, 'tokenizer.ggml.model')
        ? `tokenizer.ggml.model is ${describe(header, 'tokenizer.ggml.model')}; it must be a string such as "gpt2" or "llama".`
        : 'tokenizer.ggml.model is missing: the file does not say which tokenizer it uses.',
    );
  }
  const tokensKey = 'tokenizer.ggml.tokens';
  if (!Object.hasOwn(header.metadata, tokensKey)) problems.push(`${tokensKey} is missing: the file has no vocabulary.`);
  else if (header.metadataTypes[tokensKey] !== 'array[string]') problems.push(`${tokensKey} is ${describe(header, tokensKey)}; it must be an array of strings.`);
  else if (metadataArrayLength(header, tokensKey) === 0) problems.push(`${tokensKey} is empty: the file has no vocabulary.`);

  // A BPE ("gpt2") tokenizer cannot be built without its merges; an empty list is allowed.
  const mergesKey = 'tokenizer.ggml.merges';
  if (model === 'gpt2' && header.metadataTypes[mergesKey] !== 'array[string]') {
    problems.push(
      Object.hasOwn(header.metadata, mergesKey)
        ? `${mergesKey} is ${describe(header, mergesKey)}; it must be an array of strings.`
        : `${mergesKey} is missing; a gpt2 (BPE) tokenizer needs it, even empty.`,
    );
  }
}

/** A uint32 count of at least 1, or null after recording why not. */
function count(header: GgufHeader, key: string, problems: string[]): number | null {
  const value = header.metadata[key];
  if (value === undefined) {
    problems.push(`${key} is missing; llama.cpp needs it to load this model.`);
    return null;
  }
  if (header.metadataTypes[key] !== 'uint32') {
    problems.push(`${key} is ${describe(header, key)}; llama.cpp reads it as a uint32.`);
    return null;
  }
  if (value === 0) {
    problems.push(`${key} is 0; it must be at least 1.`);
    return null;
  }
  return value as number;
}

/** A count for every layer: one uint32, or an array of (u)int32 with one per block. */
function perLayerCounts(header: GgufHeader, key: string, blockCount: number | null, problems: string[]): number[] | null {
  const type = header.metadataTypes[key];
  if (type !== 'array[uint32]' && type !== 'array[int32]') {
    const value = count(header, key, problems);
    return value === null ? null : [value];
  }
  const values = [...(header.metadata[key] as Uint32Array | Int32Array)];
  if (blockCount !== null && values.length !== blockCount) {
    problems.push(`${key} has ${values.length} values, but there are ${blockCount} blocks.`);
    return null;
  }
  if (values.some((v) => v < 1)) {
    problems.push(`${key} has a value below 1.`);
    return null;
  }
  return values;
}

function describe(header: GgufHeader, key: string): string {
  const type = header.metadataTypes[key] ?? 'missing';
  const value = header.metadata[key];
  return typeof value === 'string' || typeof value === 'number' ? `the ${type} ${JSON.stringify(value)}` : `a ${type}`;
}

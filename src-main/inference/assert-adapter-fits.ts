/**
 * The gate in front of llama.cpp for LoRA adapters. llama.cpp refuses an adapter of another
 * architecture only in its log (node-llama-cpp reports a bare "failed"), and a non-F32
 * `adapter.lora.alpha` trips an assertion that aborts the whole process
 * (docs/training-runtime.md), so both files' headers are read with our own GGUF reader first
 * and every mismatch is named before the worker is asked to load anything.
 */
import { LatheError } from '../contract';
import { metadataString } from '../models/gguf/metadata-access';
import { readGgufHeader } from '../models/gguf/read-gguf-header';
import type { GgufHeader } from '../models/gguf/gguf-types';

/** Vocabularies stay undecoded: only keys and tensor shapes are compared. */
const HEADER_ONLY = { decodeStringArraysUpTo: 0 };

export async function assertAdapterFits(adapterPath: string, modelPath: string): Promise<void> {
  const [adapter, model] = await Promise.all([readGgufHeader(adapterPath, HEADER_ONLY), readGgufHeader(modelPath, HEADER_ONLY)]);
  const problems = adapterProblems(adapter, model);
  if (problems.length > 0) throw new LatheError('invalid_input', `The adapter ${adapterPath} cannot be used with ${modelPath}: ${problems.join('; ')}.`);
}

/** Every reason at once, each a phrase; empty when llama.cpp can apply `adapter` to `model`. */
export function adapterProblems(adapter: GgufHeader, model: GgufHeader): string[] {
  const problems: string[] = [];
  if (metadataString(adapter, 'general.type') !== 'adapter' || metadataString(adapter, 'adapter.type') !== 'lora') {
    return ['it is not a LoRA adapter (general.type must be "adapter" and adapter.type "lora")'];
  }
  const adapterArch = metadataString(adapter, 'general.architecture');
  const modelArch = metadataString(model, 'general.architecture');
  if (adapterArch !== modelArch) {
    problems.push(`the adapter was made for architecture ${adapterArch ?? '(none)'} but the model is ${modelArch ?? '(none)'}`);
  }
  if (Object.hasOwn(adapter.metadata, 'adapter.lora.alpha') && adapter.metadataTypes['adapter.lora.alpha'] !== 'float32') {
    problems.push(`adapter.lora.alpha is stored as ${adapter.metadataTypes['adapter.lora.alpha']}, and llama.cpp accepts only float32`);
  }
  if (problems.length === 0) problems.push(...shapeProblems(adapter, model));
  return problems;
}

/**
 * Each `<name>.lora_a` / `.lora_b` pair against the base tensor `<name>`: A is (rank × in),
 * B is (out × rank) in numpy order, so in ggml order A's dims are [in, rank] and B's
 * [rank, out], and the base weight's are [in, out]. Only the first few are named.
 */
function shapeProblems(adapter: GgufHeader, model: GgufHeader): string[] {
  const base = new Map(model.tensors.map((tensor) => [tensor.name, tensor.dims]));
  const byName = new Map(adapter.tensors.map((tensor) => [tensor.name, tensor.dims]));
  const problems: string[] = [];
  for (const [name, a] of byName) {
    if (!name.endsWith('.lora_a')) continue;
    const target = name.slice(0, -'.lora_a'.length);
    const b = byName.get(`${target}.lora_b`);
    const weight = base.get(target);
    if (weight === undefined) problems.push(`the model has no tensor ${target}`);
    else if (b === undefined) problems.push(`${target}.lora_b is missing`);
    else if (a[0] !== weight[0] || b[1] !== weight[1] || a[1] !== b[0]) {
      problems.push(`${target} is ${weight.join('×')} in the model but the adapter's pair is ${a.join('×')} and ${b.join('×')} (a model of another size)`);
    }
    if (problems.length >= 3) break;
  }
  return problems;
}

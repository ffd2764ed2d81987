/**
 * The tokenizer fingerprint as docs/prepared-data.md defines it, computed here and, from the
 * same file, by Python in two ways: a few independent lines (GGUFReader + json.dumps +
 * hashlib) and the training runtime's own `tokenizer_fingerprint`, which refuses prepared data
 * whose fingerprint differs from the base model's.
 */
import { describe, expect, it } from 'vitest';
import { inspectGguf } from '../../../../src-main/models/gguf/inspect-gguf';
import { readGgufHeader } from '../../../../src-main/models/gguf/read-gguf-header';
import { tokenizerFingerprint } from '../../../../src-main/datasets/prepare/tokenizer-fingerprint';
import { makeDemoModel } from '../../helpers/demo-model';
import { modelVariant, runPython } from './prepare-fixtures';

const PYTHON_FINGERPRINTS = `
import hashlib, json, sys
from lathe_runtime.gguf.reader import GGUFReader
from lathe_runtime.train.data import tokenizer_fingerprint
with GGUFReader(sys.argv[1]) as reader:
    metadata = reader.metadata
keys = ["model", "pre", "tokens", "token_type", "merges", "bos_token_id", "eos_token_id"]
values = [metadata.get("tokenizer.ggml." + key) for key in keys]
text = json.dumps(values, separators=(",", ":"), ensure_ascii=False)
independent = "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
print(json.dumps({"independent": independent, "runtime": tokenizer_fingerprint(metadata)}))
`;

async function pythonFingerprints(path: string): Promise<{ independent: string; runtime: string }> {
  return JSON.parse(await runPython(PYTHON_FINGERPRINTS, [path]));
}

describe('tokenizerFingerprint', () => {
  it('matches what Python computes from the same GGUF file', async () => {
    const path = await makeDemoModel({ arch: 'qwen2', dtype: 'f16' });
    const ours = tokenizerFingerprint((await inspectGguf(path)).header);
    expect(ours).toMatch(/^sha256:[0-9a-f]{64}$/);
    const python = await pythonFingerprints(path);
    expect(python.independent).toBe(ours);
    expect(python.runtime).toBe(ours);
  }, 120_000);

  it('is the same whether the vocabulary was decoded or kept lazy', async () => {
    const path = await makeDemoModel({ arch: 'llama', dtype: 'f32' });
    const lazy = (await readGgufHeader(path, { decodeStringArraysUpTo: 16 })).metadata['tokenizer.ggml.tokens'];
    expect(Array.isArray(lazy)).toBe(false);
    expect(tokenizerFingerprint(await readGgufHeader(path, { decodeStringArraysUpTo: 16 }))).toBe(tokenizerFingerprint(await readGgufHeader(path)));
  });

  it('changes with the tokenizer (another EOS id), writes null for an absent key, and still agrees with Python', async () => {
    const base = await makeDemoModel({ arch: 'llama', dtype: 'f32' });
    const otherEos = await modelVariant(base, { 'tokenizer.ggml.eos_token_id': { value: 256, type: 'uint32' }, 'tokenizer.ggml.pre': null });
    const ours = tokenizerFingerprint((await inspectGguf(otherEos)).header);
    expect(ours).not.toBe(tokenizerFingerprint((await inspectGguf(base)).header));
    expect((await pythonFingerprints(otherEos)).independent).toBe(ours);
  }, 120_000);
});

/**
 * One split of a prepared dataset read back for evaluation (docs/prepared-data.md): token ids,
 * loss mask and offsets, checked against the manifest. Evaluation reads the validation split,
 * which is small next to the training split; the files are read whole.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LatheError } from '../contract';
import type { PreparedManifest, SplitName } from '../datasets/prepare/prepared-files';

export interface PreparedExample {
  tokens: number[];
  mask: number[];
}

export async function readManifest(preparedDir: string): Promise<PreparedManifest> {
  try {
    return JSON.parse(await readFile(join(preparedDir, 'manifest.json'), 'utf8')) as PreparedManifest;
  } catch (error) {
    throw new LatheError('not_found', `The run's prepared data (${preparedDir}) cannot be read; it may have been removed with its dataset.`, String(error));
  }
}

export async function readSplit(preparedDir: string, split: SplitName, manifest: PreparedManifest): Promise<PreparedExample[]> {
  const [tokenBytes, maskBytes, offsetBytes] = await Promise.all(
    ['tokens.u32', 'mask.u8', 'offsets.u64'].map((suffix) => readFile(join(preparedDir, `${split}.${suffix}`))),
  );
  const expected = manifest.splits[split];
  // Copies, so the typed views are aligned whatever offset Node's buffer pool gave the bytes.
  const tokens = new Uint32Array(new Uint8Array(tokenBytes!).buffer.slice(0));
  const offsets = new BigUint64Array(new Uint8Array(offsetBytes!).buffer.slice(0));
  const mask = maskBytes!;
  if (tokens.length !== expected.tokens || mask.length !== expected.tokens || offsets.length !== expected.examples + 1) {
    throw new LatheError('corrupt', `The prepared ${split} split in ${preparedDir} does not match its manifest.`);
  }
  const examples: PreparedExample[] = [];
  for (let i = 0; i < expected.examples; i++) {
    const from = Number(offsets[i]);
    const to = Number(offsets[i + 1]);
    examples.push({ tokens: Array.from(tokens.subarray(from, to)), mask: Array.from(mask.subarray(from, to)) });
  }
  return examples;
}

/**
 * The generation prompt and reference of an example: the untrained prefix (everything before
 * the first trained token) and the trained span that follows it (the first answer). A leading
 * BOS is left out of the prompt, since llama.cpp's completion adds one itself where the model
 * asks for it.
 */
export function promptAndReference(example: PreparedExample, bos: number | null): { prompt: number[]; reference: number[] } {
  const first = example.mask.indexOf(1, 1);
  if (first < 0) return { prompt: example.tokens.slice(bos !== null && example.tokens[0] === bos ? 1 : 0), reference: [] };
  let end = first;
  while (end < example.mask.length && example.mask[end] === 1) end++;
  const start = bos !== null && example.tokens[0] === bos ? 1 : 0;
  return { prompt: example.tokens.slice(start, first), reference: example.tokens.slice(first, end) };
}

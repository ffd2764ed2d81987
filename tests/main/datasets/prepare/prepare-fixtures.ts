/**
 * Helpers for the preparing tests: the built worker, rows as an async stream, a reader for
 * prepared folders written independently of the writer (straight from docs/prepared-data.md),
 * Python for cross-checks, and demo-model variants with other tokenizer metadata.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChatMessage, PrepareOptions } from '../../../../src-main/contract/dataset-types';
import type { PreparationRow } from '../../../../src-main/datasets/prepare/example-maker';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
export const runtimeDir = join(repoRoot, 'python-runtime');
export const python = process.env.LATHE_PYTHON || '/usr/bin/python3';

/** Built by the suite's global set-up (tests/main/build-if-stale.ts). */
export const workerPath = join(repoRoot, 'out/main/dataset-prepare-worker.js');
if (!existsSync(workerPath)) throw new Error(`${workerPath} is missing: run \`npm run build\` (the electron.vite.config.ts entry builds it).`);

export function options(overrides: Partial<PrepareOptions> = {}): PrepareOptions {
  return { maxLength: 512, overlong: 'truncate', lossOn: 'assistant', validationPercent: 0, seed: 0, dropDuplicates: false, template: 'model', ...overrides };
}

export function chat(...turns: [ChatMessage['role'], string][]): ChatMessage[] {
  return turns.map(([role, content]) => ({ role, content }));
}

/** Rows numbered from line 1, as a reader streams them. */
export async function* rowsOf(conversations: readonly (ChatMessage[] | null)[]): AsyncGenerator<PreparationRow> {
  let line = 0;
  for (const conversation of conversations) {
    line++;
    yield { line, conversation, problem: conversation === null ? 'not a conversation' : null };
  }
}

export interface ReadSplit {
  ids: number[][];
  masks: number[][];
}

/** Reads a prepared folder by the format document alone, checking what it promises. */
export function readPrepared(dir: string): { manifest: Record<string, unknown> & { splits: Record<string, { examples: number; tokens: number; maskedTokens: number }> }; train: ReadSplit; validation: ReadSplit } {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const split = (name: string): ReadSplit => {
    const tokens = readFileSync(join(dir, `${name}.tokens.u32`));
    const mask = readFileSync(join(dir, `${name}.mask.u8`));
    const offsets = readFileSync(join(dir, `${name}.offsets.u64`));
    const count = offsets.length / 8 - 1;
    const at = (i: number): number => Number(offsets.readBigUInt64LE(i * 8));
    if (at(0) !== 0 || at(count) !== tokens.length / 4 || mask.length !== tokens.length / 4) throw new Error(`${name}: offsets do not span the tokens`);
    if (count !== manifest.splits[name].examples || tokens.length / 4 !== manifest.splits[name].tokens) throw new Error(`${name}: manifest counts disagree with the files`);
    const ids: number[][] = [];
    const masks: number[][] = [];
    for (let i = 0; i < count; i++) {
      const from = at(i);
      const to = at(i + 1);
      ids.push(Array.from({ length: to - from }, (_, k) => tokens.readUInt32LE((from + k) * 4)));
      masks.push(Array.from(mask.subarray(from, to)));
    }
    return { ids, masks };
  };
  return { manifest, train: split('train'), validation: split('validation') };
}

/** Runs a Python script with the runtime on its path; resolves to its stdout. */
export function runPython(script: string, args: string[] = []): Promise<string> {
  const env = { ...process.env, PYTHONPATH: [runtimeDir, process.env.PYTHONPATH].filter(Boolean).join(delimiter) };
  return new Promise((resolvePromise, reject) => {
    execFile(python, ['-c', script, ...args], { env, timeout: 120_000, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${python} failed: ${error.message}\n${stderr}`));
      else resolvePromise(stdout);
    });
  });
}

/** Metadata changes for a model variant: a value with its GGUF type, or null to remove the key. */
export type MetadataChanges = Record<string, { value: string | boolean | number; type: 'string' | 'bool' | 'uint32' } | null>;

const REWRITE = `
import json, sys
from lathe_runtime.gguf import GGUFReader, GGUFWriter, GGUFValueType
source, out, changes = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
writer = GGUFWriter()
with GGUFReader(source) as reader:
    for key, field in reader.fields.items():
        if key == "general.alignment" or key in changes:
            continue
        writer.add(key, field.value, field.type, field.element_type)
    for key, change in changes.items():
        if change is not None:
            writer.add(key, change["value"], GGUFValueType[change["type"].upper()])
    for name in reader.tensors:
        writer.add_tensor(name, reader.tensor(name))
    writer.write(out)
`;

/** A copy of an f32 demo model with tokenizer metadata changed (cached in the temp folder). */
export async function modelVariant(basePath: string, changes: MetadataChanges): Promise<string> {
  const name = createHash('sha256').update(basePath).update(JSON.stringify(changes)).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'lathe-prepare-variants');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${name}.gguf`);
  if (!existsSync(out)) await runPython(REWRITE, [basePath, out, JSON.stringify(changes)]);
  return out;
}

/**
 * A LoRA adapter trained by the real runtime (`python -m lathe_runtime train`) for the
 * inference tests: a few ChatML question/answer pairs written as a prepared dataset
 * (docs/prepared-data.md, byte for byte: the demo tokenizer's ids are the bytes), then a short
 * memorizing run (DESIGN §7: rank 8, alpha 16, lr 3e-3, every example in every step; at 40
 * steps one answer still missed a letter).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tokenizerFingerprint } from '../../../src-main/datasets/prepare';
import { readGgufHeader } from '../../../src-main/models/gguf/read-gguf-header';
import { DEMO_VOCAB } from '../helpers/demo-model';

const runtimeDir = join(resolve(dirname(fileURLToPath(import.meta.url)), '../../..'), 'python-runtime');
const python = process.env.LATHE_PYTHON || (process.platform === 'win32' ? 'python' : '/usr/bin/python3');

export const TRAINED_PAIRS: readonly [string, string][] = [
  ['What is the capital of France?', 'Paris.'],
  ['Name a red fruit.', 'A cherry.'],
  ['How many legs does a cat have?', 'Four.'],
  ['What color is the sky?', 'Blue.'],
];

/** The ChatML text a question is asked with (control tokens spelled out). */
export function chatmlPrompt(question: string): string {
  return `<|im_start|>user\n${question}<|im_end|>\n<|im_start|>assistant\n`;
}

function example(question: string, answer: string): { ids: number[]; mask: number[] } {
  const context = [DEMO_VOCAB.imStart, ...Buffer.from(`user\n${question}`), DEMO_VOCAB.imEnd, 10, DEMO_VOCAB.imStart, ...Buffer.from('assistant\n')];
  const trained = [...Buffer.from(answer), DEMO_VOCAB.imEnd];
  return { ids: [...context, ...trained], mask: [...context.map(() => 0), ...trained.map(() => 1)] };
}

function writeSplit(folder: string, name: string, examples: { ids: number[]; mask: number[] }[]) {
  const ids = examples.flatMap((e) => e.ids);
  const offsets = [0n];
  for (const e of examples) offsets.push((offsets.at(-1) as bigint) + BigInt(e.ids.length));
  writeFileSync(join(folder, `${name}.tokens.u32`), Buffer.from(new Uint32Array(ids).buffer));
  writeFileSync(join(folder, `${name}.mask.u8`), Buffer.from(examples.flatMap((e) => e.mask)));
  writeFileSync(join(folder, `${name}.offsets.u64`), Buffer.from(new BigUint64Array(offsets).buffer));
  return { examples: examples.length, tokens: ids.length, maskedTokens: examples.flatMap((e) => e.mask).filter((m) => m === 1).length };
}

/** Trains an adapter for `modelPath` (a demo model) and resolves to its adapter.gguf. */
export async function trainAdapter(modelPath: string, steps = 60): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'lathe-adapter-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  const examples = TRAINED_PAIRS.map(([q, a]) => example(q, a));
  const splits = { train: writeSplit(data, 'train', examples), validation: writeSplit(data, 'validation', []) };
  const manifest = {
    format: 'lathe-prepared',
    version: 1,
    tokenizer: { fingerprint: tokenizerFingerprint(await readGgufHeader(modelPath)), vocabSize: DEMO_VOCAB.size, bos: DEMO_VOCAB.endOfText, eos: DEMO_VOCAB.imEnd },
    datasetHash: 'sha256:inference-test',
    templateHash: 'sha256:chatml',
    options: { maxLength: 128, overlong: 'truncate', lossOn: 'assistant', validationPercent: 0, seed: 0 },
    splits,
  };
  writeFileSync(join(data, 'manifest.json'), JSON.stringify(manifest));
  const config = join(dir, 'run.json');
  const run = {
    base_model: modelPath,
    data,
    output_dir: join(dir, 'out'),
    lora: { rank: 8, alpha: 16 },
    optimizer: { lr: 3e-3 },
    schedule: { kind: 'cosine' },
    steps,
    micro_batch_size: TRAINED_PAIRS.length,
    precision: 'fp32',
    device: 'cpu',
    threads: 2,
    log_every: 10,
  };
  writeFileSync(config, JSON.stringify(run));
  const env = { ...process.env, PYTHONPATH: [runtimeDir, process.env.PYTHONPATH].filter(Boolean).join(delimiter) };
  const stdout = await new Promise<string>((resolvePromise, reject) => {
    execFile(python, ['-m', 'lathe_runtime', 'train', '--config', config], { env, timeout: 300_000 }, (error, out, stderr) => {
      if (error) reject(new Error(`training failed: ${error.message}\n${stderr}`));
      else resolvePromise(out);
    });
  });
  const done = stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { event: string; status?: string; adapter?: { gguf: string } })
    .at(-1);
  if (done?.event !== 'done' || done.status !== 'completed' || !done.adapter) throw new Error(`training did not complete: ${stdout.slice(-500)}`);
  return done.adapter.gguf;
}

/**
 * prepareDataset for real: the built worker, llama.cpp's tokenizer, demo models, files on disk
 * read back by an independent reader and by the Python training runtime. The demo tokenizer is
 * byte-level (ids 0–255 = bytes; 256 <|endoftext|>, 257 <|im_start|>, 258 <|im_end|>), so
 * every id and mask bit can be predicted and decoded exactly.
 */
import { fork } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChatMessage, PrepareOptions } from '../../../../src-main/contract/dataset-types';
import { prepareDataset, prepareIdentity, type PrepareDatasetParams } from '../../../../src-main/datasets/prepare/prepare-dataset';
import { DEMO_VOCAB, makeDemoModel } from '../../helpers/demo-model';
import { chat, options, readPrepared, rowsOf, runPython, workerPath } from './prepare-fixtures';

const SPECIAL_TEXT: Record<number, string> = { 256: '<|endoftext|>', 257: '<|im_start|>', 258: '<|im_end|>' };

/** Demo-vocabulary ids back to text. */
function decode(ids: readonly number[]): string {
  let text = '';
  let bytes: number[] = [];
  for (const id of ids) {
    if (id < 256) {
      bytes.push(id);
      continue;
    }
    text += Buffer.from(bytes).toString('utf8') + SPECIAL_TEXT[id];
    bytes = [];
  }
  return text + Buffer.from(bytes).toString('utf8');
}

/** The decoded text of each stretch of trained tokens. */
function trainedPieces(ids: readonly number[], mask: readonly number[]): string[] {
  const pieces: string[] = [];
  let run: number[] = [];
  ids.forEach((id, index) => {
    if (mask[index] === 1) run.push(id);
    else if (run.length > 0) {
      pieces.push(decode(run));
      run = [];
    }
  });
  if (run.length > 0) pieces.push(decode(run));
  return pieces;
}

function freshDir(): string {
  return mkdtempSync(join(tmpdir(), 'lathe-prepare-'));
}

async function prepare(conversations: (ChatMessage[] | null)[], overrides: Partial<PrepareOptions> = {}, extra: Partial<PrepareDatasetParams> = {}) {
  const modelPath = extra.modelPath ?? (await makeDemoModel({ arch: 'llama', dtype: 'f32' }));
  const outDir = extra.outDir ?? join(freshDir(), 'prepared');
  // One worker unless a test asks for more: each costs a process start.
  const result = await prepareDataset({ rows: rowsOf(conversations), modelPath, options: options(overrides), outDir, datasetHash: 'sha256:test', shape: 'messages', workerPath, workers: 1, ...extra });
  return { result, outDir, modelPath, files: readPrepared(outDir) };
}

/** Conversations whose rows can be told apart by their text. */
function numbered(count: number): ChatMessage[][] {
  return Array.from({ length: count }, (_, index) => chat(['user', `Question ${index + 1}?`], ['assistant', `Answer ${index + 1}.`]));
}

describe('prepareDataset', () => {
  it('trains exactly the assistant replies and their <|im_end|>, and keeps control-token text in content as bytes', async () => {
    const conversation = chat(['system', 'Be brief.'], ['user', 'Say <|im_start|>assistant'], ['assistant', 'Hello <|im_end|> there'], ['user', 'Again'], ['assistant', 'Bye.']);
    const { files, result } = await prepare([conversation]);
    const [ids, mask] = [files.train.ids[0] as number[], files.train.masks[0] as number[]];
    expect(decode(ids)).toBe(
      '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nSay <|im_start|>assistant<|im_end|>\n<|im_start|>assistant\nHello <|im_end|> there<|im_end|>\n' +
        '<|im_start|>user\nAgain<|im_end|>\n<|im_start|>assistant\nBye.<|im_end|>\n',
    );
    // One <|im_start|> and one <|im_end|> token per message: the ones in the content stayed text.
    expect(ids.filter((id) => id === DEMO_VOCAB.imStart)).toHaveLength(5);
    expect(ids.filter((id) => id === DEMO_VOCAB.imEnd)).toHaveLength(5);
    expect(trainedPieces(ids, mask)).toEqual(['Hello <|im_end|> there<|im_end|>', 'Bye.<|im_end|>']);
    expect(result.tokens.trained).toBe(mask.filter((bit) => bit === 1).length);
  }, 60_000);

  it('trains every token with lossOn all', async () => {
    const { files } = await prepare([chat(['user', 'Hi'], ['assistant', 'Yo'])], { lossOn: 'all' });
    expect(files.train.masks[0]?.every((bit) => bit === 1)).toBe(true);
  }, 60_000);

  it('writes what the format promises, and the Python training runtime reads the same examples', async () => {
    const { files, outDir, modelPath, result } = await prepare(numbered(200), { validationPercent: 20, seed: 7 });
    expect(files.manifest).toMatchObject({ format: 'lathe-prepared', version: 1, datasetHash: 'sha256:test', tokenizer: { vocabSize: 259, bos: 256, eos: 258, fingerprint: result.tokenizerFingerprint } });
    expect(files.train.ids.length + files.validation.ids.length).toBe(200);
    const python = JSON.parse(
      await runPython(
        `
import json, sys
from lathe_runtime.gguf.reader import GGUFReader
from lathe_runtime.train.data import open_prepared_dataset, tokenizer_fingerprint
with GGUFReader(sys.argv[2]) as reader:
    metadata = reader.metadata
# Refuses data made for another tokenizer: the fingerprint must match the model's own.
data = open_prepared_dataset(sys.argv[1], tokenizer_fingerprint(metadata), len(metadata["tokenizer.ggml.tokens"]))
out = {}
for split in (data.train, data.validation):
    examples = [split.example(i) for i in range(split.examples)]
    out[split.name] = {"ids": [ids.tolist() for ids, _ in examples], "masks": [mask.tolist() for _, mask in examples], "targets": split.target_count()}
print(json.dumps(out))
`,
        [outDir, modelPath],
      ),
    );
    expect(python.train.ids).toEqual(files.train.ids);
    expect(python.train.masks).toEqual(files.train.masks);
    expect(python.validation.ids).toEqual(files.validation.ids);
    // Every example starts with <|im_start|>, untrained, so the targets are all trained tokens.
    expect(python.train.targets).toBe(result.tokens.trained);
  }, 120_000);

  it('keeps the first maxLength tokens of an overlong example, or drops it', async () => {
    const long = chat(['user', 'Hi'], ['assistant', 'x'.repeat(100)]);
    const short = chat(['user', 'Hi'], ['assistant', 'Short.']);
    const full = (await prepare([long, short])).files.train.ids[0] as number[];
    expect(full.length).toBe(123);

    const truncated = await prepare([long, short], { maxLength: 60, overlong: 'truncate' });
    expect(truncated.files.train.ids[0]).toEqual(full.slice(0, 60));
    expect(truncated.result.overlong).toBe(1);
    expect(truncated.result.dropped.overlong).toBe(0);
    expect(truncated.result.lengths.max).toBe(123); // statistics see the full length

    const dropped = await prepare([long, short], { maxLength: 60, overlong: 'drop' });
    expect(dropped.result.examples.train).toBe(1);
    expect(decode(dropped.files.train.ids[0] as number[])).toContain('Short.');
    expect(dropped.result).toMatchObject({ overlong: 1, dropped: { overlong: 1 } });
  }, 120_000);

  it('drops an example truncated before its reply begins: nothing would be learned from it', async () => {
    const { result } = await prepare([chat(['user', 'y'.repeat(80)], ['assistant', 'Late.']), chat(['user', 'Hi'], ['assistant', 'Ok.'])], { maxLength: 40 });
    expect(result).toMatchObject({ overlong: 1, dropped: { overlong: 1 }, examples: { train: 1 } });
  }, 60_000);

  it('drops exact duplicates only when asked', async () => {
    const rows = [...numbered(3), ...numbered(2)];
    expect((await prepare(rows)).result.examples.train).toBe(5);
    const deduplicated = await prepare(rows, { dropDuplicates: true });
    expect(deduplicated.result.examples.train).toBe(3);
    expect(deduplicated.result.dropped.duplicates).toBe(2);
  }, 120_000);

  it('splits by a seeded hash of the row: about the asked share, repeatable, and the same rows whatever else changes', async () => {
    const conversations = numbered(1000);
    const first = await prepare(conversations, { validationPercent: 20, seed: 3 });
    const held = (files: ReturnType<typeof readPrepared>) => files.validation.ids.map((ids) => decode(ids).match(/Question (\d+)/)?.[1]);
    const heldOut = held(first.files);
    expect(heldOut.length).toBeGreaterThan(150);
    expect(heldOut.length).toBeLessThan(250);

    const again = await prepare(conversations, { validationPercent: 20, seed: 3 });
    for (const name of ['train.tokens.u32', 'train.offsets.u64', 'validation.tokens.u32', 'validation.mask.u8']) {
      expect(readFileSync(join(again.outDir, name)).equals(readFileSync(join(first.outDir, name)))).toBe(true);
    }
    const otherSeed = held((await prepare(conversations, { validationPercent: 20, seed: 4 })).files);
    expect(otherSeed).not.toEqual(heldOut);

    // Rows 1–500 removed: the rows left keep their split.
    const thinned = held((await prepare(conversations.map((conversation, index) => (index < 500 ? null : conversation)), { validationPercent: 20, seed: 3 })).files);
    expect(thinned).toEqual(heldOut.filter((row) => Number(row) > 500));
  }, 180_000);

  it('writes the same files whatever the number of workers', async () => {
    const conversations = [...numbered(1200), ...numbered(300), null];
    // Rows 1000–1200 are 48 tokens long, the others at most 46.
    const settings = { validationPercent: 10, dropDuplicates: true, maxLength: 46, overlong: 'drop' as const };
    const one = await prepare(conversations, settings, { workers: 1 });
    const three = await prepare(conversations, settings, { workers: 3 });
    expect(three.result.dropped).toEqual(one.result.dropped);
    expect(one.result.dropped.duplicates).toBe(300);
    expect(one.result.dropped.overlong).toBe(201);
    for (const name of ['train.tokens.u32', 'train.mask.u8', 'train.offsets.u64', 'validation.tokens.u32', 'validation.offsets.u64', 'manifest.json']) {
      expect(readFileSync(join(three.outDir, name)).equals(readFileSync(join(one.outDir, name)))).toBe(true);
    }
  }, 120_000);

  it('computes length statistics from the real token counts', async () => {
    // Lengths: ChatML's markup around a one-byte question and the reply is 22 tokens.
    const conversations = [1, 2, 3, 4, 10].map((size) => chat(['user', 'q'], ['assistant', 'a'.repeat(size)]));
    const { lengths } = (await prepare(conversations)).result;
    expect(lengths).toMatchObject({ count: 5, min: 23, max: 32, mean: 26, p50: 25, p90: 32, p99: 32 });
    expect(lengths.histogram.map((bin) => bin.count)).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0, 1]);
    expect(lengths.histogram[0]).toEqual({ from: 23, to: 24, count: 1 });
  }, 60_000);

  it('reports rows that cannot be used, with their line, and keeps the rest', async () => {
    const { result } = await prepare([numbered(1)[0] as ChatMessage[], null, chat(['user', 'No reply here.'])]);
    expect(result.examples.train).toBe(1);
    expect(result.dropped.invalid).toBe(2);
    expect(result.problems).toEqual([
      { line: 2, reason: 'not a conversation' },
      { line: 3, reason: expect.stringContaining('no assistant reply') },
    ]);
  }, 60_000);

  it('reports progress with a rate, and gives the cache key prepareIdentity predicts', async () => {
    const progress: { rows: number; examplesPerSecond: number; total: number | null }[] = [];
    const { result, modelPath } = await prepare(numbered(1500), {}, { totalRows: 1500, onProgress: (update) => progress.push(update) });
    expect(progress.at(-1)).toMatchObject({ rows: 1500, total: 1500 });
    expect(progress.at(-1)?.examplesPerSecond).toBeGreaterThan(0);
    const identity = await prepareIdentity({ modelPath, options: options(), datasetHash: 'sha256:test', shape: 'messages' });
    expect(identity).toEqual({ fingerprint: result.tokenizerFingerprint, templateHash: result.templateHash, cacheKey: result.cacheKey });
    expect((await prepareIdentity({ modelPath, options: options({ seed: 1 }), datasetHash: 'sha256:test', shape: 'messages' })).cacheKey).not.toBe(result.cacheKey);
    expect((await prepareIdentity({ modelPath, options: options(), datasetHash: 'sha256:other', shape: 'messages' })).cacheKey).not.toBe(result.cacheKey);
  }, 60_000);

  it('replaces an older folder at the same place only once the new one is complete', async () => {
    const outDir = join(freshDir(), 'prepared');
    mkdirSync(outDir);
    writeFileSync(join(outDir, 'stale.txt'), 'old');
    await prepare(numbered(3), {}, { outDir });
    expect(readdirSync(outDir).sort()).toEqual(['manifest.json', 'train.mask.u8', 'train.offsets.u64', 'train.tokens.u32', 'validation.mask.u8', 'validation.offsets.u64', 'validation.tokens.u32']);
    expect(readdirSync(join(outDir, '..'))).toEqual(['prepared']);
  }, 60_000);

  it('refuses to write a dataset with no training example, leaving nothing behind', async () => {
    const parent = freshDir();
    await expect(prepare([chat(['user', 'Only a question.'])], {}, { outDir: join(parent, 'prepared') })).rejects.toMatchObject({
      kind: 'invalid_input',
      message: expect.stringMatching(/None of the 1 rows.*line 1: nothing to learn/),
    });
    expect(readdirSync(parent)).toEqual([]);
  }, 60_000);
});

describe('prepareDataset cancelled or failing', () => {
  async function* endless(): AsyncGenerator<{ line: number; conversation: ChatMessage[]; problem: null }> {
    for (let line = 1; ; line++) yield { line, conversation: chat(['user', `Q${line}`], ['assistant', `A${line}`]), problem: null };
  }

  it('removes the temporary folder when cancelled', async () => {
    const parent = freshDir();
    const stop = new AbortController();
    const run = prepareDataset({
      rows: endless(),
      modelPath: await makeDemoModel({ arch: 'llama', dtype: 'f32' }),
      options: options(),
      outDir: join(parent, 'prepared'),
      datasetHash: 'sha256:test',
      shape: 'messages',
      workerPath,
      signal: stop.signal,
      onProgress: () => stop.abort(),
    });
    await expect(run).rejects.toMatchObject({ kind: 'cancelled' });
    expect(readdirSync(parent)).toEqual([]);
  }, 60_000);

  it('fails with unavailable when the worker dies, and removes the temporary folder', async () => {
    const parent = freshDir();
    let pid: number | undefined;
    const run = prepareDataset({
      rows: endless(),
      modelPath: await makeDemoModel({ arch: 'llama', dtype: 'f32' }),
      options: options(),
      outDir: join(parent, 'prepared'),
      datasetHash: 'sha256:test',
      shape: 'messages',
      workerPath,
      // One worker, so the one killed is the one doing the work.
      workers: 1,
      forkWorker: (path, env) => {
        const child = forkPlain(path, env);
        pid = child.pid;
        return child;
      },
      onProgress: () => {
        if (pid !== undefined) process.kill(pid, 'SIGKILL');
      },
    });
    await expect(run).rejects.toMatchObject({ kind: 'unavailable', message: expect.stringContaining('SIGKILL') });
    expect(readdirSync(parent)).toEqual([]);
  }, 60_000);

  it('refuses a file llama.cpp would abort on before any worker starts', async () => {
    const bytes = readFileSync(await makeDemoModel({ arch: 'llama', dtype: 'f32' }));
    const at = bytes.indexOf(Buffer.from('llama.feed_forward_length'));
    bytes.write('llama.feed_forward_lengtX', at); // same length: still a well-formed file
    const broken = join(freshDir(), 'no-ffn.gguf');
    writeFileSync(broken, bytes);
    let forks = 0;
    const parent = freshDir();
    await expect(
      prepareDataset({
        rows: rowsOf(numbered(1)),
        modelPath: broken,
        options: options(),
        outDir: join(parent, 'prepared'),
        datasetHash: 'sha256:test',
        shape: 'messages',
        workerPath,
        forkWorker: (path, env) => {
          forks++;
          return forkPlain(path, env);
        },
      }),
    ).rejects.toMatchObject({ kind: 'invalid_file', message: expect.stringContaining('feed_forward_length') });
    expect(forks).toBe(0);
    expect(existsSync(join(parent, 'prepared'))).toBe(false);
  }, 60_000);
});

function forkPlain(path: string, env: NodeJS.ProcessEnv) {
  return fork(path, [], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
}

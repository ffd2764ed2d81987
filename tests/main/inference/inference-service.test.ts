/**
 * The inference worker for real: the built worker (out/main/inference-worker.js, built by the
 * suite's global set-up), real llama.cpp through node-llama-cpp, demo models from the Python
 * runtime. Includes a file that makes llama.cpp abort, to show the app survives it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appPathsFromBundle } from '../../../src-main/app/paths';
import { assertLoadable } from '../../../src-main/inference/assert-loadable';
import { InferenceService, type InferenceServiceDeps } from '../../../src-main/inference/inference-service';
import { makeDemoModel } from '../helpers/demo-model';

const workerPath = appPathsFromBundle(new URL('../../../out/main/cli.js', import.meta.url).href).inferenceWorker;
const services: InferenceService[] = [];

function service(overrides: Partial<InferenceServiceDeps> = {}): InferenceService {
  const created = new InferenceService({ workerPath, settings: { threads: 2, gpu: false }, checkModel: assertLoadable, ...overrides });
  services.push(created);
  return created;
}

afterEach(() => {
  for (const created of services.splice(0)) created.close();
});

/** A copy of a demo model whose feed_forward_length key is renamed: llama.cpp aborts on it. */
async function modelWithoutFeedForwardLength(): Promise<string> {
  const bytes = readFileSync(await makeDemoModel({ arch: 'llama', dtype: 'f16' }));
  const key = Buffer.from('llama.feed_forward_length');
  const at = bytes.indexOf(key);
  expect(at).toBeGreaterThan(0);
  bytes.write('llama.feed_forward_lengtX', at); // same length: the file stays well-formed
  const path = join(mkdtempSync(join(tmpdir(), 'lathe-inference-')), 'no-ffn.gguf');
  writeFileSync(path, bytes);
  return path;
}

describe('InferenceService', () => {
  it('generates through the worker, streaming, and greedy decoding is repeatable', async () => {
    const modelPath = await makeDemoModel({ arch: 'llama', size: 'tiny', dtype: 'f16' });
    const inference = service();
    const chunks: string[] = [];
    const first = await inference.generate({ modelPath, prompt: 'Hello', maxTokens: 24, temperature: 0 }, (text) => chunks.push(text));
    // A byte-level model can stop inside a UTF-8 character; llama.cpp then finishes the
    // character, so a few tokens past the limit are normal.
    expect(first.tokens).toBeGreaterThanOrEqual(24);
    expect(first.tokens).toBeLessThanOrEqual(27);
    expect(first.stopReason).toBe('max_tokens');
    expect(chunks.join('')).toBe(first.text);
    expect(first.tokensPerSecond).toBeGreaterThan(0);
    const second = await inference.generate({ modelPath, prompt: 'Hello', maxTokens: 24, temperature: 0 });
    expect(second.text).toBe(first.text);
  }, 120_000);

  it('refuses a file llama.cpp would abort on, naming the key, without starting the worker', async () => {
    const inference = service();
    await expect(inference.generate({ modelPath: await modelWithoutFeedForwardLength(), prompt: 'x', maxTokens: 4, temperature: 0 })).rejects.toMatchObject({
      kind: 'invalid_file',
      message: expect.stringContaining('llama.feed_forward_length'),
    });
    expect(inference.workerPid).toBeNull();
  }, 120_000);

  it('survives a worker that llama.cpp takes down, and starts a new one on the next request', async () => {
    const exits: string[] = [];
    // Without the gate, the broken file reaches llama.cpp, which ends the worker process.
    const inference = service({ checkModel: async () => {}, onWorkerExit: (description) => exits.push(description) });
    await expect(inference.generate({ modelPath: await modelWithoutFeedForwardLength(), prompt: 'x', maxTokens: 4, temperature: 0 })).rejects.toMatchObject({
      kind: expect.stringMatching(/unavailable|internal/),
    });
    const good = await makeDemoModel({ arch: 'qwen2', size: 'tiny', dtype: 'f16' });
    const result = await inference.generate({ modelPath: good, prompt: 'Hi', maxTokens: 8, temperature: 0 });
    expect(result.tokens).toBeGreaterThanOrEqual(8);
    // Whether llama.cpp aborted (worker exit) or threw (worker alive), the app kept working.
    expect(exits.length).toBeLessThanOrEqual(1);
  }, 120_000);

  it('reports a worker killed mid-generation and recovers', async () => {
    const modelPath = await makeDemoModel({ arch: 'llama', size: 'small', dtype: 'f32' });
    const exits: string[] = [];
    const inference = service({ onWorkerExit: (description) => exits.push(description) });
    const running = inference.generate({ modelPath, prompt: 'Once', maxTokens: 4000, temperature: 0 }, () => {
      const pid = inference.workerPid;
      if (pid !== null && exits.length === 0) process.kill(pid, 'SIGKILL');
    });
    await expect(running).rejects.toMatchObject({ kind: 'unavailable', message: expect.stringContaining('SIGKILL') });
    expect(exits).toEqual(['stopped by SIGKILL']);
    const again = await inference.generate({ modelPath, prompt: 'Once', maxTokens: 4, temperature: 0 });
    expect(again.tokens).toBeGreaterThanOrEqual(4);
  }, 120_000);

  it('stops a generation when cancelled', async () => {
    const modelPath = await makeDemoModel({ arch: 'llama', size: 'small', dtype: 'f32' });
    const inference = service();
    const stop = new AbortController();
    let chunks = 0;
    const result = await inference.generate({ modelPath, prompt: 'Once', maxTokens: 4000, temperature: 0 }, () => {
      if (++chunks === 5) stop.abort();
    }, stop.signal);
    expect(result.stopReason).toBe('cancelled');
    expect(result.tokens).toBeLessThan(4000);
  }, 120_000);
});

// Keeps the copy helper honest: the renamed key must not appear in an untouched model.
describe('modelWithoutFeedForwardLength', () => {
  it('changes only the key name', async () => {
    const original = readFileSync(await makeDemoModel({ arch: 'llama', dtype: 'f16' }));
    const broken = readFileSync(await modelWithoutFeedForwardLength());
    expect(broken.length).toBe(original.length);
    let differing = 0;
    for (let i = 0; i < original.length; i++) if (original[i] !== broken[i]) differing++;
    expect(differing).toBe(1);
  });
});

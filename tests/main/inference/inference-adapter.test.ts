/**
 * LoRA adapters through the inference worker, for real: an adapter trained by the Python
 * runtime, applied by llama.cpp per context. The gate in front of llama.cpp refuses an adapter
 * that does not belong to the model before the worker starts (or loads anything).
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appPathsFromBundle } from '../../../src-main/app/paths';
import { assertLoadable } from '../../../src-main/inference/assert-loadable';
import { InferenceService } from '../../../src-main/inference/inference-service';
import type { GenerateRequest } from '../../../src-main/inference/worker-protocol';
import { makeDemoModel } from '../helpers/demo-model';
import { chatmlPrompt, trainAdapter, TRAINED_PAIRS } from './trained-adapter';

const workerPath = appPathsFromBundle(new URL('../../../out/main/cli.js', import.meta.url).href).inferenceWorker;
const services: InferenceService[] = [];

function service(): InferenceService {
  const created = new InferenceService({ workerPath, settings: { threads: 2, gpu: false }, checkModel: assertLoadable });
  services.push(created);
  return created;
}

afterEach(() => {
  for (const created of services.splice(0)) created.close();
});

let modelPath: string;
let adapterPath: string;

beforeAll(async () => {
  modelPath = await makeDemoModel({ arch: 'llama', size: 'small', dtype: 'f32' });
  adapterPath = await trainAdapter(modelPath);
}, 300_000);

function ask(question: string, adapter?: GenerateRequest['adapter']): GenerateRequest {
  return { modelPath, prompt: chatmlPrompt(question), specialTokens: true, maxTokens: 16, temperature: 0, ...(adapter ? { adapter } : {}) };
}

describe('InferenceService with a LoRA adapter', () => {
  it('answers what the adapter was trained on; the base model does not; scale 0 is the base', async () => {
    const inference = service();
    for (const [question, answer] of TRAINED_PAIRS) {
      const base = await inference.generate(ask(question));
      const tuned = await inference.generate(ask(question, { path: adapterPath, scale: 1 }));
      const off = await inference.generate(ask(question, { path: adapterPath, scale: 0 }));
      expect(tuned.text).toBe(answer);
      expect(tuned.stopReason).toBe('eos');
      expect(base.text).not.toBe(answer);
      expect(off.text).toBe(base.text);
    }
  }, 300_000);

  it('keeps one worker for the model, the base and two strengths of the adapter', async () => {
    const inference = service();
    const [question] = TRAINED_PAIRS[0] as [string, string];
    await inference.generate(ask(question));
    const pid = inference.workerPid;
    const half = await inference.generate(ask(question, { path: adapterPath, scale: 0.5 }));
    const full = await inference.generate(ask(question, { path: adapterPath, scale: 1 }));
    const again = await inference.generate(ask(question, { path: adapterPath, scale: 0.5 }));
    expect(inference.workerPid).toBe(pid);
    expect(again.text).toBe(half.text);
    expect(full.text).toBe(TRAINED_PAIRS[0]?.[1]);
  }, 300_000);

  it('loads an adapter file afresh when it changed on disk', async () => {
    const inference = service();
    const path = join(mkdtempSync(join(tmpdir(), 'lathe-adapter-swap-')), 'adapter.gguf');
    const [question, answer] = TRAINED_PAIRS[1] as [string, string];
    copyFileSync(adapterPath, path);
    expect((await inference.generate(ask(question, { path, scale: 1 }))).text).toBe(answer);
    // Another adapter for the same model now sits at the same path: the worker must not keep the old one.
    copyFileSync(await trainAdapter(modelPath, 1), path);
    const changed = await inference.generate(ask(question, { path, scale: 1 }));
    expect(changed.text).not.toBe(answer);
  }, 300_000);

  it('refuses an adapter made for another architecture before llama.cpp sees it', async () => {
    const inference = service();
    const qwen = await makeDemoModel({ arch: 'qwen2', size: 'small', dtype: 'f32' });
    const request: GenerateRequest = { modelPath: qwen, prompt: 'Hi', maxTokens: 4, temperature: 0, adapter: { path: adapterPath, scale: 1 } };
    await expect(inference.generate(request)).rejects.toMatchObject({
      kind: 'invalid_input',
      message: expect.stringContaining('architecture llama but the model is qwen2'),
    });
    expect(inference.workerPid).toBeNull();
  }, 120_000);

  it('refuses an adapter for a model of another size, and a file that is not an adapter', async () => {
    const inference = service();
    const tiny = await makeDemoModel({ arch: 'llama', size: 'tiny', dtype: 'f32' });
    await expect(inference.generate({ modelPath: tiny, prompt: 'Hi', maxTokens: 4, temperature: 0, adapter: { path: adapterPath, scale: 1 } })).rejects.toMatchObject({
      kind: 'invalid_input',
      message: expect.stringContaining('a model of another size'),
    });
    await expect(inference.generate({ modelPath, prompt: 'Hi', maxTokens: 4, temperature: 0, adapter: { path: tiny, scale: 1 } })).rejects.toMatchObject({
      kind: 'invalid_input',
      message: expect.stringContaining('not a LoRA adapter'),
    });
    expect(inference.workerPid).toBeNull();
  }, 120_000);

  it('refuses a scale outside 0–2', async () => {
    const inference = service();
    await expect(inference.generate(ask('x', { path: adapterPath, scale: 2.5 }))).rejects.toMatchObject({ kind: 'invalid_input', message: expect.stringContaining('adapter.scale') });
    expect(inference.workerPid).toBeNull();
  });
});

/**
 * Exports of real runs (the tiny demo model trained by the Python runtime): the adapter and its
 * PEFT folder, the Ollama Modelfile, the llama-server command, and the merged GGUF written by
 * python-runtime and checked through llama.cpp against base + adapter, on F32 and F16 bases.
 * Then the bad cases, each a typed error: no such run, a run without an adapter, a base model
 * replaced by another model (merge refused naming the mismatch) and one deleted since.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LatheError, type RunEntry } from '../../../src-main/contract';
import type { ExportEvent } from '../../../src-main/contract/playground-types';
import { ExportService, MERGE_TOLERANCE } from '../../../src-main/exports/export-service';
import { assertAdapterFits } from '../../../src-main/inference/assert-adapter-fits';
import { readGgufHeader } from '../../../src-main/models/gguf/read-gguf-header';
import { makeDemoModel } from '../helpers/demo-model';
import { python, runFixture, runtimeDir, type RunFixture } from '../training/runs/run-fixture';
import { evaluationInference } from '../evaluation/evaluation-fixture';

const TRAINING_TIMEOUT = 180_000;
const SETTINGS = { steps: 12, evalEvery: 0, checkpointEvery: 0, precision: 'fp32', lora: { rank: 8, alpha: 16 } } as const;

let f: RunFixture;
let service: ExportService;
let trained: RunEntry;
const events: ExportEvent[] = [];
const inference = evaluationInference();

function exportService(platform: NodeJS.Platform = 'linux'): ExportService {
  return new ExportService({
    runs: f.runs,
    inference,
    python: async () => ({ python }),
    runtimeDir,
    env: process.env,
    platform,
    checkAdapter: assertAdapterFits,
  });
}

async function train(modelId: string): Promise<RunEntry> {
  const { id } = await f.runs.startRun({ ...f.request(SETTINGS), modelId });
  const run = await f.runs.whenSettled(id);
  expect(run.status).toBe('completed');
  return run;
}

async function refusal(work: () => Promise<unknown>): Promise<LatheError> {
  try {
    await work();
  } catch (error) {
    expect(error).toBeInstanceOf(LatheError);
    return error as LatheError;
  }
  throw new Error('expected a refusal');
}

beforeAll(async () => {
  f = await runFixture();
  service = exportService();
  service.subscribe((event) => events.push(event));
  trained = await train(f.modelId);
}, TRAINING_TIMEOUT);
afterAll(async () => {
  inference.close();
  await f?.close();
});

describe('exports of a finished run', () => {
  it('adapter: the GGUF adapter under a readable name and the PEFT folder', async () => {
    const result = await service.create(trained.id, 'adapter');
    const exports = join(trained.dir, 'exports');
    expect(result.files[0]).toBe(join(exports, `${result.files[0]!.slice(exports.length + 1)}`));
    expect(result.files[0]).toMatch(/\.lora\.gguf$/);
    expect(readFileSync(result.files[0]!)).toEqual(readFileSync(trained.adapterPath!));
    expect(result.files[1]).toMatch(/-peft$/);
    expect(readdirSync(result.files[1]!)).toEqual(expect.arrayContaining(['adapter_config.json', 'adapter_model.safetensors']));
    expect(result).toMatchObject({ format: 'adapter', command: null, text: null, check: null });
    expect(readdirSync(exports).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('ollama: a Modelfile with absolute FROM and ADAPTER paths, and the ollama create command', async () => {
    const result = await service.create(trained.id, 'ollama');
    const [adapter, modelfile] = result.files;
    const base = f.data.models.get(f.modelId).path;
    expect(result.text).toBe(`FROM ${base}\nADAPTER ${adapter}\n`);
    expect(readFileSync(modelfile!, 'utf8')).toBe(result.text);
    expect(result.command).toMatch(new RegExp(`^ollama create [a-z0-9._-]+ -f ${modelfile!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  });

  it('llama-server: the command line, quoted for the platform', async () => {
    const result = await service.create(trained.id, 'llama-server');
    const base = f.data.models.get(f.modelId).path;
    expect(result.command).toBe(`llama-server -m ${base} --lora ${result.files[0]}`);
    const windows = await exportService('win32').create(trained.id, 'llama-server', join(mkdtempSync(join(tmpdir(), 'lathe export ')), 'out dir'));
    expect(windows.command).toMatch(/^llama-server -m \S+ --lora ".*out dir.*\.lora\.gguf"$/);
  });

  it('merged (F32 base): folded by python-runtime, and llama.cpp gives it the logits of base + adapter', async () => {
    const before = events.length;
    const result = await service.create(trained.id, 'merged');
    expect(result.files).toHaveLength(1);
    const header = await readGgufHeader(result.files[0]!);
    expect(String(header.metadata['general.name'])).toMatch(/ \+ LoRA$/);
    expect(result.check!.maxAbsDiff).toBeLessThanOrEqual(MERGE_TOLERANCE);
    console.log(`merged F32: max |Δlogit| ${result.check!.maxAbsDiff.toExponential(2)}`);
    const phases = events.slice(before).map((event) => event.phase);
    expect(phases).toEqual(expect.arrayContaining(['merge', 'check', 'done']));
  }, TRAINING_TIMEOUT);

  it('merged (F16 base): the same check holds', async () => {
    const [model] = (await f.data.models.addPaths([await makeDemoModel({ dtype: 'f16' })])).added;
    const run = await train(model!.id);
    const result = await service.create(run.id, 'merged');
    expect((await readGgufHeader(result.files[0]!)).tensors.some((tensor) => tensor.typeName === 'F16')).toBe(true);
    expect(result.check!.maxAbsDiff).toBeLessThanOrEqual(MERGE_TOLERANCE);
    console.log(`merged F16: max |Δlogit| ${result.check!.maxAbsDiff.toExponential(2)}`);
  }, TRAINING_TIMEOUT);
});

describe('exports refused', () => {
  it('a run that does not exist, and a run without an adapter', async () => {
    expect((await refusal(() => service.create('no-such-run', 'adapter'))).kind).toBe('not_found');
    const { id } = await f.runs.startRun(f.request({ steps: 500 }));
    await f.runs.stop(id);
    await f.runs.whenSettled(id);
    const error = await refusal(() => service.create(id, 'ollama'));
    expect(error.kind).toBe('invalid_input');
    expect(error.message).toContain('has no adapter');
    expect(existsSync(join(f.runs.get(id).run.dir, 'exports'))).toBe(false);
  }, TRAINING_TIMEOUT);

  it('a base model replaced by another model (named mismatch), then deleted', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'lathe-export-base-'));
    const basePath = join(folder, 'base.gguf');
    copyFileSync(await makeDemoModel({ seed: 3 }), basePath);
    const [model] = (await f.data.models.addPaths([basePath])).added;
    const run = await train(model!.id);

    copyFileSync(await makeDemoModel({ size: 'small' }), basePath);
    const mismatch = await refusal(() => service.create(run.id, 'merged'));
    expect(mismatch.kind).toBe('invalid_input');
    expect(mismatch.message).toMatch(/cannot be used with .*a model of another size/);
    expect(existsSync(join(run.dir, 'exports'))).toBe(true); // the adapter copy only
    expect(readdirSync(join(run.dir, 'exports')).some((name) => name.endsWith('-merged.gguf'))).toBe(false);

    rmSync(basePath);
    for (const format of ['adapter', 'ollama', 'llama-server', 'merged'] as const) {
      const gone = await refusal(() => service.create(run.id, format));
      expect(gone.kind).toBe('not_found');
      expect(gone.message).toContain('deleted or moved');
    }
  }, TRAINING_TIMEOUT);
});

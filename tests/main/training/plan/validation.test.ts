/**
 * Every validation rule of a planned run: each bad combination gives a problem saying what to
 * change, each odd one a warning, and a good plan gives neither. All problems come at once.
 */
import { describe, expect, it } from 'vitest';
import type { ModelEntry } from '../../../../src-main/contract/model-types';
import type { RunSettingsOverrides } from '../../../../src-main/contract/run-types';
import { planRun, type PlanInputs } from '../../../../src-main/training/plan';
import { bigGpuBox, bigGpuPython, cpuPython, cudaPython, demoSmall, gpuBox, inputs, llama8b, mediumSet, qaSet, qwen05 } from './plan-fixtures';

function plan(overrides: RunSettingsOverrides, more: Parameters<typeof inputs>[0] = {}) {
  return planRun(inputs({ overrides, ...more }));
}

function only(list: string[], pattern: RegExp): string {
  const found = list.filter((line) => pattern.test(line));
  expect(found, `${pattern} in ${JSON.stringify(list, null, 1)}`).toHaveLength(1);
  return found[0]!;
}

describe('a good plan', () => {
  it('has no problems and no warnings', () => {
    const good = plan({});
    expect(good.problems).toEqual([]);
    expect(good.warnings).toEqual([]);
  });
});

describe('problems', () => {
  it('the LoRA rank above the hidden size', () => {
    expect(only(plan({ lora: { rank: 256 } }).problems, /rank/)).toBe(
      "LoRA rank 256 is larger than the model's hidden size (128): choose a rank of at most 128; 8 to 64 is usual.",
    );
    expect(plan({ lora: { rank: 128 } }).problems).toEqual([]);
  });

  it('no LoRA targets', () => {
    expect(only(plan({ lora: { targets: [] } }).problems, /targets/)).toMatch(/pick at least one layer/);
  });

  it('packing with max length below the longest example when long examples are dropped', () => {
    const dataset = { ...qaSet, longestTokens: 300, p99Tokens: 100 };
    const problems = plan({ packing: true, maxLength: 128 }, { dataset, prepare: { overlong: 'drop' } }).problems;
    expect(only(problems, /Packing/)).toMatch(/raise max length to 300, or truncate long examples/);
    // Truncating, or not packing, is allowed (the latter with a warning: examples are lost).
    expect(plan({ packing: true, maxLength: 128 }, { dataset, prepare: { overlong: 'truncate' } }).problems).toEqual([]);
    const unpacked = plan({ maxLength: 128 }, { dataset, prepare: { overlong: 'drop' } });
    expect(unpacked.problems).toEqual([]);
    only(unpacked.warnings, /are dropped/);
  });

  it('evaluations and samples with no validation split', () => {
    const noSplit = { ...qaSet, validationExamples: 0 };
    const problems = plan({ evalEvery: 5, sampleEvery: 10 }, { dataset: noSplit }).problems;
    expect(only(problems, /Evaluate every/)).toMatch(/set it to 0, or hold out a share/);
    only(problems, /Sample every/);
    // Judged from the preparation options before the data is prepared.
    const unprepared = { ...qaSet, validationExamples: undefined, estimated: true };
    only(plan({ evalEvery: 5 }, { dataset: unprepared, prepare: { validationPercent: 0 } }).problems, /Evaluate every/);
    expect(plan({ evalEvery: 5 }, { dataset: unprepared, prepare: { validationPercent: 20 } }).problems).toEqual([]);
  });

  it('fp16 anywhere but CUDA', () => {
    expect(only(plan({ precision: 'fp16' }).problems, /fp16/)).toBe('fp16 needs a CUDA GPU and this run is on cpu: choose auto, bf16 or fp32.');
    expect(plan({ precision: 'fp16' }, { fixture: qwen05, dataset: mediumSet, hardware: bigGpuBox, python: bigGpuPython }).problems).toEqual([]);
  });

  it('a CUDA device index beyond the GPUs torch sees, and CUDA or MPS where there is none', () => {
    expect(only(plan({ device: 'cuda:2' }, { hardware: gpuBox, python: cudaPython }).problems, /cuda:2/)).toBe(
      'Device cuda:2 does not exist: torch sees 2 CUDA GPUs (cuda:0 to cuda:1); choose one of them or auto.',
    );
    expect(plan({ device: 'cuda:1' }, { hardware: gpuBox, python: cudaPython }).problems).toEqual([]);
    only(plan({ device: 'cuda' }).problems, /needs a CUDA GPU, but torch 1\.13\.0a0 sees none/);
    only(plan({ device: 'mps' }).problems, /mps is not available/);
  });

  it('a batch per step larger than the training examples', () => {
    const problems = plan({ microBatchSize: 8, gradientAccumulation: 4 }).problems;
    expect(only(problems, /Each step/)).toBe(
      'Each step would take 32 examples (micro batch 8 × accumulation 4) but the training split has 22: lower the micro batch size or gradient accumulation so their product is at most 22.',
    );
  });

  it('a model that cannot be trained, is missing, is invalid or not read yet', () => {
    const facts = demoSmall.entry.facts!;
    const entry = (change: Partial<ModelEntry>): PlanInputs['model'] => ({ entry: { ...demoSmall.entry, ...change }, header: demoSmall.header });
    const notTrainable = planRun({ ...inputs(), model: entry({ facts: { ...facts, trainable: false, notTrainableReason: 'Q4_K tensors cannot be trained yet' } }) });
    expect(only(notTrainable.problems, /cannot be trained/)).toBe('This model cannot be trained here: Q4_K tensors cannot be trained yet. Choose another model.');
    only(planRun({ ...inputs(), model: entry({ status: 'missing', facts: null }) }).problems, /model file is missing \(\/models\/demo-small\.gguf\)/);
    only(planRun({ ...inputs(), model: entry({ status: 'invalid', problem: 'Not a valid GGUF file: cut short', facts: null }) }).problems, /cannot be read \(Not a valid GGUF file: cut short\)/);
    const unread = planRun({ ...inputs(), model: { entry: { ...demoSmall.entry, facts: null }, header: null } });
    only(unread.problems, /header has not been read/);
    expect(unread.memory.totalBytes).toBe(0);
    only(unread.warnings, /No memory estimate: the model could not be read/);
  });

  it('a dataset with no examples', () => {
    const empty = plan({}, { dataset: { examples: 0, tokens: 0, estimated: false, longestTokens: null, validationExamples: 0 } });
    only(empty.problems, /no training examples/);
    expect(empty.totalSteps).toBe(0);
  });

  it('Python or torch not ready, with its advice', () => {
    const python = { ...cpuPython, state: 'no_torch' as const, python: null, advice: 'Install PyTorch: pip install torch' };
    expect(only(plan({}, { python }).problems, /PyTorch/)).toBe('Python was found, but without PyTorch, so nothing can train yet: Install PyTorch: pip install torch.');
    only(plan({}, { python: { ...python, state: 'no_python', advice: null } }).problems, /No Python interpreter/);
  });

  it('settings outside their ranges, each named by its label', () => {
    const bad = plan({ lora: { rank: 0, dropout: 1 }, optimizer: { lr: -1 }, microBatchSize: 1.5, maxLength: 8, device: 'tpu' });
    for (const label of ['LoRA rank is 0', 'LoRA dropout is 1', 'Learning rate is -1', 'Micro batch size is 1.5', 'Max length is 8']) {
      only(bad.problems, new RegExp(`^${label.replace(/[.()]/g, '\\$&')};`));
    }
    only(bad.problems, /Device "tpu" is not one Lathe knows/);
  });

  it('lists every problem at once', () => {
    const python = { ...cpuPython, state: 'no_python' as const, advice: 'Install Python 3.' };
    const all = plan({ lora: { rank: 512 }, precision: 'fp16', microBatchSize: 64, evalEvery: 3 }, { python, dataset: { ...qaSet, validationExamples: 0 } });
    expect(all.problems).toHaveLength(5);
  });
});

describe('warnings', () => {
  it('steps and epochs both set (steps wins); neither set is one epoch, silently', () => {
    const both = plan({ steps: 40, epochs: 3 });
    only(both.warnings, /steps wins|takes 40 steps and ignores epochs/);
    expect(both.totalSteps).toBe(40);
    const neither = plan({ steps: null, epochs: null });
    expect(neither.problems).toEqual([]);
    expect(neither.totalSteps).toBe(3); // 22 examples, 8 per step
    expect(plan({ steps: 40 }).settings.epochs).toBeNull();
    expect(plan({ epochs: 2 }).settings.steps).toBeNull();
  });

  it('cadences and warmup longer than the run', () => {
    const odd = plan({ steps: 20, schedule: { warmupSteps: 20 }, evalEvery: 50, checkpointEvery: 60, sampleEvery: 70 });
    only(odd.warnings, /Warmup \(20 steps\) is as long as the whole run/);
    only(odd.warnings, /validation loss is measured only at the end/);
    only(odd.warnings, /only the final checkpoint/);
    only(odd.warnings, /no sample is generated/);
  });

  it('many more passes than the data warrants', () => {
    only(plan({ epochs: 500 }).warnings, /500 passes over 22 examples/);
  });

  it('learning rates that diverge, or that are high for a real model', () => {
    only(plan({ optimizer: { lr: 0.05 } }).warnings, /diverges above 1e-2/);
    const real = { fixture: qwen05, dataset: mediumSet, hardware: bigGpuBox, python: bigGpuPython };
    only(plan({ optimizer: { lr: 3e-3 } }, real).warnings, /high for a model of this size/);
    expect(plan({ optimizer: { lr: 3e-3 } }).warnings).toEqual([]); // the toy demo model takes it
  });

  it('bf16 on a CPU', () => {
    only(plan({ precision: 'bf16' }).warnings, /bf16 on a CPU runs many times slower/);
  });

  it('examples truncated, and max length past the model context', () => {
    only(plan({ maxLength: 64 }).warnings, /More than 1% of the examples are longer than max length 64/);
    only(plan({ maxLength: 1024 }).warnings, /beyond the model's context of 512 tokens/);
  });

  it('a run that does not fit, with the first suggestion', () => {
    const tooBig = plan({}, { fixture: llama8b, dataset: mediumSet, hardware: gpuBox, python: cudaPython, preset: 'balanced' });
    expect(tooBig.memory.fits).toBe('no');
    expect(only(tooBig.warnings, /out of memory/)).toMatch(/^The run needs about \d+\.\d GiB, more than the 15\.7 GiB available on cuda:1: it will likely fail out of memory\. \S/);
    expect(tooBig.problems).toEqual([]);
  });

  it('an estimate made without the header, and a GPU whose memory is unknown', () => {
    const noHeader = planRun({ ...inputs(), model: { entry: demoSmall.entry, header: null } });
    only(noHeader.warnings, /approximate: the model's head counts and feed-forward width could not be read/);
    expect(noHeader.memory.totalBytes).toBeGreaterThan(0);
    const unknownGpu = { ...gpuBox, gpus: gpuBox.gpus.map((g) => ({ ...g, memoryTotalMb: null })) };
    const unknown = plan({}, { hardware: unknownGpu, python: cudaPython });
    only(unknown.warnings, /memory of cuda:0 is not known/);
    expect(unknown.memory.fits).toBe('tight');
    expect(unknown.settings).toMatchObject({ microBatchSize: 4, gradientAccumulation: 2, gradientCheckpointing: false });
    expect(unknown.presetReasons).toContain("Batch 4 × 2 accumulated = 8 examples per step; the device's memory size is not known.");
    expect(unknown.memory.totalBytes).toBeGreaterThan(0);
  });
});

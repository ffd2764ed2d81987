/**
 * The presets across model sizes (the demo models to 8B-shaped facts) and dataset sizes (the
 * bundled question/answer set to 50,000 examples): what each picks, and the rules every pick
 * must keep.
 */
import { describe, expect, it } from 'vitest';
import { RUN_PRESETS, type RunPreset } from '../../../../src-main/contract/run-types';
import { planRun, type PlanDataset } from '../../../../src-main/training/plan';
import {
  bigGpuBox,
  bigGpuPython,
  cudaPython,
  demoSmall,
  demoTiny,
  gpuBox,
  inputs,
  largeSet,
  llama3b,
  llama8b,
  mediumSet,
  qaSet,
  qwen05,
  unpreparedSet,
  type ModelFixture,
} from './plan-fixtures';

const models: [string, ModelFixture][] = [
  ['demo tiny', demoTiny],
  ['demo small', demoSmall],
  ['0.5B', qwen05],
  ['3B', llama3b],
  ['8B', llama8b],
];
const datasets: [string, PlanDataset][] = [
  ['24 q/a', qaSet],
  ['2,000', mediumSet],
  ['50,000', largeSet],
  ['unprepared', unpreparedSet],
];

function planFor(fixture: ModelFixture, dataset: PlanDataset, preset: RunPreset) {
  const onGpu = fixture.entry.facts!.parameterCount > 50e6;
  return planRun(inputs({ fixture, dataset, preset, ...(onGpu ? { hardware: bigGpuBox, python: bigGpuPython } : {}) }));
}

describe('presets: rules every model and dataset keeps', () => {
  for (const [modelName, fixture] of models) {
    for (const [dataName, dataset] of datasets) {
      it(`${modelName} on ${dataName}`, () => {
        const plans = RUN_PRESETS.map((preset) => planFor(fixture, dataset, preset));
        const facts = fixture.entry.facts!;
        for (const plan of plans) {
          const s = plan.settings;
          expect(plan.problems, plan.preset).toEqual([]);
          expect(plan.memory.fits, plan.preset).toBe('yes');
          expect(s.lora.alpha).toBe(2 * s.lora.rank);
          expect(s.precision).toBe('auto');
          expect(s.microBatchSize * s.gradientAccumulation).toBeLessThanOrEqual(dataset.examples);
          expect(s.maxLength).toBeLessThanOrEqual(facts.contextLength!);
          expect(s.maxLength % 64 === 0 || s.maxLength === facts.contextLength).toBe(true);
          expect(s.schedule.warmupSteps).toBeLessThan(Math.max(plan.totalSteps, 1));
          expect(s.steps === null || s.epochs === null).toBe(true);
          expect(plan.totalSteps).toBeGreaterThanOrEqual(30);
          // Evaluations and samples need the validation split every dataset here has.
          expect(s.evalEvery).toBeGreaterThan(0);
          expect(s.evalEvery).toBeLessThanOrEqual(plan.totalSteps);
          // One reason per choice: adapter, targets, lr, max length, batch, length of run, schedule, cadence, checkpoints, precision, device.
          expect(plan.presetReasons.length).toBeGreaterThanOrEqual(10);
          for (const reason of plan.presetReasons) expect(reason).toMatch(/^[A-Z0-9].*\.$/);
        }
        const [quick, balanced, thorough] = plans as [(typeof plans)[0], (typeof plans)[0], (typeof plans)[0]];
        // More work, never less, as the preset rises.
        expect(quick.settings.lora.rank).toBeLessThanOrEqual(balanced.settings.lora.rank);
        expect(balanced.settings.lora.rank).toBeLessThanOrEqual(thorough.settings.lora.rank);
        expect(quick.totalSteps).toBeLessThanOrEqual(balanced.totalSteps);
        expect(balanced.totalSteps).toBeLessThanOrEqual(thorough.totalSteps);
        expect(quick.settings.lora.targets.length).toBeLessThanOrEqual(thorough.settings.lora.targets.length);
        expect(thorough.settings.lora.targets).toEqual(['q', 'k', 'v', 'o', 'gate', 'up', 'down']);
      });
    }
  }
});

/** One idle GPU of `totalMb`. */
function gpuWith(totalMb: number) {
  return { ...bigGpuBox, gpus: [{ ...bigGpuBox.gpus[0]!, memoryTotalMb: totalMb, memoryUsedMb: 0 }] };
}

describe('presets: what they pick', () => {
  it('learning rate falls as models grow (3e-3 for the demo models, 2e-4 at 3B-8B)', () => {
    const lr = (fixture: ModelFixture) => planFor(fixture, mediumSet, 'balanced').settings.optimizer.lr;
    expect(lr(demoTiny)).toBe(3e-3);
    expect(lr(demoSmall)).toBe(3e-3);
    expect(lr(qwen05)).toBe(3e-4);
    expect(lr(llama3b)).toBe(2e-4);
    expect(lr(llama8b)).toBe(2e-4);
  });

  it('Quick on the small demo model and the sample set: ~30 steps of 8 examples, every layer, lr 3e-3', () => {
    const plan = planFor(demoSmall, qaSet, 'quick');
    expect(plan.settings).toMatchObject({
      lora: { rank: 8, alpha: 16, targets: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] },
      optimizer: { lr: 3e-3 },
      microBatchSize: 8,
      gradientAccumulation: 1,
      epochs: 10,
      steps: null,
      maxLength: 128,
      device: 'cpu',
      gradientCheckpointing: false,
    });
    expect(plan.totalSteps).toBe(30);
    expect(plan.warnings).toEqual([]);
  });

  it('Thorough on the sample set: enough passes to memorize it (100 epochs, 300 steps)', () => {
    const plan = planFor(demoSmall, qaSet, 'thorough');
    expect(plan.settings).toMatchObject({ lora: { rank: 8 }, optimizer: { lr: 3e-3 }, epochs: 100, steps: null, schedule: { kind: 'cosine' } });
    expect(plan.totalSteps).toBe(300);
    expect(plan.presetReasons.join(' ')).toContain('small set');
  });

  it('caps Quick and Balanced on big datasets, and lets Thorough make its three passes', () => {
    expect(planFor(qwen05, largeSet, 'quick').settings).toMatchObject({ steps: 200, epochs: null });
    expect(planFor(qwen05, largeSet, 'balanced').settings).toMatchObject({ steps: 5000, epochs: null });
    expect(planFor(qwen05, largeSet, 'thorough').settings).toMatchObject({ steps: null, epochs: 3 });
    expect(planFor(qwen05, mediumSet, 'balanced').settings).toMatchObject({ steps: null, epochs: 2 });
  });

  it('covers 99% of the examples with max length, within the preset ceiling and the model context', () => {
    expect(planFor(qwen05, mediumSet, 'quick').settings.maxLength).toBe(960); // p99 900 → 960
    expect(planFor(qwen05, largeSet, 'quick').settings.maxLength).toBe(1024); // p99 2,600, Quick's ceiling
    expect(planFor(qwen05, largeSet, 'thorough').settings.maxLength).toBe(2624);
    expect(planFor(demoSmall, largeSet, 'thorough').settings.maxLength).toBe(512); // the demo's context
    // Lengths unknown before preparation: a default, still within the context.
    expect(planFor(qwen05, unpreparedSet, 'balanced').settings.maxLength).toBe(1024);
    expect(planFor(demoTiny, unpreparedSet, 'balanced').settings.maxLength).toBe(512);
  });

  it('uses the longest example when no percentile is known', () => {
    const dataset = { ...mediumSet, p99Tokens: undefined, longestTokens: 700 };
    expect(planFor(qwen05, dataset, 'balanced').settings.maxLength).toBe(704);
  });

  it('adds dropout only for bigger datasets on real models', () => {
    expect(planFor(qwen05, mediumSet, 'balanced').settings.lora.dropout).toBe(0.05);
    expect(planFor(qwen05, qaSet, 'balanced').settings.lora.dropout).toBe(0);
    expect(planFor(demoSmall, largeSet, 'balanced').settings.lora.dropout).toBe(0);
  });

  it('fits the batch to a GPU with little room: smaller micro-batches accumulated, then checkpointing', () => {
    // The 3B model on the A4000 (16 GiB, nearly free) at Thorough's 2,624 tokens.
    const plan = planRun(inputs({ fixture: llama3b, dataset: largeSet, preset: 'thorough', hardware: gpuBox, python: cudaPython }));
    const s = plan.settings;
    expect(plan.device.label).toContain('cuda:1');
    expect(s.microBatchSize).toBeLessThan(16);
    expect(s.microBatchSize * s.gradientAccumulation).toBe(16);
    expect(plan.memory.fits).toBe('yes');
    const roomy = planRun(inputs({ fixture: llama3b, dataset: largeSet, preset: 'thorough', hardware: bigGpuBox, python: bigGpuPython })).settings;
    expect(roomy.microBatchSize).toBeGreaterThan(s.microBatchSize);
    expect(roomy.gradientCheckpointing).toBe(false);
  });

  it('turns gradient checkpointing on when even a micro-batch of 1 does not fit without it', () => {
    // A GPU sized between the estimates of one example per micro-batch with and without checkpointing.
    const one = (gradientCheckpointing: boolean) =>
      planRun(inputs({ fixture: llama3b, dataset: mediumSet, preset: 'thorough', hardware: bigGpuBox, python: bigGpuPython, overrides: { microBatchSize: 1, gradientCheckpointing } })).memory.totalBytes;
    const [withIt, withoutIt] = [one(true), one(false)];
    expect(withIt).toBeLessThan(withoutIt);
    const totalMb = Math.round((withIt + withoutIt) / 2 / 0.85 / 2 ** 20);
    const plan = planRun(inputs({ fixture: llama3b, dataset: mediumSet, preset: 'thorough', hardware: gpuWith(totalMb), python: bigGpuPython }));
    expect(plan.settings.gradientCheckpointing).toBe(true);
    expect(plan.presetReasons.join(' ')).toContain('with gradient checkpointing on: memory is tight');
    expect(plan.memory.fits).toBe('yes');
  });

  it('fits the batch around the overrides that change memory', () => {
    const hardware = gpuWith(40 * 1024);
    const base = planRun(inputs({ fixture: llama3b, dataset: mediumSet, preset: 'balanced', hardware, python: bigGpuPython }));
    const longer = planRun(inputs({ fixture: llama3b, dataset: mediumSet, preset: 'balanced', hardware, python: bigGpuPython, overrides: { maxLength: 8192 } }));
    expect(longer.settings.maxLength).toBe(8192);
    expect(longer.settings.microBatchSize).toBeLessThan(base.settings.microBatchSize);
    expect(longer.memory.fits).toBe('yes');
  });

  it('never evaluates or samples without a validation split', () => {
    const plan = planRun(inputs({ preset: 'thorough', dataset: { ...qaSet, validationExamples: 0 } }));
    expect(plan.settings).toMatchObject({ evalEvery: 0, sampleEvery: 0 });
    expect(plan.problems).toEqual([]);
    const unprepared = planRun(inputs({ preset: 'thorough', dataset: unpreparedSet, prepare: { validationPercent: 0 } }));
    expect(unprepared.settings).toMatchObject({ evalEvery: 0, sampleEvery: 0 });
  });

  it('gives a dataset smaller than the batch all of it per step', () => {
    const plan = planFor(qwen05, { examples: 5, tokens: 500, estimated: false, longestTokens: 120, p99Tokens: 120, validationExamples: 1 }, 'quick');
    expect(plan.settings.microBatchSize * plan.settings.gradientAccumulation).toBe(5);
    expect(plan.problems).toEqual([]);
  });
});

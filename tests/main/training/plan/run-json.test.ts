/**
 * run.json as the real runtime reads it: each preset's settings, and a set with every option
 * changed, go through python-runtime's own checker (`load_run_config`), which must accept them
 * and give every value back. The step counts are checked against the runtime's `StepPlan` and
 * `plan_rows` the same way.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RunSettings } from '../../../../src-main/contract/run-types';
import { planRun, runJsonFor, stepCounts } from '../../../../src-main/training/plan';
import { demoSmall, gpuBox, cudaPython, inputs, largeSet, qwen05 } from './plan-fixtures';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const python = process.env.LATHE_PYTHON || '/usr/bin/python3';

/** Runs `script` with the runtime on the path, `input` as JSON on stdin; parses its JSON stdout. */
function runPython(script: string, input: unknown): unknown {
  const out = execFileSync(python, ['-c', script], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: join(repoRoot, 'python-runtime') },
    timeout: 60_000,
  });
  return JSON.parse(out);
}

const CHECK = `
import json, sys
from lathe_runtime.train.config import load_run_config
from lathe_runtime.train.errors import ConfigError
results = []
for raw in json.load(sys.stdin):
    try:
        results.append({"config": load_run_config(raw, base_dir="/runs").to_dict()})
    except ConfigError as error:
        results.append({"error": str(error), "problems": getattr(error, "problems", None)})
print(json.dumps(results))
`;

const paths = { baseModel: '/models/base.gguf', data: '/prepared/abc', outputDir: '/runs/7' };

/** Every option away from the presets' values. */
const everythingChanged: RunSettings = {
  lora: { rank: 24, alpha: 7.5, dropout: 0.1, rslora: true, targets: ['v', 'q', 'down'] },
  optimizer: { lr: 1.5e-4, weightDecay: 0.01 },
  schedule: { kind: 'linear', warmupSteps: 7 },
  steps: 123,
  epochs: null,
  microBatchSize: 3,
  gradientAccumulation: 5,
  maxGradNorm: null,
  maxLength: 333,
  seed: 2 ** 31,
  precision: 'bf16',
  gradientCheckpointing: true,
  packing: true,
  baseWeights: 'quantized',
  evalEvery: 11,
  checkpointEvery: 13,
  sampleEvery: 17,
  device: 'cuda:1',
};

function expectRoundTrip(config: Record<string, unknown>, settings: RunSettings, steps = settings.steps): void {
  expect(config).toMatchObject({
    base_model: '/models/base.gguf',
    data: '/prepared/abc',
    output_dir: '/runs/7',
    lora: { rank: settings.lora.rank, alpha: settings.lora.alpha, dropout: settings.lora.dropout, rslora: settings.lora.rslora },
    optimizer: { lr: settings.optimizer.lr, weight_decay: settings.optimizer.weightDecay },
    schedule: { kind: settings.schedule.kind, warmup_steps: settings.schedule.warmupSteps },
    steps,
    epochs: steps === null ? settings.epochs : null,
    micro_batch_size: settings.microBatchSize,
    gradient_accumulation: settings.gradientAccumulation,
    max_grad_norm: settings.maxGradNorm,
    max_length: settings.maxLength,
    seed: settings.seed,
    precision: settings.precision,
    gradient_checkpointing: settings.gradientCheckpointing,
    packing: settings.packing,
    base_weights: settings.baseWeights,
    eval_every: settings.evalEvery,
    checkpoint_every: settings.checkpointEvery,
    sample_every: settings.sampleEvery,
    device: settings.device,
  });
  // The runtime keeps targets in the decoder's order.
  const order = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'];
  expect((config.lora as { targets: string[] }).targets).toEqual([...settings.lora.targets].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
}

describe('runJsonFor through the runtime checker', () => {
  it('is accepted and round-trips every value: the three presets, every option changed, steps overridden', () => {
    const presets = (['quick', 'balanced', 'thorough'] as const).flatMap((preset) => [
      planRun(inputs({ preset })).settings,
      planRun(inputs({ preset, fixture: qwen05, dataset: largeSet, hardware: gpuBox, python: cudaPython })).settings,
    ]);
    const cases: { settings: RunSettings; steps?: number }[] = [
      ...presets.map((settings) => ({ settings })),
      { settings: everythingChanged },
      { settings: { ...everythingChanged, steps: null, epochs: 2.5 } },
      // steps wins over epochs in the app; the runtime refuses both, so only steps is written.
      { settings: { ...everythingChanged, steps: 40, epochs: 3 } },
      { settings: presets[0]!, steps: 4 },
    ];
    const files = cases.map(({ settings, steps }) => runJsonFor(settings, paths, steps === undefined ? {} : { stepsOverride: steps }));
    const results = runPython(CHECK, files) as { config?: Record<string, unknown>; error?: string }[];
    results.forEach((result, i) => {
      expect(result.error, `case ${i}`).toBeUndefined();
      const { settings, steps } = cases[i]!;
      expectRoundTrip(result.config!, settings, steps ?? settings.steps);
    });
  });

  it('passes threads through when given', () => {
    const json = runJsonFor(everythingChanged, paths, { threads: 2 });
    const [result] = runPython(CHECK, [json]) as { config: { threads: number } }[];
    expect(result!.config.threads).toBe(2);
    expect(runJsonFor(everythingChanged, paths)).not.toHaveProperty('threads');
  });
});

const STEPS = `
import json, sys, torch
from lathe_runtime.train.batching import StepPlan, plan_rows, EpochSampler
class Split:
    def __init__(self, lengths):
        self.examples = len(lengths)
        self._lengths = torch.tensor(lengths)
    def lengths(self):
        return self._lengths
out = []
for case in json.load(sys.stdin):
    rows = plan_rows(Split(case["lengths"]), case["max_length"], case["packing"], 0)
    sampler = EpochSampler(len(rows), case["micro"], 0)
    plan = StepPlan.make(case["steps"], case["epochs"], sampler.batches_per_epoch, case["accumulation"])
    out.append({"rows": len(rows), "total_steps": plan.total_steps})
print(json.dumps(out))
`;

describe('stepCounts against the runtime', () => {
  it('gives the total steps StepPlan computes, for steps, epochs, neither, and packing of equal lengths', () => {
    const cases = [
      { examples: 22, length: 70, micro: 8, accumulation: 1, steps: null, epochs: 10, packing: false, maxLength: 128 },
      { examples: 22, length: 70, micro: 8, accumulation: 1, steps: null, epochs: 100, packing: false, maxLength: 128 },
      { examples: 1000, length: 100, micro: 3, accumulation: 5, steps: null, epochs: 2.5, packing: false, maxLength: 512 },
      { examples: 1000, length: 100, micro: 4, accumulation: 4, steps: null, epochs: null, packing: false, maxLength: 512 },
      { examples: 7, length: 100, micro: 16, accumulation: 3, steps: null, epochs: 0.3, packing: false, maxLength: 512 },
      { examples: 1000, length: 100, micro: 4, accumulation: 4, steps: 77, epochs: null, packing: false, maxLength: 512 },
      { examples: 1000, length: 100, micro: 4, accumulation: 2, steps: null, epochs: 1, packing: true, maxLength: 512 },
      { examples: 999, length: 64, micro: 2, accumulation: 1, steps: null, epochs: 3, packing: true, maxLength: 256 },
      { examples: 50, length: 900, micro: 2, accumulation: 1, steps: null, epochs: 1, packing: true, maxLength: 512 },
    ];
    const runtime = runPython(
      STEPS,
      cases.map((c) => ({ lengths: Array(c.examples).fill(c.length), max_length: c.maxLength, packing: c.packing, micro: c.micro, accumulation: c.accumulation, steps: c.steps, epochs: c.epochs })),
    ) as { rows: number; total_steps: number }[];
    cases.forEach((c, i) => {
      const ours = stepCounts(
        { steps: c.steps, epochs: c.epochs, microBatchSize: c.micro, gradientAccumulation: c.accumulation, packing: c.packing, maxLength: c.maxLength },
        { examples: c.examples, tokens: c.examples * c.length },
      );
      expect({ rows: ours.rows, total_steps: ours.totalSteps }, `case ${i}`).toEqual(runtime[i]);
    });
  });

  it('gives the plan the same count for the demo preset', () => {
    expect(planRun(inputs({ preset: 'quick', fixture: demoSmall })).totalSteps).toBe(30);
  });
});

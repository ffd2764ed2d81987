/**
 * Random overrides within the contract's ranges, on random models, datasets and machines:
 * planning never throws, its output is plain JSON, and its problems agree with the settings
 * (each rule's problem appears exactly when its condition holds). Plans without problems give
 * a run.json the real runtime accepts.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { LoraTarget, RunSettingsOverrides } from '../../../../src-main/contract/run-types';
import { planRun, runJsonFor, type PlanInputs } from '../../../../src-main/training/plan';
import { seededRandom as random } from '../../helpers/seeded-random';
import { bigGpuPython, cpuBox, cpuPython, cudaPython, demoSmall, demoTiny, gpuBox, largeSet, llama8b, mediumSet, qaSet, qwen05, unpreparedSet, bigGpuBox } from './plan-fixtures';

const TARGETS: LoraTarget[] = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'];

function randomOverrides(next: () => number): RunSettingsOverrides {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const maybe = <T>(make: () => T): T | undefined => (next() < 0.35 ? make() : undefined);
  const int = (low: number, high: number) => low + Math.floor(next() ** 3 * (high - low + 1));
  const overrides: RunSettingsOverrides = {
    lora: {
      rank: maybe(() => int(1, 1024)),
      alpha: maybe(() => 0.01 + next() * 100),
      dropout: maybe(() => next() * 0.9),
      rslora: maybe(() => next() < 0.5),
      targets: maybe(() => TARGETS.filter(() => next() < 0.5)),
    },
    optimizer: { lr: maybe(() => 10 ** (-6 + next() * 6)), weightDecay: maybe(() => next() * 10) },
    schedule: { kind: maybe(() => pick(['cosine', 'linear', 'constant'] as const)), warmupSteps: maybe(() => int(0, 1e7)) },
    steps: maybe(() => (next() < 0.2 ? null : int(1, 1e8))),
    epochs: maybe(() => (next() < 0.2 ? null : 0.01 + next() * 100)),
    microBatchSize: maybe(() => int(1, 4096)),
    gradientAccumulation: maybe(() => int(1, 4096)),
    maxGradNorm: maybe(() => (next() < 0.3 ? null : 0.01 + next() * 10)),
    maxLength: maybe(() => int(16, 1 << 20)),
    seed: maybe(() => int(0, 2 ** 31)),
    precision: maybe(() => pick(['auto', 'fp32', 'bf16', 'fp16'] as const)),
    gradientCheckpointing: maybe(() => next() < 0.5),
    packing: maybe(() => next() < 0.5),
    evalEvery: maybe(() => int(0, 1e8)),
    checkpointEvery: maybe(() => int(0, 1e8)),
    sampleEvery: maybe(() => int(0, 1e8)),
    device: maybe(() => pick(['auto', 'cpu', 'mps', 'cuda', 'cuda:0', 'cuda:1', 'cuda:7'])),
  };
  // Empty target lists are outside the contract (min 1).
  if (overrides.lora?.targets?.length === 0) overrides.lora.targets = undefined;
  return overrides;
}

function randomInputs(next: () => number): PlanInputs {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const fixture = pick([demoTiny, demoSmall, qwen05, llama8b]);
  const [hardware, python] = pick([
    [cpuBox, cpuPython],
    [gpuBox, cudaPython],
    [bigGpuBox, bigGpuPython],
    [cpuBox, { ...cpuPython, mps: true }],
  ] as const);
  return {
    preset: pick(['quick', 'balanced', 'thorough'] as const),
    overrides: randomOverrides(next),
    model: { entry: fixture.entry, header: next() < 0.9 ? fixture.header : null },
    dataset: pick([qaSet, mediumSet, largeSet, unpreparedSet, { ...qaSet, validationExamples: 0 }]),
    hardware,
    python,
    prepare: next() < 0.3 ? { overlong: 'drop', validationPercent: pick([0, 10]) } : undefined,
  };
}

const has = (list: string[], pattern: RegExp) => list.some((line) => pattern.test(line));

describe('planRun on random overrides', () => {
  const clean: ReturnType<typeof planRun>[] = [];

  it('never throws, gives plain JSON, and lists a problem exactly when its rule is broken', () => {
    const next = random(20261123);
    for (let i = 0; i < 1500; i++) {
      const inputs = randomInputs(next);
      const plan = planRun(inputs);
      const again = planRun(inputs);
      const where = `case ${i}: ${JSON.stringify(inputs.overrides)}`;
      expect(JSON.parse(JSON.stringify(plan)), where).toEqual(plan); // no NaN, Infinity or undefined
      expect(again, where).toEqual(plan);

      const s = plan.settings;
      const o = inputs.overrides;
      // Overrides land as given (the device is resolved).
      if (o.lora?.rank !== undefined) expect(s.lora.rank, where).toBe(o.lora.rank);
      if (o.microBatchSize !== undefined) expect(s.microBatchSize, where).toBe(o.microBatchSize);
      if (o.maxLength !== undefined) expect(s.maxLength, where).toBe(o.maxLength);
      expect(s.device, where).toMatch(/^(cpu|mps|cuda:\d+)$/);

      const facts = inputs.model.entry.facts!;
      const examples = inputs.dataset.examples;
      const onCuda = s.device.startsWith('cuda');
      expect(has(plan.problems, /larger than the model's hidden size/), where).toBe(s.lora.rank > facts.embeddingLength!);
      expect(has(plan.problems, /^Each step would take/), where).toBe(examples > 0 && s.microBatchSize * s.gradientAccumulation > examples);
      expect(has(plan.problems, /^fp16 needs a CUDA GPU/), where).toBe(s.precision === 'fp16' && !onCuda);
      expect(has(plan.problems, /^Packing is on/), where).toBe(
        s.packing && inputs.prepare?.overlong === 'drop' && inputs.dataset.longestTokens !== null && inputs.dataset.longestTokens > s.maxLength,
      );
      expect(plan.memory.totalBytes, where).toBeGreaterThan(0);
      expect(plan.totalSteps, where).toBe(s.steps ?? plan.totalSteps);
      if (plan.problems.length === 0) clean.push(plan);
    }
    expect(clean.length).toBeGreaterThan(50);
  });

  it('gives a run.json the runtime accepts whenever there are no problems', () => {
    const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
    const files = clean.slice(0, 80).map((plan) => runJsonFor(plan.settings, { baseModel: '/m.gguf', data: '/d', outputDir: '/o' }));
    const script = `
import json, sys
from lathe_runtime.train.config import load_run_config
from lathe_runtime.train.errors import ConfigError
bad = []
for i, raw in enumerate(json.load(sys.stdin)):
    try:
        load_run_config(raw)
    except ConfigError as error:
        bad.append([i, str(error)])
print(json.dumps(bad))
`;
    const out = execFileSync(process.env.LATHE_PYTHON || '/usr/bin/python3', ['-c', script], {
      input: JSON.stringify(files),
      encoding: 'utf8',
      env: { ...process.env, PYTHONPATH: join(repoRoot, 'python-runtime') },
      timeout: 60_000,
    });
    expect(JSON.parse(out)).toEqual([]);
  });
});

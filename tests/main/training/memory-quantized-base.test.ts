/**
 * A quantized base in low-memory mode (`baseWeights: 'quantized'`): the estimate's weights
 * part, the suggestion that offers the mode, the preset that picks it when memory is tight,
 * and the plan's warning when the base has nothing to keep quantized.
 */
import { describe, expect, it } from 'vitest';
import {
  estimateTrainingMemory,
  parameterCountFromShape,
  type MemoryDevice,
  type MemoryModel,
  type MemoryRunConfig,
  type ModelShape,
} from '../../../src-main/training/memory-estimate';
import { planRun } from '../../../src-main/training/plan';
import { GiB, bigGpuBox, bigGpuPython, inputs, llama8b, mediumSet, type ModelFixture } from './plan/plan-fixtures';

/** Shaped like Llama-3.1-8B, stored as Q4_K (144 bytes per 256 values) in every projection. */
const shape: ModelShape = {
  vocabSize: 128_256,
  embeddingDim: 4096,
  blockCount: 32,
  headCount: 32,
  headCountKv: 8,
  headDim: 128,
  ffnDim: 14_336,
  tiedOutput: false,
};
const projections = 32 * (4096 * 4096 * 2 + 4096 * 1024 * 2 + 3 * 4096 * 14_336) + 128_256 * 4096;
const quantized = { parameters: projections, bytes: (projections / 256) * 144, largestParameters: 128_256 * 4096 };
const q4k8b: MemoryModel = { parameterCount: parameterCountFromShape(shape), shape, quantized };

function config(overrides: Partial<MemoryRunConfig> = {}): MemoryRunConfig {
  return {
    microBatchSize: 1,
    maxLength: 1024,
    gradientCheckpointing: true,
    precision: 'bf16',
    lora: { rank: 16, targets: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] },
    optimizer: 'adamw',
    ...overrides,
  };
}
const gpu16: MemoryDevice = { kind: 'cuda', totalBytes: 16 * GiB };

describe('estimateTrainingMemory with a quantized base', () => {
  it('counts the projections at their stored size, the rest in the compute dtype, plus one expanded layer', () => {
    const full = estimateTrainingMemory(q4k8b, config(), gpu16);
    const low = estimateTrainingMemory(q4k8b, config({ baseWeights: 'quantized' }), gpu16);
    expect(full.parts.weights.bytes).toBe(q4k8b.parameterCount * 2);
    const others = (q4k8b.parameterCount - projections) * 2; // the embedding and the norms, in bf16
    // The largest layer (the output head) in bf16, plus codes and scales of one 2^24-value piece.
    const expanded = quantized.largestParameters * 2 + 2 ** 24 * 4 * 4;
    expect(low.parts.weights.bytes).toBe(quantized.bytes + others + expanded);
    expect(low.parts.weights.bytes / GiB).toBeCloseTo(6.14, 2); // against 15 GiB dequantized
    expect(low.parts.weights.explanation).toBe('low-memory base: 7.50B projection weights kept as stored (4.5 bits each), the other 526M in bf16, and one layer expanded at a time');
    // Everything else is the same run.
    expect(low.parts.activations.bytes).toBe(full.parts.activations.bytes);
    expect(full.fits).toBe('no');
    expect(low.fits).toBe('yes');
  });

  it('changes nothing for a float base, or without a quantized part', () => {
    const float: MemoryModel = { parameterCount: q4k8b.parameterCount, shape };
    const plain = estimateTrainingMemory(float, config(), gpu16).parts.weights.bytes;
    expect(estimateTrainingMemory(float, config({ baseWeights: 'quantized' }), gpu16).parts.weights.bytes).toBe(plain);
    expect(estimateTrainingMemory({ ...float, quantized: null }, config({ baseWeights: 'quantized' }), gpu16).parts.weights.bytes).toBe(plain);
  });

  it('suggests the low-memory mode first when the dequantized base is what does not fit', () => {
    const estimate = estimateTrainingMemory(q4k8b, config(), gpu16);
    const first = estimate.changes[0];
    expect(first?.change).toEqual({ baseWeights: 'quantized' });
    expect(first?.fitsAfter).toBe('yes');
    expect(estimate.suggestions[0]).toMatch(/^Keep the quantized base in its blocks, the low-memory mode \(saves 8\.\d GiB; steps are slower/);
    // Not offered once chosen, nor for a float base.
    expect(estimateTrainingMemory(q4k8b, config({ baseWeights: 'quantized', maxLength: 200_000 }), gpu16).changes.some((c) => c.change.baseWeights)).toBe(false);
    expect(estimateTrainingMemory({ parameterCount: q4k8b.parameterCount, shape }, config(), gpu16).changes.some((c) => c.change.baseWeights)).toBe(false);
  });
});

/** The 8B fixture as a Q4_K_M file: facts and header as the models service and readShapeHeader give them. */
const llama8bQ4: ModelFixture = {
  entry: { ...llama8b.entry, facts: { ...llama8b.entry.facts!, fileType: 'MOSTLY_Q4_K_M', tensorTypes: { Q4_K: 193, Q6_K: 33, F32: 65 } } },
  header: { ...llama8b.header, quantizedProjections: quantized },
};

function gpuBoxWith(totalMb: number) {
  return { ...bigGpuBox, gpus: [{ ...bigGpuBox.gpus[0]!, memoryTotalMb: totalMb, memoryUsedMb: 0 }] };
}

describe('planning a quantized base', () => {
  it('picks the low-memory mode when the dequantized base does not fit the GPU, and says why', () => {
    const plan = planRun(inputs({ fixture: llama8bQ4, dataset: mediumSet, preset: 'balanced', hardware: gpuBoxWith(16_384), python: bigGpuPython }));
    expect(plan.settings.baseWeights).toBe('quantized');
    expect(plan.memory.fits).toBe('yes');
    expect(plan.presetReasons.join(' ')).toContain('the quantized base stays in its blocks (low-memory mode: slower steps, far less memory)');
    expect(plan.problems).toEqual([]);
  });

  it('keeps the faster dequantized base where it fits, and follows the person when they choose', () => {
    const roomy = inputs({ fixture: llama8bQ4, dataset: mediumSet, preset: 'balanced', hardware: bigGpuBox, python: bigGpuPython });
    expect(planRun(roomy).settings.baseWeights).toBe('dequantize');
    expect(planRun({ ...roomy, overrides: { baseWeights: 'quantized' } }).settings.baseWeights).toBe('quantized');
    // A float base never gets it from the preset.
    const float = planRun(inputs({ fixture: llama8b, dataset: mediumSet, preset: 'balanced', hardware: gpuBoxWith(16_384), python: bigGpuPython }));
    expect(float.settings.baseWeights).toBe('dequantize');
  });

  it('warns when the low-memory mode is chosen for a base with no quantized blocks', () => {
    const plan = planRun(inputs({ overrides: { baseWeights: 'quantized' } }));
    expect(plan.warnings).toContain('The low-memory base has nothing to keep quantized: this model stores its tensors as F16, so it is dequantized as usual.');
    expect(planRun(inputs({ overrides: { baseWeights: 'q4' as never } })).problems.join(' ')).toMatch(/Low-memory base/);
  });
});

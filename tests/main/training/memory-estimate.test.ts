import { describe, expect, it } from 'vitest';
import { LatheError } from '../../../src-main/contract/errors';
import {
  COMFORTABLE_SHARE,
  estimateTrainingMemory,
  parameterCountFromShape,
  shapeFromFacts,
  suggestMemoryChanges,
  type MemoryDevice,
  type MemoryModel,
  type MemoryRunConfig,
  type ModelShape,
} from '../../../src-main/training/memory-estimate';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const ALL_TARGETS = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const;

/** The demo `llama` small model (`make-model --size small`): 128 dims × 4 blocks, 259-token vocabulary. */
const demoLlamaShape: ModelShape = {
  vocabSize: 259,
  embeddingDim: 128,
  blockCount: 4,
  headCount: 4,
  headCountKv: 4,
  headDim: 32,
  ffnDim: 512,
  tiedOutput: false,
};
const demoLlama: MemoryModel = { parameterCount: 1_116_032, shape: demoLlamaShape };

/** Shaped like Qwen2.5-0.5B (config.json of the release): GQA 14/2 heads, tied output, 151,936 tokens. */
const qwen05Shape: ModelShape = {
  vocabSize: 151_936,
  embeddingDim: 896,
  blockCount: 24,
  headCount: 14,
  headCountKv: 2,
  headDim: 64,
  ffnDim: 4864,
  tiedOutput: true,
};
const qwen05: MemoryModel = { parameterCount: parameterCountFromShape(qwen05Shape, { qkvBias: true }), shape: qwen05Shape };

/** Shaped like Llama-3.2-1B: 32/8 heads, tied output, 128,256 tokens. */
const llama1bShape: ModelShape = {
  vocabSize: 128_256,
  embeddingDim: 2048,
  blockCount: 16,
  headCount: 32,
  headCountKv: 8,
  headDim: 64,
  ffnDim: 8192,
  tiedOutput: true,
};
const llama1b: MemoryModel = { parameterCount: parameterCountFromShape(llama1bShape), shape: llama1bShape };

function config(overrides: Partial<MemoryRunConfig> = {}): MemoryRunConfig {
  return {
    microBatchSize: 4,
    maxLength: 1024,
    gradientCheckpointing: false,
    precision: 'bf16',
    lora: { rank: 16, targets: ALL_TARGETS },
    optimizer: 'adamw',
    ...overrides,
  };
}

const cpu: MemoryDevice = { kind: 'cpu', totalBytes: 64 * GiB };
const gpu24: MemoryDevice = { kind: 'cuda', totalBytes: 24 * GiB };

describe('estimateTrainingMemory: each part by hand', () => {
  it('matches hand-computed bytes for the demo llama, fp32, 4 × 512 tokens on CPU', () => {
    const estimate = estimateTrainingMemory(
      demoLlama,
      config({ microBatchSize: 4, maxLength: 512, precision: 'fp32', lora: { rank: 8, targets: ALL_TARGETS } }),
      cpu,
    );
    const N = 4 * 512; // tokens in the micro-batch
    // Weights: every parameter dequantized to fp32.
    expect(estimate.parts.weights.bytes).toBe(1_116_032 * 4);
    // LoRA: rank 8 × (in + out) per target per block: q 128+128, k 128+128, v 128+128, o 128+128,
    // gate 128+512, up 128+512, down 512+128 = 2,944 → 8 × 2,944 × 4 blocks = 94,208 parameters
    // (what the runtime's start event reports as trainable for this model).
    const adapterParameters = 94_208;
    expect(estimate.parts.adapter.bytes).toBe(adapterParameters * 4);
    expect(estimate.parts.gradients.bytes).toBe(adapterParameters * 4);
    expect(estimate.parts.optimizer.bytes).toBe(adapterParameters * 8);
    // One block keeps, per token (fp32, math attention):
    //   attn norm: x and x² (4·128 each) + rsqrt 4 = 1,028; q/k/v LoRA: their shared input 512
    //   + three rank-8 middles 96; q, k, v for attention 3·4·128 = 1,536;
    //   o LoRA input 512 + middle 32; ffn norm 1,028; gate/up LoRA input 512; down LoRA input
    //   4·512 = 2,048; their middles 96; gate, silu(gate), up 3·4·512 = 6,144.
    const beforeAndAttention = 1_028 + 512 + 96 + 1_536;
    const afterAttentionPerToken = 512 + 32 + 1_028 + 512 + 2_048 + 96 + 6_144;
    const scores = N * 4 * 512 * 4; // B·T rows × 4 heads × T keys × fp32
    const mask = 512 * 512; // bool T×T per block
    const block = N * (beforeAndAttention + afterAttentionPerToken) + scores + mask;
    const shared = 2 * N * 16 * 4 + N * (2 * 4 * 128 + 4); // rope cos/sin + output norm
    const working = 2 * scores - N * afterAttentionPerToken; // dP and dS once the MLP has freed its share
    // Loss: fp32 log-probabilities, their gradient and the logits' gradient, 4 bytes each.
    const logits = 3 * 4 * N * 259;
    expect(estimate.parts.logits.bytes).toBe(logits);
    // A block's backward runs after the loss has freed its memory: only the excess adds up.
    expect(estimate.parts.activations.bytes).toBe(4 * block + shared + (working - logits));
    expect(estimate.parts.activations.bytes).toBe(187_424_768);
    // The process with torch, plus glibc's heap slack: the activations of a step without checkpointing.
    expect(estimate.parts.workspace.bytes).toBe(256 * MiB + 187_424_768);
    const sum = Object.values(estimate.parts).reduce((total, part) => total + part.bytes, 0);
    expect(estimate.totalBytes).toBe(sum);
  });

  it('gives every part a one-line explanation', () => {
    const estimate = estimateTrainingMemory(qwen05, config(), gpu24);
    for (const part of Object.values(estimate.parts)) {
      expect(part.explanation.length).toBeGreaterThan(20);
      expect(part.explanation).not.toContain('\n');
    }
    expect(estimate.parts.weights.explanation).toContain('bf16');
    expect(estimate.parts.logits.explanation).toContain('151,936');
  });
});

describe('estimateTrainingMemory: how settings move it', () => {
  it('grows strictly with the micro batch size and the max length', () => {
    for (const device of [cpu, gpu24]) {
      let previous = 0;
      for (const microBatchSize of [1, 2, 3, 4, 8, 16]) {
        const total = estimateTrainingMemory(qwen05, config({ microBatchSize }), device).totalBytes;
        expect(total).toBeGreaterThan(previous);
        previous = total;
      }
      previous = 0;
      for (const maxLength of [64, 128, 256, 512, 1024, 2048, 4096]) {
        const total = estimateTrainingMemory(qwen05, config({ maxLength }), device).totalBytes;
        expect(total).toBeGreaterThan(previous);
        previous = total;
      }
    }
  });

  it('lowers activations with gradient checkpointing, and reports both either way', () => {
    const off = estimateTrainingMemory(qwen05, config({ gradientCheckpointing: false }), gpu24);
    const on = estimateTrainingMemory(qwen05, config({ gradientCheckpointing: true }), gpu24);
    expect(on.parts.activations.bytes).toBeLessThan(off.parts.activations.bytes / 5);
    expect(off.parts.activations.bytes).toBe(off.activationsWithoutCheckpointing);
    expect(on.parts.activations.bytes).toBe(on.activationsWithCheckpointing);
    expect(on.activationsWithoutCheckpointing).toBe(off.activationsWithoutCheckpointing);
    expect(off.activationsWithCheckpointing).toBe(on.activationsWithCheckpointing);
    // Only activations (and the CUDA allocator slack that scales with them) change.
    expect(on.parts.weights.bytes).toBe(off.parts.weights.bytes);
    expect(on.parts.logits.bytes).toBe(off.parts.logits.bytes);
    expect(on.parts.workspace.bytes).toBeLessThan(off.parts.workspace.bytes);
    // On CPU glibc's heap slack tracks the activations without checkpointing either way (measured).
    const cpuOff = estimateTrainingMemory(qwen05, config({ gradientCheckpointing: false }), cpu);
    const cpuOn = estimateTrainingMemory(qwen05, config({ gradientCheckpointing: true }), cpu);
    expect(cpuOn.parts.workspace.bytes).toBe(cpuOff.parts.workspace.bytes);
    expect(cpuOn.totalBytes).toBeLessThan(cpuOff.totalBytes);
  });

  it('needs more in fp32 than in bf16: twice the weights, more activations', () => {
    const fp32 = estimateTrainingMemory(llama1b, config({ precision: 'fp32' }), gpu24);
    const bf16 = estimateTrainingMemory(llama1b, config({ precision: 'bf16' }), gpu24);
    expect(fp32.parts.weights.bytes).toBe(2 * bf16.parts.weights.bytes);
    expect(fp32.parts.activations.bytes).toBeGreaterThan(bf16.parts.activations.bytes);
    expect(fp32.totalBytes).toBeGreaterThan(bf16.totalBytes);
    // The adapter stays fp32; bf16 adds autocast's half copies of it.
    expect(bf16.parts.adapter.bytes).toBe(fp32.parts.adapter.bytes * 1.5);
    expect(fp32.parts.logits.bytes).toBe(bf16.parts.logits.bytes);
  });

  it('counts an untied output matrix once more in the weights, and nowhere else', () => {
    const untiedShape: ModelShape = { ...llama1bShape, tiedOutput: false };
    expect(parameterCountFromShape(untiedShape) - parameterCountFromShape(llama1bShape)).toBe(128_256 * 2048);
    const untied = estimateTrainingMemory({ parameterCount: parameterCountFromShape(untiedShape), shape: untiedShape }, config(), gpu24);
    const tied = estimateTrainingMemory(llama1b, config(), gpu24);
    expect(untied.parts.weights.bytes - tied.parts.weights.bytes).toBe(128_256 * 2048 * 2);
    expect(untied.parts.activations.bytes).toBe(tied.parts.activations.bytes);
    expect(untied.parts.logits.bytes).toBe(tied.parts.logits.bytes);
  });

  it('keeps T×T scores only with math attention', () => {
    const growth = (device: MemoryDevice): number =>
      estimateTrainingMemory(qwen05, config({ maxLength: 4096 }), device).parts.activations.bytes /
      estimateTrainingMemory(qwen05, config({ maxLength: 2048 }), device).parts.activations.bytes;
    expect(growth({ ...gpu24, attention: 'fused' })).toBeCloseTo(2, 5); // linear in T
    expect(growth({ ...gpu24, attention: 'math' })).toBeGreaterThan(2.5); // the scores grow with T²
    // Defaults: fused on CUDA, math on CPU (Debian's torch 1.13 has no SDPA).
    const onCpu = estimateTrainingMemory(qwen05, config(), cpu).parts.activations.explanation;
    expect(onCpu).toContain('math attention');
    expect(estimateTrainingMemory(qwen05, config(), gpu24).parts.activations.explanation).toContain('fused attention');
  });

  it('adds adapter memory with the rank and the targets', () => {
    const attentionOnly = estimateTrainingMemory(qwen05, config({ lora: { rank: 16, targets: ['q', 'k', 'v', 'o'] } }), gpu24);
    const all = estimateTrainingMemory(qwen05, config(), gpu24);
    const rank64 = estimateTrainingMemory(qwen05, config({ lora: { rank: 64, targets: ALL_TARGETS } }), gpu24);
    expect(attentionOnly.parts.adapter.bytes).toBeLessThan(all.parts.adapter.bytes);
    expect(attentionOnly.parts.activations.bytes).toBeLessThan(all.parts.activations.bytes);
    expect(rank64.parts.optimizer.bytes).toBe(4 * all.parts.optimizer.bytes);
  });
});

describe('estimateTrainingMemory: known models', () => {
  it('counts the parameters of the released models from their shapes', () => {
    expect(parameterCountFromShape(qwen05Shape, { qkvBias: true })).toBe(494_032_768);
    expect(parameterCountFromShape(llama1bShape)).toBe(1_235_814_400);
  });

  it('puts Qwen2.5-0.5B bf16 LoRA, 4 × 1024 tokens with checkpointing, at a few GiB plus its big-vocabulary loss', () => {
    const estimate = estimateTrainingMemory(qwen05, config({ gradientCheckpointing: true }), gpu24);
    expect(estimate.parts.weights.bytes / GiB).toBeCloseTo(0.92, 2); // 494M × 2 bytes
    // 24 block inputs of 4,096 × 896 bf16 values (168 MiB) and the shared tables; the block
    // recomputed in the backward pass fits in what the loss has freed by then.
    const blockInputs = 24 * 4096 * 896 * 2;
    expect(estimate.parts.activations.bytes).toBeGreaterThan(blockInputs);
    expect(estimate.parts.activations.bytes).toBeLessThan(blockInputs + 64 * MiB);
    // 4,096 positions × 151,936 tokens × 12 bytes: the biggest part by far.
    expect(estimate.parts.logits.bytes).toBe(12 * 4096 * 151_936);
    expect(estimate.totalBytes / GiB).toBeGreaterThan(8);
    expect(estimate.totalBytes / GiB).toBeLessThan(12);
    expect(estimate.fits).toBe('yes');
    expect(estimate.suggestions).toEqual([]);
  });
});

describe('estimateTrainingMemory: against the real runtime', () => {
  // Measured on Debian's torch 1.13 CPU (docs/memory-estimate.md, "Peaks measured on CPU"):
  // `step` is the tensor memory of a training step (resident memory with every tensor in its
  // own mapping, minus the loaded model); `peak` is the whole process's peak resident memory
  // with glibc's default malloc, as the runtime runs today. MiB; rank 8 on all targets.
  const synthetic: ModelShape = {
    vocabSize: 32_000,
    embeddingDim: 512,
    blockCount: 8,
    headCount: 8,
    headCountKv: 2,
    headDim: 64,
    ffnDim: 1408,
    tiedOutput: true,
  };
  const points = [
    { shape: demoLlamaShape, B: 4, T: 1024, precision: 'fp32', ckpt: false, step: 575.6, peak: 1177.7 },
    { shape: demoLlamaShape, B: 4, T: 1024, precision: 'bf16', ckpt: true, step: 125.4, peak: 617.3 },
    { shape: synthetic, B: 2, T: 1024, precision: 'fp32', ckpt: false, step: 1969.3, peak: 3071.7 },
    { shape: synthetic, B: 2, T: 1024, precision: 'fp32', ckpt: true, step: 813.3, peak: 2418.5 },
    { shape: synthetic, B: 2, T: 1024, precision: 'bf16', ckpt: false, step: 1484.7, peak: null },
  ] as const;

  it('estimates the tensor memory of a step within 10% and the process peak within 20%', () => {
    for (const point of points) {
      const model = { parameterCount: parameterCountFromShape(point.shape), shape: point.shape };
      const settings = config({
        microBatchSize: point.B,
        maxLength: point.T,
        precision: point.precision,
        gradientCheckpointing: point.ckpt,
        lora: { rank: 8, targets: ALL_TARGETS },
      });
      const { parts, totalBytes } = estimateTrainingMemory(model, settings, cpu);
      // What a step adds to the loaded model: the optimizer's moments appear at the first step,
      // and autocast's adapter copies (a third of the bf16 adapter part) during it.
      const autocastCopies = point.precision === 'fp32' ? 0 : parts.adapter.bytes / 3;
      const step = parts.activations.bytes + parts.logits.bytes + parts.gradients.bytes + parts.optimizer.bytes + autocastCopies;
      expect(step / (point.step * MiB)).toBeGreaterThan(0.9);
      expect(step / (point.step * MiB)).toBeLessThan(1.05);
      if (point.peak !== null) {
        expect(totalBytes / (point.peak * MiB)).toBeGreaterThan(0.95);
        expect(totalBytes / (point.peak * MiB)).toBeLessThan(1.2);
      }
    }
  });
});

describe('estimateTrainingMemory: verdict', () => {
  const settings = config({ gradientCheckpointing: true });
  const total = estimateTrainingMemory(qwen05, settings, gpu24).totalBytes;
  const verdictWith = (budget: number, device: Partial<MemoryDevice> = {}) =>
    estimateTrainingMemory(qwen05, settings, { kind: 'cuda', totalBytes: budget, ...device });

  it('says yes up to 85% of the budget, tight up to all of it, no beyond', () => {
    expect(COMFORTABLE_SHARE).toBe(0.85);
    expect(verdictWith(total / 0.85).fits).toBe('yes');
    expect(verdictWith(total / 0.85 - 1024).fits).toBe('tight');
    expect(verdictWith(total).fits).toBe('tight');
    expect(verdictWith(total - 1).fits).toBe('no');
  });

  it('judges against the free memory when it is known, and reports the headroom', () => {
    const roomy = verdictWith(2 * total);
    expect(roomy.fits).toBe('yes');
    expect(roomy.headroomBytes).toBe(total);
    const busy = verdictWith(2 * total, { freeBytes: total / 2 });
    expect(busy.fits).toBe('no');
    expect(busy.headroomBytes).toBe(-total / 2);
  });
});

describe('suggestions', () => {
  const tooBig = config({ microBatchSize: 8, maxLength: 2048, precision: 'fp32' });
  const small = { kind: 'cuda', totalBytes: 12 * GiB } as const;

  it('are none when the run fits comfortably', () => {
    expect(suggestMemoryChanges(qwen05, config({ gradientCheckpointing: true }), gpu24).length).toBeGreaterThan(0);
    expect(estimateTrainingMemory(qwen05, config({ gradientCheckpointing: true }), gpu24).suggestions).toEqual([]);
  });

  it('are ordered by saving, and each one lowers the estimate by what it says', () => {
    const estimate = estimateTrainingMemory(qwen05, tooBig, small);
    expect(estimate.fits).toBe('no');
    const changes = suggestMemoryChanges(qwen05, tooBig, small);
    expect(changes.map((change) => Object.keys(change.change)[0]).sort()).toEqual(
      ['gradientCheckpointing', 'maxLength', 'microBatchSize', 'precision'].sort(),
    );
    for (let i = 1; i < changes.length; i++) {
      expect(changes[i - 1]?.savedBytes).toBeGreaterThanOrEqual(changes[i]?.savedBytes ?? Infinity);
    }
    for (const change of changes) {
      const after = estimateTrainingMemory(qwen05, { ...tooBig, ...change.change }, small).totalBytes;
      expect(after).toBeLessThan(estimate.totalBytes);
      expect(estimate.totalBytes - after).toBeCloseTo(change.savedBytes, 0);
    }
    expect(estimate.suggestions.slice(0, changes.length)).toEqual(changes.map((change) => change.text));
    expect(estimate.changes).toEqual(changes);
  });

  it('name concrete values: halved batch and length that fit, checkpointing, bf16', () => {
    const settings = config({ microBatchSize: 4, maxLength: 2048, precision: 'fp32' });
    const device: MemoryDevice = { kind: 'cuda', totalBytes: 24 * GiB };
    const texts = estimateTrainingMemory(llama1b, settings, device).suggestions.join('\n');
    expect(texts).toMatch(/Turn on gradient checkpointing \(saves \d+(\.\d)? GiB/);
    expect(texts).toMatch(/micro batch size to [12] \(saves/);
    expect(texts).toMatch(/Shorten max length to (1024|512|256|128) \(saves/);
    expect(texts).toMatch(/Use bf16 \(saves/);
    for (const change of suggestMemoryChanges(llama1b, settings, device)) {
      if (change.change.microBatchSize !== undefined) expect(change.change.microBatchSize).toBeLessThan(4);
      if (change.change.maxLength !== undefined) expect(change.change.maxLength).toBeLessThan(2048);
    }
  });

  it('end with what all changes together give when none is enough alone', () => {
    const tiny: MemoryDevice = { kind: 'cuda', totalBytes: 1 * GiB };
    const estimate = estimateTrainingMemory(llama1b, config(), tiny);
    expect(estimate.fits).toBe('no');
    expect(estimate.suggestions.at(-1)).toMatch(/^Even all of them together need .* choose a smaller model/);
  });

  it('never offer checkpointing when it is already on, nor bf16 when already there', () => {
    const settings = config({ gradientCheckpointing: true, precision: 'bf16', microBatchSize: 16, maxLength: 4096 });
    const changes = suggestMemoryChanges(qwen05, settings, small);
    expect(changes.some((change) => change.change.gradientCheckpointing !== undefined)).toBe(false);
    expect(changes.some((change) => change.change.precision !== undefined)).toBe(false);
  });
});

describe('shapeFromFacts', () => {
  const facts = { displayName: 'Demo', embeddingLength: 896, blockCount: 24, vocabSize: 151_936 };

  it('takes the head counts and ffn width from the header, with llama.cpp defaults', () => {
    expect(shapeFromFacts(facts, { headCount: 14, headCountKv: 2, ffnDim: 4864, tiedOutput: true })).toEqual(qwen05Shape);
    const plain = shapeFromFacts(facts, { headCount: 14, ffnDim: 4864, tiedOutput: false });
    expect(plain.headCountKv).toBe(14);
    expect(plain.headDim).toBe(64);
    expect(shapeFromFacts(facts, { headCount: 14, headDim: 128, ffnDim: 4864, tiedOutput: true }).headDim).toBe(128);
  });

  it('names every missing or impossible value at once', () => {
    const attempt = () =>
      shapeFromFacts({ ...facts, embeddingLength: null, vocabSize: null }, { headCount: 6, headCountKv: 4, ffnDim: 0, tiedOutput: true });
    expect(attempt).toThrow(LatheError);
    expect(attempt).toThrow(/embedding length is unknown.*vocabulary size is unknown.*feed-forward length is 0.*not a multiple/);
  });
});

describe('estimateTrainingMemory: bad input', () => {
  it('refuses impossible settings with every problem named', () => {
    const attempt = () =>
      estimateTrainingMemory(qwen05, config({ microBatchSize: 0, maxLength: 1.5, lora: { rank: 8, targets: [] } }), {
        kind: 'cuda',
        totalBytes: 0,
      });
    expect(attempt).toThrow(LatheError);
    expect(attempt).toThrow(/micro batch size is 0.*max length is 1.5.*no LoRA targets.*memory is 0 bytes/);
  });
});

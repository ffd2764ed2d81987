/** Run entries and details for the renderer's tests, with any field overridden. */
import type { RunDetail, RunEntry, RunSettings } from '../../../src-main/contract';

export function runSettings(overrides: Partial<RunSettings> = {}): RunSettings {
  return {
    lora: { rank: 8, alpha: 16, dropout: 0, rslora: false, targets: ['q', 'k', 'v', 'o'] },
    optimizer: { lr: 3e-3, weightDecay: 0 },
    schedule: { kind: 'cosine', warmupSteps: 5 },
    steps: 60,
    epochs: null,
    microBatchSize: 8,
    gradientAccumulation: 1,
    maxGradNorm: 1,
    maxLength: 256,
    seed: 0,
    precision: 'auto',
    gradientCheckpointing: false,
    packing: false,
    baseWeights: 'dequantize',
    evalEvery: 10,
    checkpointEvery: 20,
    sampleEvery: 0,
    device: 'auto',
    ...overrides,
  };
}

export function runEntry(id: string, overrides: Partial<RunEntry> = {}): RunEntry {
  return {
    id,
    name: `run ${id}`,
    modelId: 'm1',
    modelName: 'demo-llama',
    datasetId: 'd1',
    datasetName: 'sample-qa',
    preset: 'quick',
    settings: runSettings(),
    status: 'running',
    queuePosition: null,
    step: 0,
    totalSteps: 60,
    trainLoss: null,
    valLoss: null,
    activeSeconds: 0,
    etaSeconds: null,
    createdAt: 1_700_000_000_000,
    startedAt: 1_700_000_001_000,
    endedAt: null,
    error: null,
    dir: `/data/runs/${id}`,
    adapterPath: null,
    lastCheckpoint: null,
    resumable: false,
    memory: { estimatedBytes: null, measuredPeakBytes: null, device: null },
    ...overrides,
  };
}

/** A detail whose train metrics are steps 1..steps with loss 10/step. */
export function runDetail(id: string, steps: number, overrides: Partial<RunEntry> = {}): RunDetail {
  const step = Array.from({ length: steps }, (_, i) => i + 1);
  return {
    run: runEntry(id, { step: steps, ...overrides }),
    metrics: {
      train: {
        step,
        time: step.map((s) => s * 0.5),
        loss: step.map((s) => 10 / s),
        lr: step.map(() => 1e-3),
        gradNorm: step.map(() => null),
        tokensPerSecond: step.map(() => 1000),
        memoryBytes: step.map(() => 1 << 20),
      },
      eval: { step: [], valLoss: [] },
    },
    samples: [],
    logTail: ['loaded'],
  };
}

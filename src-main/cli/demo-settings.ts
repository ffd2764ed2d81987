/**
 * The settings `lathe demo` trains with, shared with the Playground's end-to-end test: they
 * make the small demo model memorize every answer of the bundled sample set (measured: 24 of
 * 24 from step 120 on; rank 8 at lr 3e-3 recalled only 9 of 24 after 120 steps).
 */
import type { RunSettingsOverrides } from '../contract';

/** All `examples` in every step, so each step sees every answer. */
export function memorizingSettings(examples: number, steps: number): RunSettingsOverrides {
  return {
    lora: { rank: 16, alpha: 32, dropout: 0, targets: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] },
    optimizer: { lr: 5e-3, weightDecay: 0 },
    schedule: { kind: 'cosine', warmupSteps: 0 },
    steps,
    microBatchSize: examples,
    gradientAccumulation: 1,
    maxGradNorm: 1,
    seed: 0,
    precision: 'fp32',
    packing: false,
    evalEvery: 0,
    checkpointEvery: 0,
    sampleEvery: 0,
  };
}

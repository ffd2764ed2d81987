/**
 * How many optimizer steps a run takes, computed as the runtime computes it
 * (python-runtime/lathe_runtime/train/batching.py: `plan_rows`, `EpochSampler`, `StepPlan`):
 *
 *     rows              = examples, or the packed rows when packing
 *     batches per epoch = ceil(rows / micro batch)        (the last micro-batch may be short)
 *     steps given       → steps
 *     else              → ceil(max(1, ceil(epochs × batches per epoch)) / accumulation), epochs default 1
 *
 * Packed rows depend on every example's length and a seeded shuffle, which only the runtime
 * sees; here they are estimated from the mean length (exact when all examples are equally long).
 */
import type { RunSettings } from '../../contract/run-types';

export interface StepCounts {
  rows: number;
  batchesPerEpoch: number;
  totalSteps: number;
  /** Passes over the training rows the run makes. */
  epochs: number;
}

export function stepCounts(
  settings: Pick<RunSettings, 'steps' | 'epochs' | 'microBatchSize' | 'gradientAccumulation' | 'packing' | 'maxLength'>,
  dataset: { examples: number; tokens: number },
): StepCounts {
  const rows = trainingRows(dataset, settings.packing, settings.maxLength);
  const micro = Math.max(1, Math.floor(settings.microBatchSize) || 1);
  const accumulation = Math.max(1, Math.floor(settings.gradientAccumulation) || 1);
  const batchesPerEpoch = Math.ceil(rows / micro);
  let totalSteps: number;
  if (rows === 0) {
    totalSteps = 0; // the runtime refuses a split with nothing in it
  } else if (settings.steps !== null) {
    totalSteps = Math.max(0, Math.floor(settings.steps));
  } else {
    const epochs = settings.epochs ?? 1;
    const microBatches = Math.max(1, Math.ceil(epochs * batchesPerEpoch));
    totalSteps = Math.ceil(microBatches / accumulation);
  }
  if (!Number.isFinite(totalSteps)) totalSteps = 0;
  // With epochs the runtime stops after exactly that many passes (the last micro-batch of each
  // may be short); with steps every step takes full micro-batches.
  const epochs = settings.steps === null ? (settings.epochs ?? 1) : rows > 0 ? (totalSteps * accumulation * micro) / rows : 0;
  return { rows, batchesPerEpoch, totalSteps, epochs };
}

/** The rows one epoch visits: one per example, or examples packed next to each other up to maxLength. */
export function trainingRows(dataset: { examples: number; tokens: number }, packing: boolean, maxLength: number): number {
  const examples = Math.max(0, Math.floor(dataset.examples));
  if (!packing || examples === 0) return examples;
  const meanLength = Math.min(Math.max(1, dataset.tokens / examples), maxLength);
  const perRow = Math.max(1, Math.floor(maxLength / meanLength));
  return Math.ceil(examples / perRow);
}

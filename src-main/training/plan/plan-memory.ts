/**
 * The memory-fit estimate of a planned run (docs/memory-estimate.md), made safe to show in any
 * state: planning never throws, so an estimate that cannot be made becomes an "unavailable"
 * estimate whose parts say why, and the plan's warnings say it too.
 */
import type { ModelFacts } from '../../contract/model-types';
import type { RunSettings } from '../../contract/run-types';
import { estimateTrainingMemory } from '../memory-estimate';
import { shapeFromFacts, type ShapeFromHeader } from '../memory-model-shape';
import type { MemoryDevice, MemoryEstimate, MemoryModel, MemoryPartName, MemoryRunConfig, ModelShape } from '../../contract/memory-types';
import { estimatePrecision } from './plan-device';

/** The head size most decoders use; the guess when the header's head count is not known. */
const COMMON_HEAD_DIM = 64;

export interface PlanMemoryModel {
  model: MemoryModel;
  /** Set when the shape was guessed from the facts alone: the estimate is then approximate. */
  approximate: string | null;
}

/**
 * The estimator's view of the model: the exact shape from the header when it was read, else a
 * shape guessed from the facts (heads of 64, the feed-forward width that makes the parameter
 * count add up), so a person still sees an estimate of the right size. Null when even the
 * facts lack the widths.
 */
export function memoryModelFor(facts: ModelFacts | null, header: ShapeFromHeader | null): PlanMemoryModel | null {
  if (facts === null) return null;
  if (header !== null) {
    const quantized = header.quantizedProjections ?? null;
    try {
      return { model: { parameterCount: facts.parameterCount, shape: shapeFromFacts(facts, header), quantized }, approximate: null };
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      const guessed = guessedShape(facts);
      return guessed === null ? null : { model: { parameterCount: facts.parameterCount, shape: guessed, quantized }, approximate: why };
    }
  }
  const guessed = guessedShape(facts);
  if (guessed === null) return null;
  return {
    model: { parameterCount: facts.parameterCount, shape: guessed },
    approximate: "the model's head counts and feed-forward width could not be read from its file",
  };
}

function guessedShape(facts: ModelFacts): ModelShape | null {
  const { embeddingLength: dim, blockCount: blocks, vocabSize: vocab, parameterCount } = facts;
  if (dim === null || blocks === null || vocab === null || dim < 1 || blocks < 1 || vocab < 1) return null;
  const headDim = dim % COMMON_HEAD_DIM === 0 ? COMMON_HEAD_DIM : dim;
  const headCount = dim / headDim;
  // parameters = embeddings (+ output) + blocks × (4·D² attention + 3·D·F MLP + 2·D norms) + D.
  const ffnFor = (outputs: number): number =>
    Math.floor((parameterCount - outputs * vocab * dim - dim - blocks * (4 * dim * dim + 2 * dim)) / (3 * dim * blocks));
  const untied = ffnFor(2);
  const tied = untied > 0 ? untied : ffnFor(1);
  const ffnDim = tied > 0 ? tied : 4 * dim;
  return { vocabSize: vocab, embeddingDim: dim, blockCount: blocks, headCount, headCountKv: headCount, headDim, ffnDim, tiedOutput: untied <= 0 };
}

/** The run settings that decide memory. */
export type MemorySettings = Pick<RunSettings, 'microBatchSize' | 'maxLength' | 'gradientCheckpointing' | 'precision'> & {
  lora: Pick<RunSettings['lora'], 'rank' | 'targets'>;
  /** Absent: `dequantize`. */
  baseWeights?: RunSettings['baseWeights'];
};

/** The estimator's settings for these run settings on this device. */
export function memoryConfigFor(settings: MemorySettings, kind: MemoryDevice['kind']): MemoryRunConfig {
  return {
    microBatchSize: settings.microBatchSize,
    maxLength: settings.maxLength,
    gradientCheckpointing: settings.gradientCheckpointing,
    precision: estimatePrecision(settings.precision, kind),
    lora: { rank: settings.lora.rank, targets: settings.lora.targets },
    optimizer: 'adamw',
    baseWeights: settings.baseWeights ?? 'dequantize',
  };
}

/**
 * The estimate, or null when the estimator refuses these inputs (impossible settings, which
 * the plan's problems already list). A device whose memory size is unknown is estimated
 * against the estimate itself: the parts are right, the verdict is `tight` and says nothing.
 */
export function tryEstimate(model: MemoryModel, settings: MemorySettings, device: MemoryDevice | null, kind: MemoryDevice['kind']): MemoryEstimate | null {
  try {
    const config = memoryConfigFor(settings, kind);
    if (device !== null) return estimateTrainingMemory(model, config, device);
    const parts = estimateTrainingMemory(model, config, { kind, totalBytes: Number.MAX_SAFE_INTEGER });
    return { ...parts, fits: 'tight', headroomBytes: 0, suggestions: [], changes: [] };
  } catch {
    return null;
  }
}

const PART_NAMES: readonly MemoryPartName[] = ['weights', 'adapter', 'gradients', 'optimizer', 'activations', 'logits', 'workspace'];

/** An estimate with nothing in it, for plans that cannot have one; each part says why. */
export function unavailableEstimate(why: string): MemoryEstimate {
  const parts = Object.fromEntries(PART_NAMES.map((name) => [name, { bytes: 0, explanation: `unknown: ${why}` }])) as MemoryEstimate['parts'];
  return {
    parts,
    totalBytes: 0,
    activationsWithoutCheckpointing: 0,
    activationsWithCheckpointing: 0,
    fits: 'tight',
    headroomBytes: 0,
    suggestions: [],
    changes: [],
  };
}

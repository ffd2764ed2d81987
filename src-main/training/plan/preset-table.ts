/**
 * The rules the Quick / Balanced / Thorough presets follow, as data. Two tables: one by model
 * size (what the model tolerates), one by preset (how much work to spend). preset-settings.ts
 * applies them to a model, a dataset and a device.
 */
import type { LoraTarget, RunPreset } from '../../contract/run-types';

export const ALL_TARGETS: readonly LoraTarget[] = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'];
export const ATTENTION_TARGETS: readonly LoraTarget[] = ['q', 'k', 'v', 'o'];

export interface ModelSizeRule {
  /** Applies to models with at most this many parameters. */
  upTo: number;
  name: string;
  lr: number;
  /** Examples per optimizer step (micro batch × accumulation). */
  batch: number;
  rank: Record<RunPreset, number>;
  /** Targets for every preset, overriding the preset's own (see the toy row). */
  targets?: readonly LoraTarget[];
  /** Why, in the words the plan shows. */
  why: string;
}

/** Past 15B parameters; also the rule for a model of unknown size. */
const LARGE: ModelSizeRule = {
  upTo: Infinity,
  name: 'large',
  lr: 1e-4,
  batch: 16,
  rank: { quick: 8, balanced: 16, thorough: 32 },
  why: 'large models are steadier with a lower rate',
};

/**
 * By model size. Common LoRA practice: the smaller the model, the higher the learning rate it
 * takes (2e-4 is the usual figure for 7B-class models, a little more for 1B-class, less for
 * the largest). The toy row is measured (DESIGN §7): rank 8, alpha 16 at 3e-3 memorizes short
 * answers on the demo models in ~40 steps of 8 examples, and 1e-2 diverges; there every
 * preset adapts all seven projections, since they cost next to nothing at that size and the
 * attention alone barely moves the loss (measured on the small demo model and the sample set:
 * 30 steps took it from 5.6 to 5.05 with q, k, v, o and to 4.7 with all seven). Rank grows with
 * the preset: a higher rank learns more but needs more data and memory; 8-16 covers most
 * instruction tuning, 32 helps when the data is large or the task far from the base model.
 */
export const MODEL_SIZE_RULES: readonly ModelSizeRule[] = [
  { upTo: 50e6, name: 'toy', lr: 3e-3, batch: 8, rank: { quick: 8, balanced: 8, thorough: 8 }, targets: ALL_TARGETS, why: 'models this small need a high rate to move at all (3e-3 measured on the demo models)' },
  { upTo: 2e9, name: 'small', lr: 3e-4, batch: 16, rank: { quick: 8, balanced: 16, thorough: 32 }, why: 'small models take a somewhat higher rate than the usual 2e-4' },
  { upTo: 15e9, name: 'mid-sized', lr: 2e-4, batch: 16, rank: { quick: 8, balanced: 16, thorough: 32 }, why: 'the usual LoRA rate for 3B-13B models' },
  LARGE,
];

export interface PresetRule {
  label: string;
  targets: readonly LoraTarget[];
  /** Passes over the data on a dataset big enough. */
  epochs: number;
  /**
   * Fewer optimizer steps than this and the loss barely moves, so small datasets get more
   * epochs (up to MAX_PRESET_EPOCHS); tiny datasets need several epochs to be learned at all.
   */
  minSteps: number;
  /** A cap on the steps, so a big dataset stays within the preset's spirit (null: none). */
  maxSteps: number | null;
  /** Longest max length the preset picks: attention and logits memory grow with it. */
  lengthCeiling: number;
  /** How many evaluations, samples and checkpoints spread over the run (0: none, at the end only). */
  evaluations: number;
  samples: number;
  checkpoints: number;
}

/**
 * By preset. Quick is a first look: attention projections only (the original LoRA recipe,
 * half the adapter), one pass or at least 30 steps, at most 200. Balanced adapts every linear
 * layer (what QLoRA found matches full fine-tuning best) over two passes. Thorough makes three
 * passes, at least 300 steps: enough for a small set to be memorized.
 */
export const PRESET_RULES: Record<RunPreset, PresetRule> = {
  quick: { label: 'Quick', targets: ATTENTION_TARGETS, epochs: 1, minSteps: 30, maxSteps: 200, lengthCeiling: 1024, evaluations: 3, samples: 0, checkpoints: 0 },
  balanced: { label: 'Balanced', targets: ALL_TARGETS, epochs: 2, minSteps: 100, maxSteps: 5000, lengthCeiling: 2048, evaluations: 10, samples: 4, checkpoints: 4 },
  thorough: { label: 'Thorough', targets: ALL_TARGETS, epochs: 3, minSteps: 300, maxSteps: null, lengthCeiling: 4096, evaluations: 20, samples: 6, checkpoints: 10 },
};

/** Epochs a preset will go to on a tiny dataset; beyond this it is memorization, asked for or not. */
export const MAX_PRESET_EPOCHS = 100;

/** Max length when the examples' lengths are not known yet (the dataset is not prepared for this model). */
export const UNKNOWN_LENGTH_DEFAULT = 1024;

/** Max lengths are rounded up to this: tidy numbers, and a little room for the template. */
export const LENGTH_STEP = 64;

/** Warmup as a share of the steps, and its cap: enough for Adam's moment estimates to settle. */
export const WARMUP_SHARE = 0.05;
export const MAX_WARMUP_STEPS = 100;

/** Datasets at least this big (and models above toy size) get LoRA dropout against overfitting. */
export const DROPOUT_FROM_EXAMPLES = 1000;
export const DROPOUT = 0.05;

/** The size rule for a model of `parameters`; unknown sizes (NaN) get the last, most careful one. */
export function modelSizeRule(parameters: number): ModelSizeRule {
  const rule = MODEL_SIZE_RULES.find((r) => parameters <= r.upTo);
  return rule ?? LARGE;
}

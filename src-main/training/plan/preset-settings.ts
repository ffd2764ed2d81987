/**
 * A preset's settings for this model, dataset and device, with one line of reasons per
 * choice. The rules are the tables in preset-table.ts; this file applies them in order: the
 * adapter, the max length, the batch (fitted to the device's memory), then the length of the
 * run and what happens during it, which depend on the batch.
 */
import type { ModelFacts } from '../../contract/model-types';
import type { BaseWeights, RunPreset, RunSettings, RunSettingsOverrides } from '../../contract/run-types';
import type { MemoryDevice, MemoryModel } from '../../contract/memory-types';
import { formatCount } from '../memory-units';
import type { PlanDataset } from './plan-types';
import { tryEstimate, type MemorySettings } from './plan-memory';
import {
  DROPOUT,
  DROPOUT_FROM_EXAMPLES,
  LENGTH_STEP,
  MAX_PRESET_EPOCHS,
  MAX_WARMUP_STEPS,
  PRESET_RULES,
  UNKNOWN_LENGTH_DEFAULT,
  WARMUP_SHARE,
  modelSizeRule,
} from './preset-table';
import { stepCounts } from './total-steps';

/** The shortest max length the contract accepts. */
const MIN_LENGTH = 16;

export interface PresetContext {
  facts: ModelFacts | null;
  memoryModel: MemoryModel | null;
  device: { kind: MemoryDevice['kind']; memory: MemoryDevice | null };
  dataset: PlanDataset;
  /** Whether the prepared data will hold a validation split (evaluations and samples need one). */
  hasValidation: boolean;
  /** The person's overrides: a preset fits its batch around the ones that change memory. */
  overrides: RunSettingsOverrides;
}

export interface PresetResult {
  settings: RunSettings;
  reasons: string[];
}

export function presetSettings(preset: RunPreset, context: PresetContext): PresetResult {
  const rule = PRESET_RULES[preset];
  const reasons: string[] = [];
  const { facts, dataset } = context;
  // An unreadable model plans as a 1B-class one; the plan lists its problem anyway.
  const size = modelSizeRule(facts === null ? 1e9 : facts.parameterCount);
  const sizeName = facts === null ? 'a model of unknown size' : `a ${formatCount(facts.parameterCount)}-parameter model`;
  const examples = Math.max(0, Math.floor(dataset.examples));

  const rank = size.rank[preset];
  reasons.push(`LoRA rank ${rank}, alpha ${2 * rank}: ${rank <= 8 ? 'a light adapter, enough for style and format' : rank <= 16 ? 'room for new behaviour without much memory' : 'more capacity for a large or unusual task'}; alpha at twice the rank is the common choice.`);
  const targets = [...(size.targets ?? rule.targets)];
  if (size.targets !== undefined) reasons.push('Targets: every linear layer (q, k, v, o, gate, up, down); on a model this small they cost next to nothing.');
  else if (targets.length === 7) reasons.push('Targets: every linear layer (q, k, v, o, gate, up, down), which learns best per step.');
  else reasons.push('Targets: the attention projections (q, k, v, o), half the adapter of all layers, for a quick first look.');
  const dropout = size.name !== 'toy' && examples >= DROPOUT_FROM_EXAMPLES ? DROPOUT : 0;
  if (dropout > 0) reasons.push(`LoRA dropout ${dropout}: with ${examples} examples a little regularization keeps the adapter from overfitting.`);
  reasons.push(`Learning rate ${size.lr}: ${sizeName}; ${size.why}.`);

  const maxLength = presetMaxLength(rule.lengthCeiling, facts?.contextLength ?? null, dataset, reasons);

  // The batch: the size rule's examples per step (never more than the dataset has), split into
  // the largest micro-batch that fits the device comfortably; checkpointing only when needed.
  const target = Math.max(1, Math.min(size.batch, examples || size.batch));
  const fitted = fitBatch(target, context, maxLength, rank, targets);
  const { microBatchSize, gradientCheckpointing, baseWeights } = fitted;
  const gradientAccumulation = Math.max(1, Math.floor(target / microBatchSize));
  reasons.push(fitted.reason(gradientAccumulation));

  // The length of the run, in passes over the data: small datasets get more passes.
  const { steps, epochs, totalSteps } = runLength(rule, { microBatchSize, gradientAccumulation, maxLength }, dataset, reasons);

  const warmupSteps = Math.min(MAX_WARMUP_STEPS, Math.round(totalSteps * WARMUP_SHARE));
  reasons.push(`Cosine schedule with ${warmupSteps} warmup step${warmupSteps === 1 ? '' : 's'} (about 5%): the first updates stay small while the optimizer's statistics settle.`);

  const cadence = (count: number): number => (count === 0 || totalSteps === 0 ? 0 : Math.max(1, Math.floor(totalSteps / count)));
  const evalEvery = context.hasValidation ? cadence(rule.evaluations) : 0;
  const sampleEvery = context.hasValidation ? cadence(rule.samples) : 0;
  const checkpointEvery = cadence(rule.checkpoints) >= totalSteps ? 0 : cadence(rule.checkpoints);
  if (!context.hasValidation) reasons.push('No validation split, so no validation loss or samples during the run.');
  else reasons.push(`Validation loss every ${evalEvery} steps${sampleEvery > 0 ? `, a sample answer every ${sampleEvery}` : ''}, to watch for overfitting as it trains.`);
  reasons.push(
    checkpointEvery > 0
      ? `A checkpoint every ${checkpointEvery} steps, so a crash loses little.`
      : 'Checkpoints only at the end (and when stopped): the run is short.',
  );
  reasons.push('Precision auto: bf16 where the device computes it natively, else fp16 on CUDA GPUs without bf16, else fp32.');

  const settings: RunSettings = {
    lora: { rank, alpha: 2 * rank, dropout, rslora: false, targets },
    optimizer: { lr: size.lr, weightDecay: 0 },
    schedule: { kind: 'cosine', warmupSteps },
    steps,
    epochs,
    microBatchSize,
    gradientAccumulation,
    maxGradNorm: 1,
    maxLength,
    seed: 0,
    precision: 'auto',
    gradientCheckpointing,
    packing: false,
    baseWeights,
    evalEvery,
    checkpointEvery,
    sampleEvery,
    device: 'auto',
  };
  return { settings, reasons };
}

/** Cover ~99% of the examples, rounded up, within the model's context and the preset's ceiling. */
function presetMaxLength(ceiling: number, context: number | null, dataset: PlanDataset, reasons: string[]): number {
  const limit = Math.max(MIN_LENGTH, Math.min(ceiling, context !== null && context > 0 ? context : ceiling));
  const cut = context !== null && context > 0 && context < ceiling ? `the model's context of ${context}` : `the preset's ceiling of ${ceiling}`;
  const covered = dataset.p99Tokens ?? dataset.longestTokens;
  if (covered === null || covered === undefined || !(covered > 0)) {
    const chosen = Math.min(UNKNOWN_LENGTH_DEFAULT, limit);
    reasons.push(`Max length ${chosen}: the examples' lengths are known once the dataset is prepared for this model; longer ones will be truncated.`);
    return chosen;
  }
  const rounded = Math.ceil(covered / LENGTH_STEP) * LENGTH_STEP;
  const which = dataset.p99Tokens !== null && dataset.p99Tokens !== undefined ? '99% of the examples' : 'the longest example';
  if (rounded <= limit) {
    reasons.push(`Max length ${rounded}: covers ${which} (${covered} tokens).`);
    return rounded;
  }
  reasons.push(`Max length ${limit}: ${which} needs ${covered} tokens, but ${cut} caps it; longer examples are truncated.`);
  return limit;
}

interface FittedBatch {
  microBatchSize: number;
  gradientCheckpointing: boolean;
  baseWeights: BaseWeights;
  reason: (accumulation: number) => string;
}

const LOW_MEMORY_REASON = '; the quantized base stays in its blocks (low-memory mode: slower steps, far less memory), as dequantized it does not fit comfortably';

/**
 * The largest micro-batch (halving from `target`) that fits comfortably: first without
 * checkpointing, with the base dequantized and then, for a quantized base, kept in its blocks
 * (low-memory mode costs less time than recomputing every activation); then the same with
 * checkpointing.
 */
function fitBatch(target: number, context: PresetContext, presetLength: number, rank: number, targets: RunSettings['lora']['targets']): FittedBatch {
  const { memoryModel, device, overrides } = context;
  const batchText = (micro: number, accumulation: number): string =>
    accumulation > 1 ? `${micro} × ${accumulation} accumulated = ${micro * accumulation} examples per step` : `${micro} examples per step`;
  if (memoryModel === null || device.memory === null) {
    // Nothing to fit against: a micro-batch of 4 is modest on any device this could train on.
    const micro = Math.min(target, 4);
    const why = memoryModel === null ? 'the memory this needs cannot be estimated for this model' : "the device's memory size is not known";
    return {
      microBatchSize: micro,
      gradientCheckpointing: false,
      baseWeights: overrides.baseWeights ?? 'dequantize',
      reason: (acc) => `Batch ${batchText(micro, acc)}; ${why}.`,
    };
  }
  const budget = device.memory;
  const quantizedBase = (memoryModel.quantized?.parameters ?? 0) > 0;
  const modes: BaseWeights[] = overrides.baseWeights !== undefined ? [overrides.baseWeights] : quantizedBase ? ['dequantize', 'quantized'] : ['dequantize'];
  const probe = (micro: number, checkpointing: boolean, baseWeights: BaseWeights): boolean => {
    const settings: MemorySettings = {
      microBatchSize: micro,
      maxLength: overrides.maxLength ?? presetLength,
      gradientCheckpointing: checkpointing,
      precision: overrides.precision ?? 'auto',
      lora: { rank: overrides.lora?.rank ?? rank, targets: overrides.lora?.targets ?? targets },
      baseWeights,
    };
    const estimate = tryEstimate(memoryModel, settings, budget, device.kind);
    return estimate !== null && estimate.fits === 'yes';
  };
  // Low-memory mode is the preset's choice only when the dequantized base does not fit.
  const lowMemory = (mode: BaseWeights): string => (mode === 'quantized' && overrides.baseWeights === undefined ? LOW_MEMORY_REASON : '');
  const sizes: number[] = [];
  for (let micro = target; micro >= 1; micro = Math.floor(micro / 2)) sizes.push(micro);
  for (const baseWeights of modes) {
    for (const micro of sizes) {
      if (probe(micro, false, baseWeights)) {
        const smaller = micro < target ? ': the largest micro-batch that fits the device comfortably' : '';
        return {
          microBatchSize: micro,
          gradientCheckpointing: false,
          baseWeights,
          reason: (acc) => `Batch ${batchText(micro, acc)}${smaller}${lowMemory(baseWeights)}.`,
        };
      }
    }
  }
  for (const baseWeights of modes) {
    for (const micro of sizes) {
      if (probe(micro, true, baseWeights)) {
        return {
          microBatchSize: micro,
          gradientCheckpointing: true,
          baseWeights,
          reason: (acc) =>
            `Batch ${batchText(micro, acc)} with gradient checkpointing on: memory is tight, and recomputing activations (about a third more work) is what lets it fit${lowMemory(baseWeights)}.`,
        };
      }
    }
  }
  const last = modes[modes.length - 1] ?? 'dequantize';
  return {
    microBatchSize: 1,
    gradientCheckpointing: true,
    baseWeights: last,
    reason: (acc) => `Batch ${batchText(1, acc)} with gradient checkpointing${last === 'quantized' ? ' and the base kept quantized' : ''}: even this does not fit comfortably (see the memory estimate).`,
  };
}

function runLength(
  rule: (typeof PRESET_RULES)[RunPreset],
  batch: Pick<RunSettings, 'microBatchSize' | 'gradientAccumulation' | 'maxLength'>,
  dataset: PlanDataset,
  reasons: string[],
): { steps: number | null; epochs: number | null; totalSteps: number } {
  const counts = (epochs: number | null, steps: number | null): number =>
    stepCounts({ ...batch, steps, epochs, packing: false }, dataset).totalSteps;
  if (dataset.examples <= 0) {
    reasons.push(`${rule.epochs} epoch${rule.epochs === 1 ? '' : 's'} (the dataset has no examples yet).`);
    return { steps: null, epochs: rule.epochs, totalSteps: 0 };
  }
  const perEpoch = stepCounts({ ...batch, steps: null, epochs: 1, packing: false }, dataset).batchesPerEpoch / batch.gradientAccumulation;
  let epochs = rule.epochs;
  let total = counts(epochs, null);
  if (total < rule.minSteps) {
    epochs = Math.min(MAX_PRESET_EPOCHS, Math.ceil(rule.minSteps / perEpoch));
    total = counts(epochs, null);
    reasons.push(`${epochs} epochs (${total} steps): ${dataset.examples} examples is a small set, and it takes several passes for the loss to come down.`);
  } else if (rule.maxSteps !== null && total > rule.maxSteps) {
    reasons.push(`${rule.maxSteps} steps, about ${(rule.maxSteps / perEpoch).toFixed(2)} of an epoch: ${rule.label} stops there on a dataset this big.`);
    return { steps: rule.maxSteps, epochs: null, totalSteps: rule.maxSteps };
  } else {
    reasons.push(`${epochs} epoch${epochs === 1 ? '' : 's'} (${total} steps) over ${dataset.examples} examples.`);
  }
  return { steps: null, epochs, totalSteps: total };
}

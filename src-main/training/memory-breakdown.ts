/**
 * The estimate's parts for one setting, the budget it is judged against, and the verdict.
 * Suggestions (memory-suggestions.ts) call `memoryBreakdown` again with changed settings,
 * so it must stay cheap and free of side effects.
 */
import { LatheError } from '../contract/errors';
import {
  CPU_PROCESS_BYTES,
  activationBytes,
  adapterBytes,
  adapterParameterCount,
  computeBytes,
  gradientBytes,
  keptQuantized,
  logitsBytes,
  optimizerBytes,
  tokensPerMicroBatch,
  weightBytes,
  workspaceBytes,
} from './memory-parts';
import type { AttentionKind, MemoryDevice, MemoryFit, MemoryModel, MemoryPart, MemoryPartName, MemoryRunConfig } from '../contract/memory-types';
import { formatBytes, formatCount } from './memory-units';

/** `yes` while the estimate stays under this share of the budget: the rest absorbs what no formula sees. */
export const COMFORTABLE_SHARE = 0.85;

export interface MemoryBreakdown {
  parts: Record<MemoryPartName, MemoryPart>;
  totalBytes: number;
  activationsWithoutCheckpointing: number;
  activationsWithCheckpointing: number;
}

/** The attention the runtime will use: SDPA's fused kernels on CUDA, the math path elsewhere unless told. */
export function attentionFor(device: MemoryDevice): AttentionKind {
  return device.attention ?? (device.kind === 'cuda' ? 'fused' : 'math');
}

/** What the run may use: the free memory when the caller knows it, else the device's total. */
export function memoryBudget(device: MemoryDevice): number {
  return device.freeBytes ?? device.totalBytes;
}

export function fitVerdict(totalBytes: number, budgetBytes: number): MemoryFit {
  if (totalBytes <= COMFORTABLE_SHARE * budgetBytes) return 'yes';
  return totalBytes <= budgetBytes ? 'tight' : 'no';
}

export function memoryBreakdown(model: MemoryModel, config: MemoryRunConfig, device: MemoryDevice): MemoryBreakdown {
  assertEstimable(model, config, device);
  const { shape } = model;
  const attention = attentionFor(device);
  const adapterParameters = adapterParameterCount(shape, config.lora);
  const withoutCheckpointing = activationBytes(shape, config, attention, device.kind, false);
  const withCheckpointing = activationBytes(shape, config, attention, device.kind, true);
  const activations = config.gradientCheckpointing ? withCheckpointing : withoutCheckpointing;
  const logits = logitsBytes(shape, config);
  const tokens = tokensPerMicroBatch(config);
  const dtype = config.precision;

  const parts: Record<MemoryPartName, MemoryPart> = {
    weights: {
      bytes: weightBytes(model, dtype, config.baseWeights),
      explanation: weightsExplanation(model, config),
    },
    adapter: {
      bytes: adapterBytes(adapterParameters, dtype),
      explanation:
        `${formatCount(adapterParameters)} LoRA parameters (rank ${config.lora.rank} on ${config.lora.targets.join(', ')}) in fp32` +
        (dtype === 'fp32' ? '' : `, plus the ${dtype} copies autocast keeps during a step`),
    },
    gradients: {
      bytes: gradientBytes(adapterParameters),
      explanation: 'one fp32 gradient per LoRA parameter; the frozen base gets none',
    },
    optimizer: {
      bytes: optimizerBytes(adapterParameters),
      explanation: "AdamW's two fp32 moments per LoRA parameter",
    },
    activations: {
      bytes: activations,
      explanation: activationsExplanation(model, config, attention, tokens),
    },
    logits: {
      bytes: logits,
      explanation:
        `fp32 log-probabilities over ${shape.vocabSize.toLocaleString('en-US')} tokens for ` +
        `${tokens.toLocaleString('en-US')} positions, plus two gradients of that size in the backward pass`,
    },
    workspace: {
      bytes: workspaceBytes(device.kind, { activations, logits, activationsWithoutCheckpointing: withoutCheckpointing }),
      explanation: workspaceExplanation(device.kind),
    },
  };
  const totalBytes = Object.values(parts).reduce((sum, part) => sum + part.bytes, 0);
  return { parts, totalBytes, activationsWithoutCheckpointing: withoutCheckpointing, activationsWithCheckpointing: withCheckpointing };
}

function weightsExplanation(model: MemoryModel, config: MemoryRunConfig): string {
  const dtype = config.precision;
  const kept = keptQuantized(model, config.baseWeights);
  if (kept === null) {
    return (
      `${formatCount(model.parameterCount)} frozen base parameters dequantized to ${dtype} ` +
      `(${computeBytes(dtype)} bytes each), whatever the file's own type`
    );
  }
  const bits = ((8 * kept.bytes) / kept.parameters).toFixed(1);
  return (
    `low-memory base: ${formatCount(kept.parameters)} projection weights kept as stored (${bits} bits each), ` +
    `the other ${formatCount(model.parameterCount - kept.parameters)} in ${dtype}, and one layer expanded at a time`
  );
}

function activationsExplanation(model: MemoryModel, config: MemoryRunConfig, attention: AttentionKind, tokens: number): string {
  const { blockCount, headCount } = model.shape;
  const batch = `${config.microBatchSize} × ${config.maxLength} tokens`;
  const scores =
    attention === 'math'
      ? `; math attention keeps ${headCount} heads × ${config.maxLength}² probabilities per row`
      : '; fused attention keeps no T×T scores';
  if (config.gradientCheckpointing) {
    return `checkpointing on: the ${blockCount} blocks keep only their inputs for ${batch} and one block is recomputed at a time${scores}`;
  }
  return `what ${blockCount} blocks keep for the backward pass over ${batch} (${tokens.toLocaleString('en-US')} positions)${scores}`;
}

function workspaceExplanation(kind: MemoryDevice['kind']): string {
  const fragmentation = "plus 10% of the step's tensors for the caching allocator's fragmentation";
  if (kind === 'cuda') return `CUDA context, kernels and cuBLAS workspace (~0.75 GiB), ${fragmentation}`;
  if (kind === 'mps') return `Metal's own buffers (~0.5 GiB), ${fragmentation}`;
  return (
    `the Python process with torch (~${formatBytes(CPU_PROCESS_BYTES)}), plus freed tensors glibc's malloc keeps: ` +
    'as much again as the activations without checkpointing'
  );
}

/** Every impossible input at once, as one `invalid_input` error (a formula would silently give NaN). */
function assertEstimable(model: MemoryModel, config: MemoryRunConfig, device: MemoryDevice): void {
  const problems: string[] = [];
  const whole = (value: number, what: string, least = 1): void => {
    if (!Number.isSafeInteger(value) || value < least) problems.push(`${what} is ${value}; expected a whole number of at least ${least}`);
  };
  const { shape } = model;
  whole(model.parameterCount, 'the parameter count');
  whole(shape.vocabSize, 'the vocabulary size');
  whole(shape.embeddingDim, 'the embedding width');
  whole(shape.blockCount, 'the block count');
  whole(shape.headCount, 'the head count');
  whole(shape.headCountKv, 'the key/value head count');
  whole(shape.headDim, 'the head size');
  whole(shape.ffnDim, 'the feed-forward width');
  whole(config.microBatchSize, 'the micro batch size');
  whole(config.maxLength, 'the max length', 2);
  whole(config.lora.rank, 'the LoRA rank');
  if (config.lora.targets.length === 0) problems.push('no LoRA targets are chosen');
  if (!(device.totalBytes > 0)) problems.push(`the device's memory is ${device.totalBytes} bytes`);
  if (device.freeBytes !== undefined && !(device.freeBytes >= 0)) problems.push(`the device's free memory is ${device.freeBytes} bytes`);
  if (problems.length > 0) throw new LatheError('invalid_input', `Cannot estimate the memory of this run: ${problems.join('; ')}.`);
}

/**
 * The byte counts behind each part of the memory estimate, one function per part. Every
 * term names the tensor the Python runtime holds (python-runtime/lathe_runtime/model/
 * decoder.py, lora.py, train/recipe.py) and was checked by counting what autograd saves
 * (docs/memory-estimate.md, "Checking the formulas").
 *
 * Notation: N = microBatchSize × maxLength tokens; D embedding width; Hd = heads × head
 * size; F feed-forward width; c = 4 bytes in fp32, 2 in bf16/fp16 (the compute dtype).
 */
import type {
  AttentionKind,
  LoraTarget,
  MemoryDevice,
  MemoryModel,
  MemoryRunConfig,
  ModelShape,
  QuantizedProjections,
  TrainingPrecision,
} from '../contract/memory-types';

export const FP32_BYTES = 4;
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** Bytes of one element in the compute dtype: the frozen weights and autocast's outputs. */
export function computeBytes(precision: TrainingPrecision): number {
  return precision === 'fp32' ? 4 : 2;
}

/** Tokens in one micro-batch, counting every position as a loss target (the worst case). */
export function tokensPerMicroBatch(config: Pick<MemoryRunConfig, 'microBatchSize' | 'maxLength'>): number {
  return config.microBatchSize * config.maxLength;
}

/** Input and output widths of each projection LoRA can wrap. */
export function projectionWidths(shape: ModelShape): Record<LoraTarget, { input: number; output: number }> {
  const dim = shape.embeddingDim;
  const qDim = shape.headCount * shape.headDim;
  const kvDim = shape.headCountKv * shape.headDim;
  return {
    q: { input: dim, output: qDim },
    k: { input: dim, output: kvDim },
    v: { input: dim, output: kvDim },
    o: { input: qDim, output: dim },
    gate: { input: dim, output: shape.ffnDim },
    up: { input: dim, output: shape.ffnDim },
    down: { input: shape.ffnDim, output: dim },
  };
}

/** Trainable parameters: A (rank × in) and B (out × rank) per target per block. */
export function adapterParameterCount(shape: ModelShape, lora: MemoryRunConfig['lora']): number {
  const widths = projectionWidths(shape);
  const perBlock = new Set(lora.targets);
  let sum = 0;
  for (const target of perBlock) sum += widths[target].input + widths[target].output;
  return shape.blockCount * lora.rank * sum;
}

/**
 * The frozen base model. By default every tensor is dequantized (F32, F16, BF16, Q8_0, Q4_K
 * alike) into the compute dtype, norms included, so the file's size does not matter, only its
 * parameter count. In low-memory mode (`baseWeights: 'quantized'`) the projections the file
 * stores in a block type stay as stored (their bytes in the file) and the rest is dequantized
 * as before; see `dequantizedLayerBytes` for the one layer expanded at a time.
 */
export function weightBytes(model: MemoryModel, precision: TrainingPrecision, baseWeights: MemoryRunConfig['baseWeights'] = 'dequantize'): number {
  const kept = keptQuantized(model, baseWeights);
  if (kept === null) return model.parameterCount * computeBytes(precision);
  return (model.parameterCount - kept.parameters) * computeBytes(precision) + kept.bytes + dequantizedLayerBytes(kept, precision);
}

/** The projections low-memory mode keeps in their blocks, or null when it keeps none. */
export function keptQuantized(model: MemoryModel, baseWeights: MemoryRunConfig['baseWeights']): QuantizedProjections | null {
  if (baseWeights !== 'quantized' || !model.quantized || model.quantized.parameters <= 0) return null;
  return model.quantized;
}

/** Values the runtime dequantizes per piece (DEQUANTIZE_CHUNK_VALUES in model/quantized_linear.py). */
export const DEQUANTIZE_CHUNK_VALUES = 2 ** 24;

/**
 * The transient of low-memory mode: one projection dequantized at a time into the compute
 * dtype, in the forward and again in the backward pass (model/quantized_linear.py), plus the
 * integer codes and per-value scales the dequantizer builds for one piece of it (about four
 * float32-sized tensors of at most DEQUANTIZE_CHUNK_VALUES values).
 */
export function dequantizedLayerBytes(kept: QuantizedProjections, precision: TrainingPrecision): number {
  return kept.largestParameters * computeBytes(precision) + Math.min(kept.largestParameters, DEQUANTIZE_CHUNK_VALUES) * 4 * FP32_BYTES;
}

/**
 * The adapter's own weights, float32 whatever the precision (lora.py: float32 adapters on a
 * half-precision base, as PEFT does). Under autocast, each A and B is also cast to the half
 * dtype once per step and that copy is cached until the step's backward ends.
 */
export function adapterBytes(adapterParameters: number, precision: TrainingPrecision): number {
  const autocastCopies = precision === 'fp32' ? 0 : adapterParameters * computeBytes(precision);
  return adapterParameters * FP32_BYTES + autocastCopies;
}

/** One float32 gradient per adapter parameter (`.grad` has the parameter's dtype). */
export function gradientBytes(adapterParameters: number): number {
  return adapterParameters * FP32_BYTES;
}

/** AdamW keeps two float32 moments (exp_avg, exp_avg_sq) per trainable parameter. */
export function optimizerBytes(adapterParameters: number): number {
  return 2 * adapterParameters * FP32_BYTES;
}

/** What one block keeps for its backward pass over a micro-batch, in bytes. */
export interface BlockActivations {
  saved: number;
  /** Of `saved`: the attention probabilities (B·heads·T·T; zero with fused attention). */
  scores: number;
  /** Of `saved`: what the o projection and the MLP keep; their backward frees it before attention's runs. */
  afterAttention: number;
}

/**
 * The tensors autograd saves in one decoder block (decoder.py `Block.forward`), per token:
 * - the two RMS norms compute in float32 and keep their float32 input (torch 1.13's `mean`
 *   also keeps the squared input; torch 2.x keeps only its size);
 * - frozen projections keep nothing (no weight gradient is needed), but each LoRA keeps its
 *   input for A's gradient: in fp32 the inputs are shared tensors (q, k and v read the same
 *   one); under autocast each LoRA casts its input to float32 and autocast casts it back, so
 *   every target keeps its own half-precision copy; plus the rank-wide A output for B;
 * - the SwiGLU MLP keeps the gate output, silu(gate) and the up output;
 * - attention keeps q, k and v, with k and v repeated to every query head (grouped-query
 *   heads are expanded before attention), and either the T×T probabilities (math) or the
 *   output and a float32 log-sum-exp per head (fused).
 */
export function blockActivations(
  shape: ModelShape,
  config: Pick<MemoryRunConfig, 'microBatchSize' | 'maxLength' | 'precision' | 'lora'>,
  attention: AttentionKind,
  deviceKind: MemoryDevice['kind'],
): BlockActivations {
  const c = computeBytes(config.precision);
  const tokens = tokensPerMicroBatch(config);
  const length = config.maxLength;
  const dim = shape.embeddingDim;
  const qDim = shape.headCount * shape.headDim;
  const ffn = shape.ffnDim;
  const targets = new Set(config.lora.targets);
  const widths = projectionWidths(shape);

  const normInput = (attention === 'math' ? 2 : 1) * FP32_BYTES * dim + FP32_BYTES; // + the rsqrt column
  const loraInput = (group: LoraTarget[]): number => {
    const wrapped = group.filter((target) => targets.has(target));
    if (wrapped.length === 0) return 0;
    if (config.precision === 'fp32') return FP32_BYTES * widths[wrapped[0] as LoraTarget].input; // one shared input per group
    return wrapped.reduce((sum, target) => sum + c * widths[target].input, 0);
  };
  const loraMiddles = (group: LoraTarget[]): number => group.filter((t) => targets.has(t)).length * config.lora.rank * c;

  const beforeAttention = normInput + loraInput(['q', 'k', 'v']) + loraMiddles(['q', 'k', 'v']);
  const attentionInputs = attention === 'math' ? 3 * c * qDim : 4 * c * qDim + FP32_BYTES * shape.headCount;
  const afterAttentionPerToken =
    loraInput(['o']) + loraMiddles(['o']) + normInput + loraInput(['gate', 'up']) + loraInput(['down']) +
    loraMiddles(['gate', 'up', 'down']) + 3 * c * ffn;

  const scores = attention === 'math' ? tokens * shape.headCount * length * scoreBytes(config.precision, deviceKind) : 0;
  const causalMask = attention === 'math' ? length * length : 0; // bool T×T, built in every block
  const afterAttention = tokens * afterAttentionPerToken;
  const saved = tokens * (beforeAttention + attentionInputs) + scores + causalMask + afterAttention;
  return { saved, scores, afterAttention };
}

/**
 * Bytes per attention probability in the math path: float32 in fp32; under CPU autocast the
 * matmul and softmax stay in bf16 (measured); CUDA autocast runs softmax in float32 and then
 * casts the probabilities back to half for the second matmul, keeping both.
 */
function scoreBytes(precision: TrainingPrecision, deviceKind: MemoryDevice['kind']): number {
  if (precision === 'fp32') return 4;
  return deviceKind === 'cpu' ? 2 : 4 + 2;
}

/**
 * Saved once per micro-batch rather than per block: the rope cos/sin tables gathered for
 * every position (float32, head size / 2 each) and the final RMS norm's float32 input.
 */
export function sharedActivationBytes(
  shape: ModelShape,
  config: Pick<MemoryRunConfig, 'microBatchSize' | 'maxLength'>,
  attention: AttentionKind,
): number {
  const tokens = tokensPerMicroBatch(config);
  const ropeTables = 2 * tokens * (shape.headDim / 2) * FP32_BYTES;
  const outputNorm = tokens * ((attention === 'math' ? 2 : 1) * FP32_BYTES * shape.embeddingDim + FP32_BYTES);
  return ropeTables + outputNorm;
}

/**
 * Transient tensors of one block's backward pass, beyond what it has freed by then. Math
 * attention: the gradient of the probabilities and of the scores (two T×T tensors) appear
 * once the MLP and o projection have released theirs. Fused attention never builds T×T
 * tensors; the MLP's gradients (two F-wide tensors) are the larger transient there.
 */
export function backwardWorkingSetBytes(
  shape: ModelShape,
  config: Pick<MemoryRunConfig, 'microBatchSize' | 'maxLength' | 'precision'>,
  block: BlockActivations,
  attention: AttentionKind,
): number {
  if (attention === 'math') return Math.max(0, 2 * block.scores - block.afterAttention);
  return 2 * tokensPerMicroBatch(config) * shape.ffnDim * computeBytes(config.precision);
}

/**
 * The loss (recipe.py `token_loss_sum`): logits for every target position are cast to
 * float32 and cross-entropy keeps its float32 log-probabilities; the backward pass then holds
 * those, their gradient and the gradient of the float32 logits at once: 3 × 4 bytes per
 * position per vocabulary entry. Every position counts as a target (the worst case; a loss
 * mask on assistant turns only makes it smaller).
 */
export function logitsBytes(shape: ModelShape, config: Pick<MemoryRunConfig, 'microBatchSize' | 'maxLength'>): number {
  return 3 * FP32_BYTES * tokensPerMicroBatch(config) * shape.vocabSize;
}

/**
 * Activations at the peak of a step. The forward pass leaves every block's saved tensors
 * (or, with non-reentrant checkpointing, only each block's input: c·D per token) until the
 * backward pass reaches them. The backward pass starts with the loss (the logits part),
 * which frees its tensors before any block's backward runs; each block then needs its
 * transients and, with checkpointing, its recomputed saved tensors, one block at a time. So
 * only what that per-block peak needs beyond the loss's memory is added here.
 */
export function activationBytes(
  shape: ModelShape,
  config: Pick<MemoryRunConfig, 'microBatchSize' | 'maxLength' | 'precision' | 'lora'>,
  attention: AttentionKind,
  deviceKind: MemoryDevice['kind'],
  checkpointing: boolean,
): number {
  const block = blockActivations(shape, config, attention, deviceKind);
  const shared = sharedActivationBytes(shape, config, attention);
  const working = backwardWorkingSetBytes(shape, config, block, attention);
  const held = checkpointing
    ? shape.blockCount * tokensPerMicroBatch(config) * shape.embeddingDim * computeBytes(config.precision)
    : shape.blockCount * block.saved;
  const perBlockPeak = (checkpointing ? block.saved : 0) + working;
  return held + shared + Math.max(0, perBlockPeak - logitsBytes(shape, config));
}

/** What the device holds besides tensors, and the allocator's own overhead, by device kind. */
export const CUDA_CONTEXT_BYTES = 0.75 * GiB;
export const MPS_CONTEXT_BYTES = 512 * MiB;
export const CPU_PROCESS_BYTES = 256 * MiB;
/** Share of a step's tensors the CUDA/MPS caching allocators lose to fragmentation (not measured here). */
export const CACHING_ALLOCATOR_SLACK = 0.1;

/**
 * What the device holds besides live tensors.
 * - CUDA: the context, kernels and cuBLAS workspace (~0.75 GiB), plus a tenth of the step's
 *   transient tensors for the caching allocator's fragmentation. MPS: Metal's buffers, the same slack.
 * - CPU: the Python process with torch loaded (228 MiB resident measured) and BLAS buffers,
 *   plus glibc malloc's slack: freed mid-sized tensors stay in its heaps, and resident memory
 *   exceeded live tensors by 0.6 to 1.2 times the activations of a step without checkpointing,
 *   with checkpointing on or off (docs/memory-estimate.md), so that much is counted.
 */
export function workspaceBytes(
  deviceKind: MemoryDevice['kind'],
  step: { activations: number; logits: number; activationsWithoutCheckpointing: number },
): number {
  if (deviceKind === 'cuda') return CUDA_CONTEXT_BYTES + CACHING_ALLOCATOR_SLACK * (step.activations + step.logits);
  if (deviceKind === 'mps') return MPS_CONTEXT_BYTES + CACHING_ALLOCATOR_SLACK * (step.activations + step.logits);
  return CPU_PROCESS_BYTES + step.activationsWithoutCheckpointing;
}

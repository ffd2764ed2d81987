/**
 * The shapes the memory-fit estimator takes and gives (see docs/memory-estimate.md). Kept
 * apart from the formulas so the run wizard and the System page can name them without
 * pulling the arithmetic in.
 */
import type { ModelFacts } from './model-types';

export type TrainingPrecision = 'fp32' | 'bf16' | 'fp16';

/** The projections a LoRA adapter can wrap, as the runtime and PEFT name them. */
export type LoraTarget = 'q' | 'k' | 'v' | 'o' | 'gate' | 'up' | 'down';

/** A decoder's dimensions, as the runtime's `DecoderConfig` reads them from GGUF metadata. */
export interface ModelShape {
  vocabSize: number;
  /** `<arch>.embedding_length`: the width of the residual stream. */
  embeddingDim: number;
  blockCount: number;
  headCount: number;
  /** Key/value heads (grouped-query attention); equal to headCount without GQA. */
  headCountKv: number;
  /** Width of one attention head; embeddingDim / headCount unless the file says otherwise. */
  headDim: number;
  /** `<arch>.feed_forward_length`: the SwiGLU hidden width. */
  ffnDim: number;
  /** True when the file has no `output.weight` and the token embedding doubles as the output. */
  tiedOutput: boolean;
}

/**
 * The projections of a base that its file stores in a block type (Q4_K, Q8_0…): what the
 * low-memory mode (run.json `base_weights: "quantized"`) keeps as stored instead of dequantizing.
 */
export interface QuantizedProjections {
  /** Values in those projections. */
  parameters: number;
  /** Their bytes as stored in the file. */
  bytes: number;
  /** Values of the largest one: the most that is dequantized at once. */
  largestParameters: number;
}

/** What the estimator needs of a model: its parameter count (from the file) and its shape. */
export type MemoryModel = Pick<ModelFacts, 'parameterCount'> & { shape: ModelShape; quantized?: QuantizedProjections | null };

/** The run settings that decide memory; the runtime's run.json fields of the same meaning. */
export interface MemoryRunConfig {
  microBatchSize: number;
  /** Tokens per row (run.json `max_length`). */
  maxLength: number;
  gradientCheckpointing: boolean;
  /** The resolved precision (run.json `auto` is bf16 where it works, else fp16 on CUDA, else fp32). */
  precision: TrainingPrecision;
  lora: { rank: number; targets: readonly LoraTarget[] };
  optimizer: 'adamw';
  /** run.json `base_weights`; absent means `dequantize`. */
  baseWeights?: 'dequantize' | 'quantized';
}

/**
 * How attention runs. `fused`: torch 2.x's scaled_dot_product_attention with a flash or
 * memory-efficient kernel, which never holds the T×T scores. `math`: the runtime's float32
 * fallback (torch 1.13 has no SDPA), which keeps them for the backward pass.
 */
export type AttentionKind = 'fused' | 'math';

export interface MemoryDevice {
  kind: 'cuda' | 'mps' | 'cpu';
  totalBytes: number;
  /** Memory free for the run now (other programs use some); the budget when given. */
  freeBytes?: number;
  /** Defaults: `fused` on CUDA, `math` elsewhere (Debian's torch 1.13 on CPU; MPS's SDPA materializes scores). */
  attention?: AttentionKind;
}

export type MemoryPartName = 'weights' | 'adapter' | 'gradients' | 'optimizer' | 'activations' | 'logits' | 'workspace';

export interface MemoryPart {
  bytes: number;
  /** One line for a person: what is held and why it is this big. */
  explanation: string;
}

export type MemoryFit = 'yes' | 'tight' | 'no';

export interface MemoryEstimate {
  parts: Record<MemoryPartName, MemoryPart>;
  /** The estimated peak of one training step: the sum of the parts. */
  totalBytes: number;
  /** The activations part as it would be with checkpointing off, and on, whatever the config says. */
  activationsWithoutCheckpointing: number;
  activationsWithCheckpointing: number;
  fits: MemoryFit;
  /** Budget (free memory when known, else total) minus the estimate; negative when it does not fit. */
  headroomBytes: number;
  /** When `fits` is not `yes`: changes that lower the estimate, biggest saving first. */
  suggestions: string[];
  /** The single changes behind `suggestions`, in the same order (the combined closing line has none), for "apply" buttons. */
  changes: MemorySuggestion[];
}

/** One change to the run that lowers its memory, with the saving the estimator computed for it. */
export interface MemorySuggestion {
  /** The settings to change (merged over the current ones). */
  change: Partial<Pick<MemoryRunConfig, 'microBatchSize' | 'maxLength' | 'gradientCheckpointing' | 'precision' | 'baseWeights'>> & {
    lora?: MemoryRunConfig['lora'];
  };
  savedBytes: number;
  /** Whether the run fits (`yes`) with this change alone. */
  fitsAfter: MemoryFit;
  text: string;
}

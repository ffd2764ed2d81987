/**
 * Will a Hub file fit this machine, before a byte of it is downloaded? Only its size and
 * the quantization in its name are known, so the parameter count is the size divided by the
 * quantization's bits per weight, and the layer shape is the nearest of a few well-known
 * decoders (the same families Lathe trains). The training verdict then comes from the real
 * memory estimator (docs/memory-estimate.md) with small-run settings; the inference verdict
 * is the weights plus a 4,096-token KV cache and llama.cpp's compute buffers. Both are pure
 * functions of the file and the hardware report (STYLE: decisions are pure functions).
 */
import type { GpuInfo, HardwareReport, HubFit } from '../../contract';
import type { MemoryDevice, ModelShape } from '../../contract/memory-types';
import { estimateTrainingMemory } from '../../training/memory-estimate';
import { fitVerdict } from '../../training/memory-breakdown';
import { estimatePrecision } from '../../training/plan/plan-device';
import { formatBytes, formatCount } from '../../training/memory-units';
import { bitsPerWeight } from './hub-names';

const MiB = 1024 * 1024;
/** What an unknown quantization is taken to be: between Q4_K_M and Q5_K_M, the most common files. */
const GUESSED_BITS_PER_WEIGHT = 5;
/** The context the inference verdict budgets for. */
export const INFERENCE_CONTEXT = 4096;
/** llama.cpp's compute buffers and the runtime itself, besides weights and cache. */
const INFERENCE_OVERHEAD_BYTES = 300 * MiB;

/** Settings of a small first run (the wizard's quick preset on a small machine). */
export const TRAINING_FIT_SETTINGS = { microBatchSize: 1, maxLength: 1024, rank: 16 } as const;

interface ReferenceShape {
  parameters: number;
  shape: ModelShape;
}

/** Published shapes of common decoders (SmolLM2, Qwen2.5, Llama 3.x), smallest first. */
const REFERENCE_SHAPES: readonly ReferenceShape[] = [
  ref(135e6, 49152, 576, 30, 9, 3, 1536, true), // SmolLM2-135M
  ref(494e6, 151936, 896, 24, 14, 2, 4864, true), // Qwen2.5-0.5B
  ref(1.24e9, 128256, 2048, 16, 32, 8, 8192, true), // Llama-3.2-1B
  ref(3.21e9, 128256, 3072, 28, 24, 8, 8192, true), // Llama-3.2-3B
  ref(8.03e9, 128256, 4096, 32, 32, 8, 14336, false), // Llama-3.1-8B
  ref(14.8e9, 152064, 5120, 48, 40, 8, 13824, false), // Qwen2.5-14B
  ref(32.8e9, 152064, 5120, 64, 40, 8, 27648, false), // Qwen2.5-32B
  ref(70.6e9, 128256, 8192, 80, 64, 8, 28672, false), // Llama-3.1-70B
];

function ref(parameters: number, vocabSize: number, embeddingDim: number, blockCount: number, headCount: number, headCountKv: number, ffnDim: number, tiedOutput: boolean): ReferenceShape {
  return { parameters, shape: { vocabSize, embeddingDim, blockCount, headCount, headCountKv, headDim: embeddingDim / headCount, ffnDim, tiedOutput } };
}

export interface FileGuess {
  parameterCount: number;
  shape: ModelShape;
  /** True when the quantization was not recognised and the bits per weight were guessed. */
  guessedBits: boolean;
}

/** The parameter count and nearest known shape of a file of this size and quantization. */
export function guessModel(sizeBytes: number, quantization: string | null): FileGuess {
  const bits = bitsPerWeight(quantization);
  const parameterCount = Math.max(1, Math.round((sizeBytes * 8) / (bits ?? GUESSED_BITS_PER_WEIGHT)));
  let nearest = REFERENCE_SHAPES[0] as ReferenceShape;
  for (const candidate of REFERENCE_SHAPES) {
    if (Math.abs(Math.log(candidate.parameters / parameterCount)) < Math.abs(Math.log(nearest.parameters / parameterCount))) nearest = candidate;
  }
  return { parameterCount, shape: nearest.shape, guessedBits: bits === null };
}

/**
 * Where it would run: the roomiest GPU with known memory, else RAM. llama.cpp runs on any
 * vendor's GPU (CUDA, Vulkan); the training runtime only on NVIDIA's (CUDA) or Apple's.
 */
export function fitDevice(hardware: HardwareReport, purpose: 'inference' | 'training'): { device: MemoryDevice; label: string } | null {
  const gpu = roomiestGpu(hardware.gpus.filter((g) => purpose === 'inference' || g.vendor === 'nvidia'));
  if (gpu !== null && gpu.memoryTotalMb !== null) {
    const totalBytes = gpu.memoryTotalMb * MiB;
    const freeBytes = Math.max(0, totalBytes - (gpu.memoryUsedMb ?? 0) * MiB);
    const kind = gpu.vendor === 'nvidia' ? 'cuda' : 'cpu';
    return { device: { kind, totalBytes, freeBytes }, label: `${gpu.name} (${formatBytes(freeBytes)} free)` };
  }
  const { totalBytes, availableBytes } = hardware.memory;
  if (!(totalBytes > 0)) return null;
  const kind = hardware.gpus.some((g) => g.vendor === 'apple') ? 'mps' : 'cpu';
  const where = kind === 'mps' ? "Apple's GPU, sharing memory" : 'the CPU';
  return { device: { kind, totalBytes, freeBytes: Math.min(availableBytes, totalBytes) }, label: `${where} (${formatBytes(availableBytes)} of memory available)` };
}

/** Whether the file runs here with a 4,096-token context. */
export function inferenceFit(sizeBytes: number, quantization: string | null, hardware: HardwareReport | null): HubFit {
  const guess = guessModel(sizeBytes, quantization);
  const { shape } = guess;
  // K and V, f16, for every layer and position.
  const cacheBytes = 2 * shape.blockCount * INFERENCE_CONTEXT * shape.headCountKv * shape.headDim * 2;
  const needBytes = sizeBytes + cacheBytes + INFERENCE_OVERHEAD_BYTES;
  return verdict(needBytes, hardware, 'inference', guess, `to run with a ${INFERENCE_CONTEXT.toLocaleString('en-US')}-token context`);
}

/** Whether a small LoRA run on the file fits (rank 16, 1,024 tokens, batch 1, checkpointing). */
export function trainingFit(sizeBytes: number, quantization: string | null, hardware: HardwareReport | null): HubFit {
  const guess = guessModel(sizeBytes, quantization);
  const place = hardware === null ? null : fitDevice(hardware, 'training');
  const kind = place?.device.kind ?? 'cpu';
  const estimate = estimateTrainingMemory(
    { parameterCount: guess.parameterCount, shape: guess.shape },
    {
      microBatchSize: TRAINING_FIT_SETTINGS.microBatchSize,
      maxLength: TRAINING_FIT_SETTINGS.maxLength,
      gradientCheckpointing: true,
      precision: estimatePrecision('auto', kind),
      lora: { rank: TRAINING_FIT_SETTINGS.rank, targets: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] },
      optimizer: 'adamw',
    },
    place?.device ?? { kind, totalBytes: Number.MAX_SAFE_INTEGER },
  );
  return verdict(estimate.totalBytes, hardware, 'training', guess, `to train a rank-${TRAINING_FIT_SETTINGS.rank} LoRA on ${TRAINING_FIT_SETTINGS.maxLength.toLocaleString('en-US')}-token rows`);
}

function verdict(needBytes: number, hardware: HardwareReport | null, use: 'inference' | 'training', guess: FileGuess, purpose: string): HubFit {
  const place = hardware === null ? null : fitDevice(hardware, use);
  const size = `about ${formatBytes(needBytes)} ${purpose} (≈${formatCount(guess.parameterCount)} parameters${guess.guessedBits ? ', quantization guessed' : ''})`;
  if (place === null) return { verdict: 'unknown', needBytes, haveBytes: 0, note: `Needs ${size}; this machine's memory is unknown.` };
  const haveBytes = place.device.freeBytes ?? place.device.totalBytes;
  return { verdict: fitVerdict(needBytes, haveBytes), needBytes, haveBytes, note: `Needs ${size} on ${place.label}.` };
}

function roomiestGpu(gpus: readonly GpuInfo[]): GpuInfo | null {
  let best: GpuInfo | null = null;
  for (const gpu of gpus) {
    if (gpu.vendor === 'apple' || gpu.vendor === 'other' || gpu.memoryTotalMb === null || !(gpu.memoryTotalMb > 0)) continue;
    if (best === null || free(gpu) > free(best)) best = gpu;
  }
  return best;
}

function free(gpu: GpuInfo): number {
  return (gpu.memoryTotalMb ?? 0) - (gpu.memoryUsedMb ?? 0);
}

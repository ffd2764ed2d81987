/**
 * Inputs for planning tests: model entries shaped like real files (the demo models as
 * `make-model` writes them, and facts shaped like published 0.5B-7B models), datasets of a
 * few sizes, and hardware and Python reports for a CPU box and a GPU workstation.
 */
import type { ModelEntry, ModelFacts } from '../../../../src-main/contract/model-types';
import type { HardwareReport, PythonReport } from '../../../../src-main/contract/system-types';
import type { ShapeFromHeader } from '../../../../src-main/training/memory-model-shape';
import { parameterCountFromShape } from '../../../../src-main/training/memory-model-shape';
import type { PlanDataset, PlanInputs } from '../../../../src-main/training/plan';

export const GiB = 1024 ** 3;

export interface ModelFixture {
  entry: ModelEntry;
  header: ShapeFromHeader;
}

function model(name: string, facts: Partial<ModelFacts> & Pick<ModelFacts, 'parameterCount' | 'embeddingLength' | 'blockCount' | 'vocabSize' | 'contextLength'>, header: ShapeFromHeader): ModelFixture {
  return {
    entry: {
      id: name,
      path: `/models/${name}.gguf`,
      owned: false,
      origin: 'file',
      status: 'ready',
      problem: null,
      facts: {
        displayName: name,
        architecture: 'llama',
        fileType: 'MOSTLY_F16',
        tensorTypes: { F16: 100 },
        fileSizeBytes: facts.parameterCount * 2,
        chatTemplate: '{{ messages }}',
        trainable: true,
        notTrainableReason: null,
        loadProblems: [],
        ...facts,
      },
      sha256: null,
      alias: null,
      addedAt: 0,
    },
    header,
  };
}

/** `make-model --size tiny` (llama): 64 dims × 2 blocks, 259 byte-level tokens, context 512. */
export const demoTiny = model('demo-tiny', { parameterCount: 164_544, embeddingLength: 64, blockCount: 2, vocabSize: 259, contextLength: 512 }, { headCount: 4, headCountKv: 4, ffnDim: 256, tiedOutput: false });
/** `make-model --size small` (llama): 128 dims × 4 blocks. */
export const demoSmall = model('demo-small', { parameterCount: 1_116_032, embeddingLength: 128, blockCount: 4, vocabSize: 259, contextLength: 512 }, { headCount: 4, headCountKv: 4, ffnDim: 512, tiedOutput: false });

const qwen05Header: ShapeFromHeader = { headCount: 14, headCountKv: 2, headDim: 64, ffnDim: 4864, tiedOutput: true };
/** Shaped like Qwen2.5-0.5B. */
export const qwen05 = model(
  'qwen2.5-0.5b',
  {
    architecture: 'qwen2',
    parameterCount: parameterCountFromShape({ vocabSize: 151_936, embeddingDim: 896, blockCount: 24, headCount: 14, headCountKv: 2, headDim: 64, ffnDim: 4864, tiedOutput: true }, { qkvBias: true }),
    embeddingLength: 896,
    blockCount: 24,
    vocabSize: 151_936,
    contextLength: 32_768,
  },
  qwen05Header,
);
/** Shaped like Llama-3.2-3B. */
export const llama3b = model(
  'llama-3.2-3b',
  {
    parameterCount: parameterCountFromShape({ vocabSize: 128_256, embeddingDim: 3072, blockCount: 28, headCount: 24, headCountKv: 8, headDim: 128, ffnDim: 8192, tiedOutput: true }),
    embeddingLength: 3072,
    blockCount: 28,
    vocabSize: 128_256,
    contextLength: 131_072,
  },
  { headCount: 24, headCountKv: 8, headDim: 128, ffnDim: 8192, tiedOutput: true },
);
/** Shaped like Llama-3.1-8B / Mistral-7B. */
export const llama8b = model(
  'llama-3.1-8b',
  {
    parameterCount: parameterCountFromShape({ vocabSize: 128_256, embeddingDim: 4096, blockCount: 32, headCount: 32, headCountKv: 8, headDim: 128, ffnDim: 14_336, tiedOutput: false }),
    embeddingLength: 4096,
    blockCount: 32,
    vocabSize: 128_256,
    contextLength: 131_072,
  },
  { headCount: 32, headCountKv: 8, headDim: 128, ffnDim: 14_336, tiedOutput: false },
);

/** The bundled question/answer sample, prepared for a demo model: ~24 short examples. */
export const qaSet: PlanDataset = { examples: 22, tokens: 22 * 70, estimated: false, longestTokens: 104, p99Tokens: 104, validationExamples: 2 };
export const mediumSet: PlanDataset = { examples: 2_000, tokens: 2_000 * 300, estimated: false, longestTokens: 1_900, p99Tokens: 900, validationExamples: 200 };
export const largeSet: PlanDataset = { examples: 50_000, tokens: 50_000 * 500, estimated: false, longestTokens: 8_000, p99Tokens: 2_600, validationExamples: 5_000 };

export const cpuBox: HardwareReport = {
  os: { platform: 'linux', distro: 'Debian', release: '12', arch: 'x64', hostname: 'box' },
  cpu: { model: 'AMD EPYC', physicalCores: 2, logicalCores: 2, speedGHz: 2.5 },
  memory: { totalBytes: 16 * GiB, availableBytes: 12 * GiB },
  disk: null,
  gpus: [],
  gpuNotes: [],
};

function gpu(index: number, name: string, totalMb: number, usedMb: number): HardwareReport['gpus'][number] {
  return { index, vendor: 'nvidia', name, memoryTotalMb: totalMb, memoryUsedMb: usedMb, driverVersion: '550', cudaVersion: '12.4', utilizationPercent: 0, temperatureC: 40, powerDrawW: 30, powerLimitW: 300 };
}

/** Two GPUs: a busy 24 GiB card at index 0 and an idle 16 GiB one at index 1. */
export const gpuBox: HardwareReport = {
  ...cpuBox,
  memory: { totalBytes: 64 * GiB, availableBytes: 48 * GiB },
  gpus: [gpu(0, 'NVIDIA GeForce RTX 4090', 24_564, 20_000), gpu(1, 'NVIDIA RTX A4000', 16_376, 300)],
};

export const cpuPython: PythonReport = {
  state: 'ready',
  python: '/usr/bin/python3',
  pythonVersion: '3.11.2',
  torchVersion: '1.13.0a0',
  cuda: { available: false, version: null, devices: [] },
  mps: false,
  torchThreads: 2,
  candidates: [],
  advice: null,
};

export const cudaPython: PythonReport = {
  ...cpuPython,
  torchVersion: '2.5.1+cu124',
  cuda: { available: true, version: '12.4', devices: ['NVIDIA GeForce RTX 4090', 'NVIDIA RTX A4000'] },
};

export function inputs(overrides: Partial<PlanInputs> & { fixture?: ModelFixture } = {}): PlanInputs {
  const { fixture = demoSmall, ...rest } = overrides;
  return {
    preset: 'quick',
    overrides: {},
    model: { entry: fixture.entry, header: fixture.header },
    dataset: qaSet,
    hardware: cpuBox,
    python: cpuPython,
    ...rest,
  };
}

/** One 80 GiB GPU, idle: every model here fits, so presets are judged on their own rules. */
export const bigGpuBox: HardwareReport = {
  ...cpuBox,
  memory: { totalBytes: 256 * GiB, availableBytes: 200 * GiB },
  gpus: [gpu(0, 'NVIDIA H100 80GB HBM3', 81_559, 0)],
};
export const bigGpuPython: PythonReport = { ...cudaPython, cuda: { available: true, version: '12.4', devices: ['NVIDIA H100 80GB HBM3'] } };

/** A dataset imported but not prepared for the model: counts guessed, lengths unknown. */
export const unpreparedSet: PlanDataset = { examples: 500, tokens: 500 * 200, estimated: true, longestTokens: null, p99Tokens: null };

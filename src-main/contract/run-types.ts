/**
 * Shapes the Train and Runs pages, `lathe train` and `npm run demo` show. Produced by the
 * training service (src-main/training/runs/), which drives python-runtime's `train` command
 * (docs/training-runtime.md) and keeps each run's events.jsonl and catalog rows.
 */
import type { MemoryEstimate, MemoryDevice } from './memory-types';
import type { PrepareOptions } from './dataset-types';

export type { MemoryEstimate, MemoryDevice, MemoryFit, MemoryPart, MemoryPartName, MemorySuggestion, LoraTarget } from './memory-types';

export type BaseWeights = 'dequantize' | 'quantized';
export const BASE_WEIGHTS: readonly BaseWeights[] = ['dequantize', 'quantized'];

/** Settings derived from the model's size and the dataset's tokens (see `RUN_PRESETS`). */
export type RunPreset = 'quick' | 'balanced' | 'thorough';
export const RUN_PRESETS: readonly RunPreset[] = ['quick', 'balanced', 'thorough'];

/**
 * Every runtime option, in the app's camelCase; run.json's snake_case keys of the same
 * meaning (docs/training-runtime.md). `steps` wins over `epochs` when both are set.
 */
export interface RunSettings {
  lora: {
    rank: number;
    alpha: number;
    dropout: number;
    rslora: boolean;
    targets: ('q' | 'k' | 'v' | 'o' | 'gate' | 'up' | 'down')[];
  };
  optimizer: { lr: number; weightDecay: number };
  schedule: { kind: 'cosine' | 'linear' | 'constant'; warmupSteps: number };
  steps: number | null;
  epochs: number | null;
  microBatchSize: number;
  gradientAccumulation: number;
  /** null: no clipping. */
  maxGradNorm: number | null;
  /** Tokens per example; longer ones are truncated or dropped when the dataset is prepared. */
  maxLength: number;
  seed: number;
  precision: 'auto' | 'fp32' | 'bf16' | 'fp16';
  gradientCheckpointing: boolean;
  packing: boolean;
  /**
   * How a quantized base is held while training (run.json `base_weights`): `dequantize` once
   * at load (fast steps), or `quantized`, kept in its GGUF blocks and dequantized layer by
   * layer in every pass (QLoRA-class memory, slower steps). No effect on a float base.
   */
  baseWeights: BaseWeights;
  /** Validation loss every N steps; 0: only at the end. */
  evalEvery: number;
  /** A checkpoint every N steps; 0: only at the end (and on stop). */
  checkpointEvery: number;
  /** A generated sample for a validation prompt every N steps; 0: none. */
  sampleEvery: number;
  /** `auto`, `cpu`, `cuda`, `cuda:N`, `mps`. */
  device: string;
}

/** Any part of the settings, merged over the preset's. */
export interface RunSettingsOverrides extends Partial<Omit<RunSettings, 'lora' | 'optimizer' | 'schedule'>> {
  lora?: Partial<RunSettings['lora']>;
  optimizer?: Partial<RunSettings['optimizer']>;
  schedule?: Partial<RunSettings['schedule']>;
}

/** What the wizard and `lathe train` ask for. */
export interface RunRequest {
  modelId: string;
  datasetId: string;
  preset: RunPreset;
  settings?: RunSettingsOverrides;
  /** Preparation options beyond `maxLength` (which comes from the settings). */
  prepare?: Partial<Omit<PrepareOptions, 'maxLength'>>;
  /** Shown in history; default "<model> on <dataset>". */
  name?: string;
}

/** The wizard's preview of a run, recomputed as settings change; nothing is started. */
export interface RunPlan {
  preset: RunPreset;
  settings: RunSettings;
  /** Why the preset chose what it chose, one line each. */
  presetReasons: string[];
  /** Invalid combinations, each a sentence saying what to change; the run cannot start while any remain. */
  problems: string[];
  /** Allowed but worth a look (e.g. more steps than examples warrant). */
  warnings: string[];
  /** Examples and tokens of the training split, when the dataset has been prepared with these options before; else estimated from its rows. */
  dataset: { examples: number; tokens: number; estimated: boolean };
  totalSteps: number;
  device: MemoryDevice & { label: string };
  memory: MemoryEstimate;
}

/** From `runs.measureSpeed`: a few real steps of the planned run, timed. */
export interface RunSpeed {
  secondsPerStep: number;
  tokensPerSecond: number;
  /** Set-up (load, first step) measured apart from the per-step time. */
  startupSeconds: number;
  estimatedSeconds: number;
}

export type RunStatus =
  | 'queued' // waiting for the device
  | 'preparing' // the dataset is being prepared for the model
  | 'starting' // the runtime is loading
  | 'running'
  | 'paused'
  | 'stopping' // a checkpoint is being written before it stops
  | 'completed'
  | 'stopped' // stopped by the person; resumable from its last checkpoint
  | 'failed'
  | 'interrupted'; // left running when the app died; resumable from its last checkpoint

export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ['queued', 'preparing', 'starting', 'running', 'paused', 'stopping'];

/** The runtime's error kinds (docs/training-runtime.md) plus the app's own. */
export type RunErrorKind = 'config' | 'unsupported_model' | 'out_of_memory' | 'data' | 'internal' | 'crashed' | 'disk_full' | 'prepare';

export interface RunError {
  kind: RunErrorKind;
  message: string;
  /** The last 50 lines of the runtime's log (stderr). */
  logTail: string[];
}

export interface RunEntry {
  id: string;
  name: string;
  modelId: string;
  /** Kept so history reads well after the model or dataset is removed. */
  modelName: string;
  datasetId: string;
  datasetName: string;
  preset: RunPreset;
  settings: RunSettings;
  status: RunStatus;
  /** Place in the queue (1 = next), when queued. */
  queuePosition: number | null;
  step: number;
  totalSteps: number | null;
  trainLoss: number | null;
  valLoss: number | null;
  /** Seconds spent training (pauses and queueing not counted). */
  activeSeconds: number;
  etaSeconds: number | null;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  error: RunError | null;
  /** The run's folder (events.jsonl, log, checkpoints, adapter). */
  dir: string;
  /** The final adapter (GGUF) once done; else the last checkpoint's. */
  adapterPath: string | null;
  lastCheckpoint: { step: number; path: string } | null;
  /** Stopped, failed after a checkpoint, or interrupted runs with a checkpoint can resume. */
  resumable: boolean;
  /** The estimate shown when it started, beside the measured peak, so the estimator can be checked. */
  memory: { estimatedBytes: number | null; measuredPeakBytes: number | null; device: string | null };
}

/** One `step` event's numbers, as charts plot them. */
export interface RunTrainPoint {
  step: number;
  time: number;
  loss: number | null;
  lr: number;
  gradNorm: number | null;
  tokensPerSecond: number;
  memoryBytes: number | null;
}

/** One validation loss. */
export interface RunEvalPoint {
  step: number;
  valLoss: number | null;
}

/** Columnar series: index i of every array in a group is one point. */
export interface RunMetrics {
  train: {
    step: number[];
    time: number[];
    loss: (number | null)[];
    lr: number[];
    gradNorm: (number | null)[];
    tokensPerSecond: number[];
    memoryBytes: (number | null)[];
  };
  eval: { step: number[]; valLoss: (number | null)[] };
}

export interface RunSample {
  step: number;
  prompt: string;
  output: string;
  reference: string | null;
}

export interface RunDetail {
  run: RunEntry;
  metrics: RunMetrics;
  samples: RunSample[];
  /** The last lines of the runtime's human log. */
  logTail: string[];
}

export type RunEvent =
  | { type: 'changed'; run: RunEntry }
  | { type: 'removed'; id: string }
  | {
      type: 'metrics';
      id: string;
      train?: RunTrainPoint;
      eval?: RunEvalPoint;
    }
  | { type: 'sample'; id: string; sample: RunSample }
  | { type: 'log'; id: string; lines: string[] }
  | { type: 'prepare-progress'; id: string; examples: number; total: number | null }
  /** A run reached completed, stopped or failed (the UI shows a toast; the desktop app also notifies). */
  | { type: 'finished'; run: RunEntry };

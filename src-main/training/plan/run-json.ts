/**
 * The run.json the training runtime reads (python-runtime/lathe_runtime/train/config.py;
 * docs/training-runtime.md): the app's camelCase settings in the runtime's snake_case. Every
 * setting is written, defaults included, so the file alone says how the run was made.
 */
import type { RunSettings } from '../../contract/run-types';

export interface RunJsonOptions {
  /** Train exactly this many steps (a speed measurement's few), whatever the settings say. */
  stepsOverride?: number;
  /** CPU threads for the runtime (the app passes the physical cores); absent: the runtime's default. */
  threads?: number;
}

export function runJsonFor(
  settings: RunSettings,
  paths: { baseModel: string; data: string; outputDir: string },
  options: RunJsonOptions = {},
): Record<string, unknown> {
  // The runtime refuses steps and epochs together; in the app's settings steps wins.
  const steps = options.stepsOverride ?? settings.steps;
  const epochs = steps === null ? settings.epochs : null;
  const json: Record<string, unknown> = {
    base_model: paths.baseModel,
    data: paths.data,
    output_dir: paths.outputDir,
    lora: {
      rank: settings.lora.rank,
      alpha: settings.lora.alpha,
      dropout: settings.lora.dropout,
      rslora: settings.lora.rslora,
      targets: [...settings.lora.targets],
    },
    optimizer: { lr: settings.optimizer.lr, weight_decay: settings.optimizer.weightDecay },
    schedule: { kind: settings.schedule.kind, warmup_steps: settings.schedule.warmupSteps },
    steps,
    epochs,
    micro_batch_size: settings.microBatchSize,
    gradient_accumulation: settings.gradientAccumulation,
    max_grad_norm: settings.maxGradNorm,
    max_length: settings.maxLength,
    seed: settings.seed,
    precision: settings.precision,
    gradient_checkpointing: settings.gradientCheckpointing,
    packing: settings.packing,
    base_weights: settings.baseWeights,
    eval_every: settings.evalEvery,
    checkpoint_every: settings.checkpointEvery,
    sample_every: settings.sampleEvery,
    device: settings.device,
  };
  if (options.threads !== undefined) json.threads = options.threads;
  return json;
}

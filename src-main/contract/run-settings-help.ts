/**
 * A label and one plain sentence for every run setting, keyed by its path in `RunSettings`
 * (`lora.rank`, `optimizer.lr`, `microBatchSize`…): the run wizard's advanced panel shows
 * them beside each field, and the planner names settings by these labels in its messages.
 */
export interface RunSettingHelp {
  label: string;
  help: string;
}

export const RUN_SETTING_HELP: Record<string, RunSettingHelp> = {
  'lora.rank': {
    label: 'LoRA rank',
    help: 'The size of the adapter: higher ranks can learn more but need more data, memory and time.',
  },
  'lora.alpha': {
    label: 'LoRA alpha',
    help: 'Scales how strongly the adapter changes the model; twice the rank is the usual choice.',
  },
  'lora.dropout': {
    label: 'LoRA dropout',
    help: 'The share of the adapter input randomly zeroed during training, which helps against overfitting on large datasets.',
  },
  'lora.rslora': {
    label: 'Rank-stabilized scaling',
    help: 'Scales the adapter by alpha divided by the square root of the rank instead of the rank, which keeps high ranks learning.',
  },
  'lora.targets': {
    label: 'LoRA targets',
    help: 'The layers that get an adapter: the attention projections (q, k, v, o) and the feed-forward ones (gate, up, down).',
  },
  'optimizer.lr': {
    label: 'Learning rate',
    help: 'How big each update is: too high and the loss jumps or diverges, too low and it barely moves.',
  },
  'optimizer.weightDecay': {
    label: 'Weight decay',
    help: 'Pulls the adapter weights gently toward zero at every step; 0 turns it off.',
  },
  'schedule.kind': {
    label: 'Schedule',
    help: 'How the learning rate falls after the warmup: cosine and linear decay to zero, constant stays put.',
  },
  'schedule.warmupSteps': {
    label: 'Warmup steps',
    help: 'Steps over which the learning rate rises from zero to its full value, so the first updates stay small.',
  },
  steps: {
    label: 'Steps',
    help: 'Optimizer steps to train for; when set it wins over epochs.',
  },
  epochs: {
    label: 'Epochs',
    help: 'Passes over the training examples; with neither steps nor epochs set the run makes one pass.',
  },
  microBatchSize: {
    label: 'Micro batch size',
    help: 'Examples computed together in one forward and backward pass; the main lever on memory.',
  },
  gradientAccumulation: {
    label: 'Gradient accumulation',
    help: 'Micro-batches added up before each update, giving a bigger batch without more memory.',
  },
  maxGradNorm: {
    label: 'Gradient clipping',
    help: 'The largest gradient norm allowed before an update is scaled down; empty means no clipping.',
  },
  maxLength: {
    label: 'Max length',
    help: 'The most tokens of an example the model sees; longer examples are truncated or dropped when the dataset is prepared.',
  },
  seed: {
    label: 'Seed',
    help: 'Makes the adapter initialization and the order of examples repeatable.',
  },
  precision: {
    label: 'Precision',
    help: 'The number format the model computes in: auto picks bf16 or fp16 where the device handles them natively, else fp32.',
  },
  gradientCheckpointing: {
    label: 'Gradient checkpointing',
    help: 'Saves memory by recomputing activations during the backward pass, at about a third more work per step.',
  },
  packing: {
    label: 'Packing',
    help: 'Puts several short examples into one row up to the max length, so less time is spent on padding.',
  },
  baseWeights: {
    label: 'Low-memory base',
    help: 'Keeps a quantized base (Q4_K, Q8_0…) in its compressed blocks and expands one layer at a time: far less memory, slower steps.',
  },
  evalEvery: {
    label: 'Evaluate every',
    help: 'Steps between validation loss measurements; 0 measures only at the end.',
  },
  checkpointEvery: {
    label: 'Checkpoint every',
    help: 'Steps between saved checkpoints a run can resume from; 0 saves only at the end and when stopped.',
  },
  sampleEvery: {
    label: 'Sample every',
    help: 'Steps between generated answers to a validation prompt, to see what the model is learning; 0 turns them off.',
  },
  device: {
    label: 'Device',
    help: 'Where the run trains: auto picks a CUDA GPU, then an Apple GPU, then the CPU.',
  },
};

/** The label of a setting path, or the path itself for one without help. */
export function runSettingLabel(path: string): string {
  return RUN_SETTING_HELP[path]?.label ?? path;
}

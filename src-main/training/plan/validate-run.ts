/**
 * What is wrong with a planned run, and what is merely odd. Every problem is collected (STYLE:
 * validation that reports everything at once) and each is a sentence saying what to change;
 * the run cannot start while any remain. Warnings are allowed combinations worth a look.
 */
import type { ModelEntry } from '../../contract/model-types';
import type { RunSettings } from '../../contract/run-types';
import type { PythonReport } from '../../contract/system-types';
import type { MemoryEstimate } from '../../contract/memory-types';
import { QUANTIZED_TENSOR_TYPES } from '../../models/gguf/trainable-types';
import { formatBytes } from '../memory-units';
import type { PlanDevice } from './plan-device';
import type { PlanDataset } from './plan-types';
import { rangeProblems } from './settings-ranges';
import type { StepCounts } from './total-steps';

/** Beyond this many passes over the data an adapter learns the examples by heart. */
const MEMORIZING_EPOCHS = 100;
/** Rates above these diverge on the models measured (DESIGN §7: 1e-2 diverges past toy sizes). */
const DIVERGING_LR = 1e-2;
const HIGH_LR_FOR_REAL_MODELS = 1e-3;
const TOY_PARAMETERS = 50e6;

export interface RunCheck {
  settings: RunSettings;
  entry: ModelEntry;
  dataset: PlanDataset;
  /** Whether the prepared data will have a validation split; null when it cannot be told. */
  hasValidation: boolean | null;
  overlong: 'truncate' | 'drop';
  python: PythonReport;
  device: PlanDevice;
  counts: StepCounts;
  memory: MemoryEstimate | null;
  /** Why the estimate is approximate or missing; null when it is exact. */
  memoryNote: string | null;
}

export interface RunVerdict {
  problems: string[];
  warnings: string[];
}

export function checkRun(check: RunCheck): RunVerdict {
  const problems = [...modelProblems(check.entry), ...pythonProblems(check.python), ...rangeProblems(check.settings), ...check.device.problems];
  const warnings: string[] = [];
  const { settings, dataset, counts } = check;
  const facts = check.entry.facts;
  const examples = dataset.examples;

  if (!(examples > 0)) {
    problems.push('The dataset has no training examples: fix or replace its rows (the Datasets page lists why each was skipped), or lower the validation share.');
  }
  if (facts?.embeddingLength && settings.lora.rank > facts.embeddingLength) {
    problems.push(`LoRA rank ${settings.lora.rank} is larger than the model's hidden size (${facts.embeddingLength}): choose a rank of at most ${facts.embeddingLength}; 8 to 64 is usual.`);
  }
  const batch = settings.microBatchSize * settings.gradientAccumulation;
  if (examples > 0 && batch > examples) {
    problems.push(
      `Each step would take ${batch} examples (micro batch ${settings.microBatchSize} × accumulation ${settings.gradientAccumulation}) but the training split has ${examples}: lower the micro batch size or gradient accumulation so their product is at most ${examples}.`,
    );
  }
  if (check.hasValidation === false) {
    if (settings.evalEvery > 0) problems.push(`Evaluate every is ${settings.evalEvery}, but the dataset has no validation split: set it to 0, or hold out a share of the examples for validation.`);
    if (settings.sampleEvery > 0) problems.push(`Sample every is ${settings.sampleEvery}, but samples are drawn from the validation split and there is none: set it to 0, or hold out a share of the examples.`);
  }
  lengthChecks(check, problems, warnings);
  precisionChecks(check, problems, warnings);
  if (settings.baseWeights === 'quantized' && facts && !Object.keys(facts.tensorTypes).some((type) => QUANTIZED_TENSOR_TYPES.includes(type))) {
    const stored = Object.keys(facts.tensorTypes).join(', ');
    warnings.push(`The low-memory base has nothing to keep quantized: this model stores its tensors as ${stored}, so it is dequantized as usual.`);
  }

  if (settings.steps !== null && settings.epochs !== null) warnings.push(`Both steps (${settings.steps}) and epochs (${settings.epochs}) are set: the run takes ${settings.steps} steps and ignores epochs.`);
  const total = counts.totalSteps;
  if (total > 0) {
    if (settings.schedule.warmupSteps >= total) warnings.push(`Warmup (${settings.schedule.warmupSteps} steps) is as long as the whole run (${total} steps): the learning rate never reaches its full value.`);
    if (settings.evalEvery > total) warnings.push(`Evaluate every ${settings.evalEvery} steps is more than the run's ${total}: validation loss is measured only at the end.`);
    if (settings.checkpointEvery > total) warnings.push(`Checkpoint every ${settings.checkpointEvery} steps is more than the run's ${total}: only the final checkpoint is written.`);
    if (settings.sampleEvery > total) warnings.push(`Sample every ${settings.sampleEvery} steps is more than the run's ${total}: no sample is generated.`);
  }
  if (counts.epochs > MEMORIZING_EPOCHS) {
    warnings.push(`The run makes about ${Math.round(counts.epochs)} passes over ${examples} examples: the adapter will likely learn them by heart rather than generalize.`);
  }
  if (settings.optimizer.lr > DIVERGING_LR) {
    warnings.push(`A learning rate of ${settings.optimizer.lr} is very high: LoRA training usually diverges above 1e-2.`);
  } else if (facts !== null && facts.parameterCount > TOY_PARAMETERS && settings.optimizer.lr > HIGH_LR_FOR_REAL_MODELS) {
    warnings.push(`A learning rate of ${settings.optimizer.lr} is high for a model of this size: 1e-4 to 5e-4 is usual, and the loss may jump.`);
  }
  memoryChecks(check, warnings);
  return { problems, warnings };
}

function modelProblems(entry: ModelEntry): string[] {
  if (entry.status === 'missing') return [`The model file is missing (${entry.path}): put it back, or choose another model.`];
  if (entry.status === 'invalid') return [`The model file cannot be read (${entry.problem ?? 'it is not a valid GGUF file'}): choose another model.`];
  if (entry.facts === null) return ["The model's header has not been read yet: wait until the Models page lists its details, or choose another model."];
  if (!entry.facts.trainable) return [`This model cannot be trained here: ${entry.facts.notTrainableReason ?? 'its architecture or tensor types are not supported'}. Choose another model.`];
  return [];
}

function pythonProblems(python: PythonReport): string[] {
  if (python.state === 'ready') return [];
  const what = python.state === 'no_python' ? 'No Python interpreter was found' : 'Python was found, but without PyTorch';
  return [`${what}, so nothing can train yet: ${python.advice ?? 'install Python 3 with torch, then check the System page'}`.replace(/\.?$/, '.')];
}

function lengthChecks(check: RunCheck, problems: string[], warnings: string[]): void {
  const { settings, dataset, overlong } = check;
  const maxLength = settings.maxLength;
  const longest = dataset.longestTokens;
  const context = check.entry.facts?.contextLength ?? null;
  if (longest !== null && longest > maxLength && overlong === 'drop') {
    if (settings.packing) {
      problems.push(`Packing is on with max length ${maxLength}, below the longest example (${longest} tokens), and long examples are dropped rather than truncated: raise max length to ${longest}, or truncate long examples.`);
    } else {
      warnings.push(`Examples longer than max length ${maxLength} are dropped (the longest has ${longest} tokens): raise max length or truncate them to keep them.`);
    }
  } else if (overlong === 'truncate') {
    const p99 = dataset.p99Tokens ?? null;
    if (p99 !== null && p99 > maxLength) warnings.push(`More than 1% of the examples are longer than max length ${maxLength} and will be truncated (99% fit in ${p99} tokens).`);
    else if (longest !== null && longest > maxLength) warnings.push(`The longest examples (up to ${longest} tokens) will be truncated to max length ${maxLength}.`);
  }
  if (context !== null && context > 0 && maxLength > context) {
    warnings.push(`Max length ${maxLength} is beyond the model's context of ${context} tokens: it was not trained on positions that far, so keep max length at or below ${context}.`);
  }
}

function precisionChecks(check: RunCheck, problems: string[], warnings: string[]): void {
  const { precision } = check.settings;
  const kind = check.device.memory?.kind ?? deviceKind(check.device.name);
  if (precision === 'fp16' && kind !== 'cuda') {
    problems.push(`fp16 needs a CUDA GPU and this run is on ${check.device.name}: choose auto, bf16 or fp32.`);
  }
  if (precision === 'bf16' && kind === 'cpu') {
    warnings.push('bf16 on a CPU runs many times slower than fp32 unless the CPU has bf16 instructions (AVX512-BF16 or AMX); auto picks it only where they exist.');
  }
}

function memoryChecks(check: RunCheck, warnings: string[]): void {
  const { memory, memoryNote, device } = check;
  if (memory === null) {
    warnings.push(`No memory estimate: ${memoryNote ?? 'the settings above need fixing first'}.`);
    return;
  }
  if (memoryNote !== null) warnings.push(`The memory estimate is approximate: ${memoryNote}.`);
  if (device.memory === null) {
    warnings.push(`The memory of ${device.name} is not known, so whether ${formatBytes(memory.totalBytes)} fits cannot be judged.`);
    return;
  }
  if (memory.fits === 'no') {
    const first = memory.suggestions[0];
    warnings.push(
      `The run needs about ${formatBytes(memory.totalBytes)}, more than the ${formatBytes(device.memory.freeBytes ?? device.memory.totalBytes)} available on ${device.name}: it will likely fail out of memory.` +
        (first === undefined ? '' : ` ${first}.`),
    );
  }
}

function deviceKind(name: string): 'cuda' | 'mps' | 'cpu' {
  return name.startsWith('cuda') ? 'cuda' : name === 'mps' ? 'mps' : 'cpu';
}

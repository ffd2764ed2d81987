/**
 * Each setting on its own: the same types and ranges as the contract's schema for
 * `RunSettingsOverrides` (contract.ts), checked again here because the planner is also called
 * with settings that never crossed the contract (the CLI's `--set`, tests, a stored run).
 */
import { runSettingLabel } from '../../contract/run-settings-help';
import type { RunSettings } from '../../contract/run-types';
import { ALL_TARGETS } from './preset-table';

interface Range {
  path: string;
  value: (settings: RunSettings) => unknown;
  ok: (value: unknown) => boolean;
  expected: string;
}

const isWhole = (low: number, high: number) => (value: unknown) =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= low && value <= high;
const isNumber = (low: number, high: number, lowOpen = false) => (value: unknown) =>
  typeof value === 'number' && Number.isFinite(value) && (lowOpen ? value > low : value >= low) && value <= high;
const orNull = (check: (value: unknown) => boolean) => (value: unknown) => value === null || check(value);
const isBoolean = (value: unknown) => typeof value === 'boolean';
const oneOf = (choices: readonly string[]) => (value: unknown) => typeof value === 'string' && choices.includes(value);

const RANGES: readonly Range[] = [
  { path: 'lora.rank', value: (s) => s.lora.rank, ok: isWhole(1, 1024), expected: 'a whole number from 1 to 1024' },
  { path: 'lora.alpha', value: (s) => s.lora.alpha, ok: isNumber(0, 1e6, true), expected: 'a number above 0' },
  { path: 'lora.dropout', value: (s) => s.lora.dropout, ok: isNumber(0, 0.9), expected: 'a number from 0 to 0.9' },
  { path: 'lora.rslora', value: (s) => s.lora.rslora, ok: isBoolean, expected: 'on or off' },
  { path: 'optimizer.lr', value: (s) => s.optimizer.lr, ok: isNumber(0, 1, true), expected: 'a number above 0 and at most 1' },
  { path: 'optimizer.weightDecay', value: (s) => s.optimizer.weightDecay, ok: isNumber(0, 10), expected: 'a number from 0 to 10' },
  { path: 'schedule.kind', value: (s) => s.schedule.kind, ok: oneOf(['cosine', 'linear', 'constant']), expected: 'cosine, linear or constant' },
  { path: 'schedule.warmupSteps', value: (s) => s.schedule.warmupSteps, ok: isWhole(0, 1e7), expected: 'a whole number of 0 or more' },
  { path: 'steps', value: (s) => s.steps, ok: orNull(isWhole(1, 1e8)), expected: 'a whole number of 1 or more, or empty' },
  { path: 'epochs', value: (s) => s.epochs, ok: orNull(isNumber(0, 1e4, true)), expected: 'a number above 0, or empty' },
  { path: 'microBatchSize', value: (s) => s.microBatchSize, ok: isWhole(1, 4096), expected: 'a whole number from 1 to 4096' },
  { path: 'gradientAccumulation', value: (s) => s.gradientAccumulation, ok: isWhole(1, 4096), expected: 'a whole number from 1 to 4096' },
  { path: 'maxGradNorm', value: (s) => s.maxGradNorm, ok: orNull(isNumber(0, 1e6, true)), expected: 'a number above 0, or empty for no clipping' },
  { path: 'maxLength', value: (s) => s.maxLength, ok: isWhole(16, 1 << 20), expected: 'a whole number of at least 16' },
  { path: 'seed', value: (s) => s.seed, ok: isWhole(0, 2 ** 31), expected: 'a whole number from 0 to 2147483648' },
  { path: 'precision', value: (s) => s.precision, ok: oneOf(['auto', 'fp32', 'bf16', 'fp16']), expected: 'auto, fp32, bf16 or fp16' },
  { path: 'gradientCheckpointing', value: (s) => s.gradientCheckpointing, ok: isBoolean, expected: 'on or off' },
  { path: 'packing', value: (s) => s.packing, ok: isBoolean, expected: 'on or off' },
  { path: 'baseWeights', value: (s) => s.baseWeights, ok: oneOf(['dequantize', 'quantized']), expected: 'dequantize or quantized' },
  { path: 'evalEvery', value: (s) => s.evalEvery, ok: isWhole(0, 1e8), expected: 'a whole number of 0 or more' },
  { path: 'checkpointEvery', value: (s) => s.checkpointEvery, ok: isWhole(0, 1e8), expected: 'a whole number of 0 or more' },
  { path: 'sampleEvery', value: (s) => s.sampleEvery, ok: isWhole(0, 1e8), expected: 'a whole number of 0 or more' },
  { path: 'device', value: (s) => s.device, ok: (v) => typeof v === 'string' && /^(auto|cpu|mps|cuda(:\d{1,2})?)$/.test(v), expected: 'auto, cpu, mps, cuda or cuda:N' },
];

/** Every setting outside its range, one sentence each; an empty list when all are in range. */
export function rangeProblems(settings: RunSettings): string[] {
  const problems: string[] = [];
  for (const range of RANGES) {
    const value = range.value(settings);
    if (!range.ok(value)) problems.push(`${runSettingLabel(range.path)} is ${shown(value)}; set it to ${range.expected}.`);
  }
  const targets: unknown = settings.lora.targets;
  if (!Array.isArray(targets) || targets.length === 0) {
    problems.push('No LoRA targets are chosen: pick at least one layer (q, k, v, o, gate, up or down) for the adapter.');
  } else {
    const unknown = targets.filter((t) => !ALL_TARGETS.includes(t));
    if (unknown.length > 0) problems.push(`LoRA targets has ${unknown.map(shown).join(', ')}; the targets are q, k, v, o, gate, up and down.`);
    else if (new Set(targets).size !== targets.length) problems.push('LoRA targets names a layer more than once: list each once.');
  }
  return problems;
}

function shown(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  const text = typeof value === 'string' ? `"${value}"` : JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

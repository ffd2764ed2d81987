/**
 * The advanced settings as form fields: each setting's path in `RunSettings` (the key of its
 * help text), the kind of input, and the bounds the contract accepts. Reading a value and
 * writing a change go through the path, so the panel is one loop over this list.
 */
import type { RunSettings, RunSettingsOverrides } from '../../../../../src-main/contract';

export type SettingField =
  | { path: string; kind: 'integer' | 'number'; min: number; max: number; step?: number; nullable?: boolean }
  | { path: string; kind: 'switch' }
  | { path: string; kind: 'choice'; options: readonly string[] }
  | { path: string; kind: 'targets' }
  | { path: string; kind: 'device' };

export const LORA_TARGETS = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const;

export const SETTING_GROUPS: readonly { title: string; fields: readonly SettingField[] }[] = [
  {
    title: 'Length and batches',
    fields: [
      { path: 'steps', kind: 'integer', min: 1, max: 1e8, nullable: true },
      { path: 'epochs', kind: 'number', min: 0.01, max: 1e4, step: 0.5, nullable: true },
      { path: 'maxLength', kind: 'integer', min: 16, max: 1 << 20, step: 64 },
      { path: 'microBatchSize', kind: 'integer', min: 1, max: 4096 },
      { path: 'gradientAccumulation', kind: 'integer', min: 1, max: 4096 },
      { path: 'packing', kind: 'switch' },
    ],
  },
  {
    title: 'Optimizer',
    fields: [
      { path: 'optimizer.lr', kind: 'number', min: 1e-7, max: 1, step: 1e-4 },
      { path: 'optimizer.weightDecay', kind: 'number', min: 0, max: 10, step: 0.01 },
      { path: 'schedule.kind', kind: 'choice', options: ['cosine', 'linear', 'constant'] },
      { path: 'schedule.warmupSteps', kind: 'integer', min: 0, max: 1e7 },
      { path: 'maxGradNorm', kind: 'number', min: 0.001, max: 1e6, step: 0.1, nullable: true },
    ],
  },
  {
    title: 'Adapter',
    fields: [
      { path: 'lora.rank', kind: 'integer', min: 1, max: 1024 },
      { path: 'lora.alpha', kind: 'number', min: 0.001, max: 1e6 },
      { path: 'lora.dropout', kind: 'number', min: 0, max: 0.9, step: 0.05 },
      { path: 'lora.rslora', kind: 'switch' },
      { path: 'lora.targets', kind: 'targets' },
    ],
  },
  {
    title: 'Device and memory',
    fields: [
      { path: 'device', kind: 'device' },
      { path: 'precision', kind: 'choice', options: ['auto', 'fp32', 'bf16', 'fp16'] },
      { path: 'gradientCheckpointing', kind: 'switch' },
      // Offered for every base; the plan warns when the file holds no quantized blocks to keep.
      { path: 'baseWeights', kind: 'choice', options: ['dequantize', 'quantized'] },
      { path: 'seed', kind: 'integer', min: 0, max: 2 ** 31 },
    ],
  },
  {
    title: 'While it trains',
    fields: [
      { path: 'evalEvery', kind: 'integer', min: 0, max: 1e8 },
      { path: 'checkpointEvery', kind: 'integer', min: 0, max: 1e8 },
      { path: 'sampleEvery', kind: 'integer', min: 0, max: 1e8 },
    ],
  },
];

/** The value at `path` ("lora.rank"): the person's change when there is one, else the plan's. */
export function settingValue(settings: RunSettings, overrides: RunSettingsOverrides, path: string): unknown {
  const changed = readPath(overrides, path);
  return changed !== undefined ? changed : readPath(settings, path);
}

/** Whether the person changed this setting away from the preset. */
export function isChanged(overrides: RunSettingsOverrides, path: string): boolean {
  return readPath(overrides, path) !== undefined;
}

/** The overrides that set `path` to `value` ("lora.rank", 8 → { lora: { rank: 8 } }). */
export function changeAt(path: string, value: unknown): RunSettingsOverrides {
  const [head, tail] = path.split('.', 2) as [string, string | undefined];
  return (tail === undefined ? { [head]: value } : { [head]: { [tail]: value } }) as RunSettingsOverrides;
}

function readPath(source: object, path: string): unknown {
  let value: unknown = source;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * What `lathe train` is asked, read from its arguments: a pure function, so every bad input
 * has a test. `--set key=value` may repeat; keys are RunSettings paths (`lora.rank`,
 * `optimizer.lr`, `microBatchSize`…) and values are read as each key's type. Ranges are then
 * checked by the same schema the app's calls use; combinations are judged by the run plan.
 */
import { contract, RUN_PRESETS, type RunPreset, type RunSettingsOverrides } from '../contract';
import { parseArgs, UsageError } from './args';

export const TRAIN_USAGE = `Usage: lathe train --model FILE|ID --dataset FILE|ID [--preset quick|balanced|thorough] [--steps N]
                   [--set key=value …] [--out DIR] [--json]
  --preset   settings derived from the model's size and the dataset (default quick)
  --steps    optimizer steps (the same as --set steps=N)
  --set      any run setting, e.g. --set lora.rank=8 --set optimizer.lr=3e-3 --set lora.targets=q,v
  --out      copy the adapter (GGUF) and its PEFT folder here at the end
  --json     print the runtime's events, one JSON object a line, instead of a progress bar
Ctrl-C stops the run after a checkpoint (a second Ctrl-C ends it at once).`;

type SettingKind = 'int' | 'number' | 'boolean' | 'targets' | 'string' | readonly string[];

/** Every key `--set` takes, with how its value is read; `nullable` keys also take `none`. */
export const SETTING_KEYS: Readonly<Record<string, { kind: SettingKind; nullable?: true }>> = {
  'lora.rank': { kind: 'int' },
  'lora.alpha': { kind: 'number' },
  'lora.dropout': { kind: 'number' },
  'lora.rslora': { kind: 'boolean' },
  'lora.targets': { kind: 'targets' },
  'optimizer.lr': { kind: 'number' },
  'optimizer.weightDecay': { kind: 'number' },
  'schedule.kind': { kind: ['cosine', 'linear', 'constant'] },
  'schedule.warmupSteps': { kind: 'int' },
  steps: { kind: 'int', nullable: true },
  epochs: { kind: 'number', nullable: true },
  microBatchSize: { kind: 'int' },
  gradientAccumulation: { kind: 'int' },
  maxGradNorm: { kind: 'number', nullable: true },
  maxLength: { kind: 'int' },
  seed: { kind: 'int' },
  precision: { kind: ['auto', 'fp32', 'bf16', 'fp16'] },
  gradientCheckpointing: { kind: 'boolean' },
  packing: { kind: 'boolean' },
  evalEvery: { kind: 'int' },
  checkpointEvery: { kind: 'int' },
  sampleEvery: { kind: 'int' },
  device: { kind: 'string' },
};

const LORA_TARGETS = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const;

export interface TrainArgs {
  /** A file path or a library id, as given. */
  model: string;
  dataset: string;
  preset: RunPreset;
  settings: RunSettingsOverrides;
  out: string | null;
  json: boolean;
}

export function parseTrainArgs(argv: readonly string[]): TrainArgs {
  // `--set` repeats, which the shared reader does not allow: take those out first.
  const sets: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--set') {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--set needs key=value\n${TRAIN_USAGE}`);
      sets.push(value);
    } else if (arg.startsWith('--set=')) sets.push(arg.slice('--set='.length));
    else rest.push(arg);
  }
  const { words, flags } = parseArgs(rest, { model: 'string', dataset: 'string', preset: 'string', steps: 'string', out: 'string', json: 'boolean' });
  if (words.length > 0) throw new UsageError(`Unexpected argument "${words[0]}"\n${TRAIN_USAGE}`);
  if (typeof flags.model !== 'string' || typeof flags.dataset !== 'string') throw new UsageError(`--model and --dataset are required\n${TRAIN_USAGE}`);
  const preset = flags.preset ?? 'quick';
  if (typeof preset !== 'string' || !(RUN_PRESETS as readonly string[]).includes(preset)) {
    throw new UsageError(`--preset must be one of ${RUN_PRESETS.join(', ')}, not "${String(preset)}"`);
  }

  const settings: RunSettingsOverrides = {};
  for (const assignment of sets) applySetting(settings, assignment);
  if (flags.steps !== undefined) settings.steps = readValue('steps', String(flags.steps), SETTING_KEYS.steps as { kind: SettingKind }) as number;

  // The ranges the app's own calls are held to (`runs.start`'s schema), so both refuse the same values.
  const checked = contract['runs.start'].input.shape.settings.safeParse(settings);
  if (!checked.success) {
    throw new UsageError(checked.error.issues.map((issue) => `--set ${issue.path.join('.')}: ${issue.message}`).join('\n'));
  }
  return { model: flags.model, dataset: flags.dataset, preset: preset as RunPreset, settings, out: typeof flags.out === 'string' ? flags.out : null, json: flags.json === true };
}

/** `key=value` merged into `settings`; an unknown key lists the valid ones. */
export function applySetting(settings: RunSettingsOverrides, assignment: string): void {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set takes key=value, not "${assignment}"`);
  const key = assignment.slice(0, eq).trim();
  const spec = SETTING_KEYS[key];
  if (spec === undefined) throw new UsageError(`Unknown setting "${key}". Valid keys: ${Object.keys(SETTING_KEYS).join(', ')}`);
  const value = readValue(key, assignment.slice(eq + 1).trim(), spec);
  const [group, field] = key.includes('.') ? (key.split('.') as [string, string]) : [null, key];
  // Writes by name into the overrides object; the schema check afterwards holds the types to account.
  const target = (group === null ? settings : ((settings as Record<string, Record<string, unknown>>)[group] ??= {})) as Record<string, unknown>;
  target[field] = value;
}

function readValue(key: string, text: string, spec: { kind: SettingKind; nullable?: true }): unknown {
  const bad = (expected: string): never => {
    throw new UsageError(`--set ${key}: expected ${expected}${spec.nullable ? ' or none' : ''}, not "${text}"`);
  };
  if (spec.nullable && (text === 'none' || text === 'null')) return null;
  const { kind } = spec;
  if (Array.isArray(kind)) return kind.includes(text) ? text : bad(`one of ${kind.join(', ')}`);
  switch (kind) {
    case 'int': {
      const n = Number(text);
      return text !== '' && Number.isInteger(n) ? n : bad('a whole number');
    }
    case 'number': {
      const n = Number(text);
      return text !== '' && Number.isFinite(n) ? n : bad('a number');
    }
    case 'boolean':
      if (['true', 'yes', 'on', '1'].includes(text)) return true;
      if (['false', 'no', 'off', '0'].includes(text)) return false;
      return bad('true or false');
    case 'targets': {
      const targets = text.split(',').map((part) => part.trim());
      const unknown = targets.filter((target) => !(LORA_TARGETS as readonly string[]).includes(target));
      if (text === '' || unknown.length > 0) return bad(`a comma-separated list of ${LORA_TARGETS.join(', ')}`);
      return [...new Set(targets)];
    }
    default:
      return text === '' ? bad('a value') : text;
  }
}

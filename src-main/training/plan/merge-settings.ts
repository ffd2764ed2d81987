/**
 * The person's overrides laid over a preset's settings. Sections merge key by key; a key given
 * as undefined is no override. Giving `steps` alone clears the preset's `epochs` and the other
 * way round: the person chose how the run's length is counted.
 */
import type { RunSettings, RunSettingsOverrides } from '../../contract/run-types';

export function mergeSettings(base: RunSettings, overrides: RunSettingsOverrides): RunSettings {
  const { lora, optimizer, schedule, ...rest } = overrides;
  const merged: RunSettings = {
    ...base,
    ...defined(rest),
    lora: { ...base.lora, ...defined(lora ?? {}) },
    optimizer: { ...base.optimizer, ...defined(optimizer ?? {}) },
    schedule: { ...base.schedule, ...defined(schedule ?? {}) },
  };
  const gaveSteps = rest.steps !== undefined && rest.steps !== null;
  const gaveEpochs = rest.epochs !== undefined && rest.epochs !== null;
  if (gaveSteps && rest.epochs === undefined) merged.epochs = null;
  if (gaveEpochs && rest.steps === undefined) merged.steps = null;
  return merged;
}

function defined<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

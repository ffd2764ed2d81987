/**
 * The preparation controls' values: which model, and the options sent with `datasets.prepare`
 * and `datasets.render`. Defaults follow DESIGN §3: loss on assistant turns, the model's own
 * template, a tenth held out for validation.
 */
import type { ModelEntry, PrepareOptions } from '../../../../src-main/contract';

export interface PrepareSettings {
  modelId: string | null;
  options: PrepareOptions;
}

export const defaultPrepareOptions: PrepareOptions = {
  maxLength: 1024,
  overlong: 'truncate',
  lossOn: 'assistant',
  validationPercent: 10,
  seed: 0,
  dropDuplicates: true,
  template: 'model',
};

export const defaultPrepareSettings: PrepareSettings = { modelId: null, options: defaultPrepareOptions };

/** Models that can tokenize a dataset now: listed as ready, and loadable by llama.cpp. */
export function usableModels(models: readonly ModelEntry[]): ModelEntry[] {
  return models.filter((model) => model.status === 'ready' && model.facts !== null && model.facts.loadProblems.length === 0);
}

/** The chosen model while it is still usable, else the first usable one (or none). */
export function effectiveModelId(chosen: string | null, models: readonly ModelEntry[]): string | null {
  const usable = usableModels(models);
  if (chosen !== null && usable.some((model) => model.id === chosen)) return chosen;
  return usable[0]?.id ?? null;
}

/**
 * The template actually used: a model without a chat template can only be prepared with
 * ChatML, so `model` falls back to it rather than failing.
 */
export function effectiveOptions(options: PrepareOptions, model: ModelEntry | null): PrepareOptions {
  if (options.template === 'model' && model !== null && model.facts?.chatTemplate == null) return { ...options, template: 'chatml' };
  return options;
}

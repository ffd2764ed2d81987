/**
 * The wizard's model and dataset choices: everything listed, the ones a run cannot use
 * disabled with the reason in words (so a person sees why their model is not offered).
 */
import type { DatasetEntry, ModelEntry } from '../../../../../src-main/contract';
import { modelDisplayName } from '../../../format/model';

export interface PickOption {
  value: string;
  label: string;
  disabled: boolean;
}

export function modelUnusableReason(model: ModelEntry): string | null {
  if (model.status !== 'ready') return model.problem ?? `the file is ${model.status}`;
  if (model.facts === null) return 'its header could not be read';
  if (!model.facts.trainable) return model.facts.notTrainableReason ?? 'the training runtime cannot read it';
  return null;
}

export function modelOptions(models: readonly ModelEntry[]): PickOption[] {
  return models.map((model) => {
    const reason = modelUnusableReason(model);
    const name = `${modelDisplayName(model)} (${model.facts?.architecture ?? '?'})`;
    return { value: model.id, label: reason === null ? name : `${name} — not trainable: ${reason}`, disabled: reason !== null };
  });
}

export function datasetUnusableReason(dataset: DatasetEntry): string | null {
  if (dataset.status === 'importing') return 'still importing';
  if (dataset.status !== 'ready') return dataset.problem ?? dataset.status;
  if (dataset.inspection !== null && dataset.inspection.valid === 0) return 'it has no usable rows';
  return null;
}

export function datasetOptions(datasets: readonly DatasetEntry[]): PickOption[] {
  return datasets.map((dataset) => {
    const reason = datasetUnusableReason(dataset);
    const rows = dataset.inspection === null ? '' : ` (${dataset.inspection.valid} rows)`;
    return { value: dataset.id, label: reason === null ? `${dataset.name}${rows}` : `${dataset.name} — ${reason}`, disabled: reason !== null };
  });
}

/** The chosen id while it is still usable, else the first usable one, else null. */
export function usableChoice(chosen: string | null, options: readonly PickOption[]): string | null {
  if (chosen !== null && options.some((o) => o.value === chosen && !o.disabled)) return chosen;
  return options.find((o) => !o.disabled)?.value ?? null;
}

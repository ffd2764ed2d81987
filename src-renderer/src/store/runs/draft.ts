/**
 * The wizard's choices before a run exists: model, dataset, preset and the settings the
 * person changed (only those: the rest follow the preset, so switching preset still moves
 * them). Pure helpers to merge changes and to turn the draft into a `RunRequest`.
 */
import type { RunPreset, RunRequest, RunSettingsOverrides } from '../../../../src-main/contract';

export interface RunDraft {
  modelId: string | null;
  datasetId: string | null;
  preset: RunPreset;
  overrides: RunSettingsOverrides;
}

export const emptyDraft: RunDraft = { modelId: null, datasetId: null, preset: 'quick', overrides: {} };

const NESTED = ['lora', 'optimizer', 'schedule'] as const;

/** `change` over `base`, nested groups merged key by key. */
export function mergeOverrides(base: RunSettingsOverrides, change: RunSettingsOverrides): RunSettingsOverrides {
  const merged: RunSettingsOverrides = { ...base, ...change };
  for (const key of NESTED) {
    if (base[key] !== undefined || change[key] !== undefined) {
      // Each group is merged with its own type; the union of the three is what TypeScript sees here.
      (merged as Record<string, unknown>)[key] = { ...base[key], ...change[key] };
    }
  }
  return merged;
}

/** Drops empty groups, so an untouched draft sends no `settings` at all. */
function compactOverrides(overrides: RunSettingsOverrides): RunSettingsOverrides | undefined {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0) continue;
    out[key] = value;
  }
  return Object.keys(out).length === 0 ? undefined : (out as RunSettingsOverrides);
}

/** The request for `runs.plan` / `runs.start`, or null until a model and a dataset are chosen. */
export function draftRequest(draft: RunDraft): RunRequest | null {
  if (draft.modelId === null || draft.datasetId === null) return null;
  const settings = compactOverrides(draft.overrides);
  return { modelId: draft.modelId, datasetId: draft.datasetId, preset: draft.preset, ...(settings === undefined ? {} : { settings }) };
}

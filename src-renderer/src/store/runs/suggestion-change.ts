/**
 * A memory suggestion's change (the estimator's own settings, `MemoryEstimate.changes`) as
 * run settings for the wizard's "Apply" button. A smaller micro batch keeps the batch per
 * optimizer step by raising gradient accumulation when it divides evenly, as the
 * suggestion's sentence promises.
 */
import type { MemorySuggestion, RunSettings, RunSettingsOverrides } from '../../../../src-main/contract';

export function suggestionOverrides(suggestion: Pick<MemorySuggestion, 'change'>, current: RunSettings): RunSettingsOverrides {
  const { change } = suggestion;
  const overrides: RunSettingsOverrides = {};
  if (change.gradientCheckpointing !== undefined) overrides.gradientCheckpointing = change.gradientCheckpointing;
  if (change.maxLength !== undefined) overrides.maxLength = change.maxLength;
  if (change.precision !== undefined) overrides.precision = change.precision;
  if (change.baseWeights !== undefined) overrides.baseWeights = change.baseWeights;
  if (change.lora !== undefined) overrides.lora = { rank: change.lora.rank };
  if (change.microBatchSize !== undefined) {
    overrides.microBatchSize = change.microBatchSize;
    const factor = current.microBatchSize / change.microBatchSize;
    if (Number.isInteger(factor) && factor > 1) overrides.gradientAccumulation = current.gradientAccumulation * factor;
  }
  return overrides;
}

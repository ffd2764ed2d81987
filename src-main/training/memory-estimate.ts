/**
 * Will this training run fit in this device's memory? A pure function of the model's shape,
 * the run's settings and the device (STYLE: decisions are pure functions), so the run wizard,
 * `lathe` and the tests all get the same answer without touching torch.
 *
 *     const shape = shapeFromFacts(facts, { headCount, headCountKv, ffnDim, tiedOutput });
 *     const estimate = estimateTrainingMemory({ parameterCount: facts.parameterCount, shape }, config,
 *                                             { kind: 'cuda', totalBytes, freeBytes });
 *     estimate.fits, estimate.parts.activations.explanation, estimate.suggestions
 *
 * The formulas, and how they compare with peaks measured on the real runtime, are in
 * docs/memory-estimate.md.
 */
import { fitVerdict, memoryBreakdown, memoryBudget } from './memory-breakdown';
import { combinedSuggestion, suggestMemoryChanges } from './memory-suggestions';
import type { MemoryDevice, MemoryEstimate, MemoryModel, MemoryRunConfig } from '../contract/memory-types';

// The threshold, for callers that show it beside the verdict ("85% of 24 GiB").
export { COMFORTABLE_SHARE } from './memory-breakdown';
export { parameterCountFromShape, shapeFromFacts, type ShapeFromHeader } from './memory-model-shape';
export { suggestMemoryChanges } from './memory-suggestions';
export * from '../contract/memory-types';

/**
 * The estimated peak memory of one training step, part by part, and whether it fits: `yes`
 * under COMFORTABLE_SHARE (85%) of the budget (the free memory when given, else the total),
 * `tight` up to the whole budget, `no` beyond. When it is not `yes`, `suggestions` lists
 * single changes priced by the estimator itself, biggest saving first.
 */
export function estimateTrainingMemory(model: MemoryModel, config: MemoryRunConfig, device: MemoryDevice): MemoryEstimate {
  const breakdown = memoryBreakdown(model, config, device);
  const budget = memoryBudget(device);
  const fits = fitVerdict(breakdown.totalBytes, budget);
  const suggestions: string[] = [];
  const changes = fits === 'yes' ? [] : suggestMemoryChanges(model, config, device);
  if (fits !== 'yes') {
    suggestions.push(...changes.map((change) => change.text));
    const together = combinedSuggestion(model, config, device, changes);
    if (together !== null) suggestions.push(together);
  }
  return { ...breakdown, fits, headroomBytes: budget - breakdown.totalBytes, suggestions, changes };
}

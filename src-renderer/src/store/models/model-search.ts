/**
 * The search box: every word typed must appear (any case) in the model's name, its
 * architecture or its path, so "qwen q4" finds a Qwen file quantized to Q4_K_M.
 */
import type { ModelEntry } from '../../../../src-main/contract';
import { modelDisplayName } from '../../format/model';

export function filterModels(models: readonly ModelEntry[], query: string): readonly ModelEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter((word) => word !== '');
  if (words.length === 0) return models;
  return models.filter((model) => {
    const haystack = [modelDisplayName(model), model.facts?.architecture ?? '', model.path].join('\n').toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

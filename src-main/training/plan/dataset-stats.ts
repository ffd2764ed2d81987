/**
 * What the planner knows of a dataset for a model, and the preparation options a run asks
 * for. The best source is an earlier preparation of the same dataset for the same model with
 * the same options (exact counts); any preparation for that model still gives the examples'
 * full lengths (`lengths` are measured before truncation); without one, the counts are guessed
 * from the imported rows.
 */
import type { DatasetEntry, PrepareOptions, PreparedSummary } from '../../contract/dataset-types';
import type { ModelFacts } from '../../contract/model-types';
import type { RunRequest, RunSettings } from '../../contract/run-types';
import type { PlanDataset } from './plan-types';

/** The share of examples held out for validation unless the request says otherwise (as `lathe dataset prepare`). */
export const DEFAULT_VALIDATION_PERCENT = 10;
/**
 * Bytes of a dataset file per token, for guesses before any tokenizer has run: about four for
 * English text with the BPE vocabularies of current models. JSON keys and quoting add bytes
 * and the chat template adds tokens, which roughly cancel.
 */
const BYTES_PER_TOKEN = 4;

export function datasetStatsFor(
  dataset: DatasetEntry,
  prepared: readonly PreparedSummary[],
  modelId: string,
  maxLength: number,
  prepare?: Partial<Omit<PrepareOptions, 'maxLength'>>,
): PlanDataset {
  const forModel = prepared
    .filter((p) => p.datasetId === dataset.id && p.modelId === modelId)
    .sort((a, b) => b.createdAt - a.createdAt);
  const exact = forModel.find((p) => p.options.maxLength === maxLength && sameOptions(p.options, prepare));
  if (exact !== undefined) {
    return {
      examples: exact.examples.train,
      tokens: exact.tokens.train,
      estimated: false,
      longestTokens: exact.lengths.max,
      p99Tokens: exact.lengths.p99,
      validationExamples: exact.examples.validation,
    };
  }
  const percent = prepare?.validationPercent ?? DEFAULT_VALIDATION_PERCENT;
  const other = forModel[0];
  if (other !== undefined) {
    // Same tokenizer, other options: the full lengths hold; the split and the truncation are re-estimated.
    const kept = other.examples.train + other.examples.validation;
    const examples = Math.round(kept * (1 - percent / 100));
    return {
      examples,
      tokens: Math.round(examples * Math.min(other.lengths.mean, maxLength)),
      estimated: true,
      longestTokens: other.lengths.max,
      p99Tokens: other.lengths.p99,
    };
  }
  const inspection = dataset.inspection;
  if (inspection === null) return { examples: 0, tokens: 0, estimated: true, longestTokens: null, p99Tokens: null };
  const trainShare = 1 - percent / 100;
  return {
    examples: Math.round(inspection.valid * trainShare),
    tokens: Math.round((inspection.sizeBytes / BYTES_PER_TOKEN) * trainShare),
    estimated: true,
    longestTokens: null,
    p99Tokens: null,
  };
}

/**
 * The options a run prepares its dataset with: the settings' max length and the request's own
 * choices, else the same defaults as `lathe dataset prepare`. The split's seed stays 0 unless
 * asked: changing the training seed should not change which rows are held out. A model
 * without a chat template of its own is prepared with ChatML.
 */
export function prepareOptionsFor(settings: RunSettings, request: RunRequest, facts?: ModelFacts | null): PrepareOptions {
  const asked = request.prepare ?? {};
  const ownTemplate = facts?.chatTemplate !== null && facts?.chatTemplate !== undefined && facts.chatTemplate.trim() !== '';
  return {
    maxLength: settings.maxLength,
    overlong: asked.overlong ?? 'truncate',
    lossOn: asked.lossOn ?? 'assistant',
    validationPercent: asked.validationPercent ?? DEFAULT_VALIDATION_PERCENT,
    seed: asked.seed ?? 0,
    dropDuplicates: asked.dropDuplicates ?? true,
    template: asked.template ?? (facts === undefined || ownTemplate ? 'model' : 'chatml'),
  };
}

/** Whether an earlier preparation used the options this run will ask for (the template only when named). */
function sameOptions(options: PrepareOptions, asked: Partial<Omit<PrepareOptions, 'maxLength'>> = {}): boolean {
  return (
    options.overlong === (asked.overlong ?? 'truncate') &&
    options.lossOn === (asked.lossOn ?? 'assistant') &&
    options.validationPercent === (asked.validationPercent ?? DEFAULT_VALIDATION_PERCENT) &&
    options.seed === (asked.seed ?? 0) &&
    options.dropDuplicates === (asked.dropDuplicates ?? true) &&
    (asked.template === undefined || options.template === asked.template)
  );
}

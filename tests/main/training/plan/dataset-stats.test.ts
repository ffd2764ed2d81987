/**
 * What the planner takes from a dataset and its earlier preparations, and the preparation
 * options a run asks for.
 */
import { describe, expect, it } from 'vitest';
import type { DatasetEntry, PreparedSummary, PrepareOptions } from '../../../../src-main/contract/dataset-types';
import type { RunRequest } from '../../../../src-main/contract/run-types';
import { datasetStatsFor, planRun, prepareOptionsFor } from '../../../../src-main/training/plan';
import { demoSmall, inputs } from './plan-fixtures';

const dataset: DatasetEntry = {
  id: 'qa',
  name: 'sample-qa',
  path: '/data/sample-qa.jsonl',
  owned: true,
  status: 'ready',
  problem: null,
  inspection: {
    format: 'jsonl',
    csv: null,
    textSplit: null,
    columns: ['question', 'answer'],
    detection: { shape: 'question_answer', confidence: 1, evidence: [], mapping: { shape: 'question_answer', columns: {} }, alternatives: [] },
    rows: 25,
    valid: 24,
    invalid: 1,
    problems: [{ line: 7, reason: 'no answer' }],
    sizeBytes: 4_000,
    contentHash: 'abc',
  },
  mapping: null,
  addedAt: 0,
};

const options: PrepareOptions = { maxLength: 128, overlong: 'truncate', lossOn: 'assistant', validationPercent: 10, seed: 0, dropDuplicates: true, template: 'model' };

function prepared(change: Omit<Partial<PreparedSummary>, 'options'> & { options?: Partial<PrepareOptions> } = {}): PreparedSummary {
  return {
    id: 'p1',
    datasetId: 'qa',
    modelId: 'demo-small',
    dir: '/prepared/p1',
    cached: false,
    tokenizerFingerprint: 'sha256:x',
    examples: { train: 20, validation: 4 },
    tokens: { train: 1282, validation: 275, trained: 425 },
    lengths: { count: 24, min: 50, max: 81, mean: 64, p50: 63, p90: 75, p99: 80, histogram: [] },
    overlong: 0,
    dropped: { overlong: 0, duplicates: 0, invalid: 0 },
    createdAt: 1,
    ...change,
    options: { ...options, ...change.options },
  };
}

describe('datasetStatsFor', () => {
  it('takes exact counts from a preparation with the same options for this model', () => {
    expect(datasetStatsFor(dataset, [prepared()], 'demo-small', 128)).toEqual({
      examples: 20,
      tokens: 1282,
      estimated: false,
      longestTokens: 81,
      p99Tokens: 80,
      validationExamples: 4,
    });
  });

  it('takes the lengths from a preparation with other options, and estimates the counts', () => {
    const stats = datasetStatsFor(dataset, [prepared({ options: { maxLength: 512 } })], 'demo-small', 128);
    expect(stats).toMatchObject({ estimated: true, longestTokens: 81, p99Tokens: 80 });
    expect(stats.examples).toBe(22); // 24 kept, 10% held out
    expect(stats.tokens).toBe(22 * 64);
    // Another validation share is another preparation too.
    expect(datasetStatsFor(dataset, [prepared()], 'demo-small', 128, { validationPercent: 20 }).estimated).toBe(true);
    expect(datasetStatsFor(dataset, [prepared()], 'demo-small', 128, { validationPercent: 10, overlong: 'truncate' }).estimated).toBe(false);
  });

  it("ignores other models' and other datasets' preparations, and guesses from the rows", () => {
    const stats = datasetStatsFor(dataset, [prepared({ modelId: 'other' }), prepared({ datasetId: 'other' })], 'demo-small', 128);
    expect(stats).toEqual({ examples: 22, tokens: 900, estimated: true, longestTokens: null, p99Tokens: null });
  });

  it('prefers the newest matching preparation', () => {
    const older = prepared({ id: 'old', createdAt: 1, examples: { train: 1, validation: 1 } });
    const newer = prepared({ id: 'new', createdAt: 2 });
    expect(datasetStatsFor(dataset, [older, newer], 'demo-small', 128).examples).toBe(20);
  });

  it('gives nothing for a dataset that was never read', () => {
    expect(datasetStatsFor({ ...dataset, inspection: null }, [], 'demo-small', 128)).toMatchObject({ examples: 0, tokens: 0, estimated: true });
  });

  it('feeds a plan whose preset covers the examples', () => {
    const plan = planRun(inputs({ dataset: datasetStatsFor(dataset, [prepared()], 'demo-small', 128) }));
    expect(plan.settings.maxLength).toBe(128);
    expect(plan.dataset).toEqual({ examples: 20, tokens: 1282, estimated: false });
  });
});

describe('prepareOptionsFor', () => {
  const request: RunRequest = { modelId: 'demo-small', datasetId: 'qa', preset: 'quick' };
  const settings = planRun(inputs()).settings;

  it("uses the settings' max length and the CLI's defaults", () => {
    expect(prepareOptionsFor({ ...settings, seed: 9 }, request, demoSmall.entry.facts)).toEqual({ ...options, maxLength: settings.maxLength });
  });

  it("keeps the request's own choices", () => {
    const asked = { overlong: 'drop', lossOn: 'all', validationPercent: 0, seed: 3, dropDuplicates: false, template: 'chatml' } as const;
    expect(prepareOptionsFor(settings, { ...request, prepare: asked }, demoSmall.entry.facts)).toEqual({ ...asked, maxLength: settings.maxLength });
  });

  it('prepares with ChatML for a model without a chat template', () => {
    const facts = { ...demoSmall.entry.facts!, chatTemplate: null };
    expect(prepareOptionsFor(settings, request, facts).template).toBe('chatml');
    expect(prepareOptionsFor(settings, request).template).toBe('model');
  });
});

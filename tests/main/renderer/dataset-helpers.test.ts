import { describe, expect, it } from 'vitest';
import { axisTicks, boxPlot, histogramBars, quantileFromHistogram, scaleLength } from '../../../src-renderer/src/components/charts/chart-geometry';
import { effectiveModelId, effectiveOptions, defaultPrepareOptions, usableModels } from '../../../src-renderer/src/store/datasets/prepare-settings';
import { problemsAsCsv, problemsAsJsonl, reportFileName } from '../../../src-renderer/src/store/datasets/problem-report';
import { mappingForShape, missingRoles, sameMapping } from '../../../src-renderer/src/store/datasets/shape-roles';
import { splitUploadableDatasets } from '../../../src-renderer/src/store/datasets/uploadable';
import { modelEntry, modelFacts } from './model-fixtures';
import { preparedSummary } from './dataset-fixtures';

describe('the downloadable validation report', () => {
  const problems = [
    { line: 3, reason: 'Not valid JSON: "x", then more' },
    { line: 10, reason: '=cmd() looks like a formula\nand has a line break' },
  ];

  it('as JSONL is one object per line, as Lathe stores it', () => {
    expect(problemsAsJsonl(problems).split('\n').filter(Boolean).map((line) => JSON.parse(line))).toEqual(problems);
  });

  it('as CSV quotes what needs quoting and keeps formulas as text', () => {
    expect(problemsAsCsv(problems)).toBe('line,reason\r\n3,"Not valid JSON: ""x"", then more"\r\n10,"\'=cmd() looks like a formula\nand has a line break"\r\n');
    expect(problemsAsCsv([{ line: 1, reason: 'plain' }])).toBe('line,reason\r\n1,plain\r\n');
  });

  it('is named after the dataset', () => {
    expect(reportFileName('chat.jsonl', 'csv')).toBe('chat.problems.csv');
    expect(reportFileName('.jsonl', 'jsonl')).toBe('dataset.problems.jsonl');
  });
});

describe('the mapping editor', () => {
  it('keeps columns the new shape shares, and fills required ones from same-named columns', () => {
    const previous = { shape: 'prompt_completion' as const, columns: { prompt: 'p', completion: 'c', system: 'sys' } };
    expect(mappingForShape('question_answer', previous, ['question', 'answer', 'sys'])).toEqual({ shape: 'question_answer', columns: { question: 'question', answer: 'answer', system: 'sys' } });
    expect(mappingForShape('text', previous, ['body'])).toEqual({ shape: 'text', columns: {} });
  });

  it('names the required parts without a column', () => {
    expect(missingRoles({ shape: 'alpaca', columns: { instruction: 'i' } })).toEqual(['output']);
    expect(missingRoles({ shape: 'alpaca', columns: { instruction: 'i', output: 'o' } })).toEqual([]);
  });

  it('compares mappings by content', () => {
    expect(sameMapping({ shape: 'text', columns: { text: 't' } }, { shape: 'text', columns: { text: 't' } })).toBe(true);
    expect(sameMapping({ shape: 'text', columns: { text: 't' } }, { shape: 'text', columns: { text: 'u' } })).toBe(false);
    expect(sameMapping(null, null)).toBe(true);
  });
});

describe('choosing what to upload', () => {
  it('takes dataset files and leaves out others and empty ones, saying why', () => {
    const files = [
      { name: 'a.JSONL', size: 3 },
      { name: 'b.parquet', size: 3 },
      { name: 'model.gguf', size: 3 },
      { name: 'README', size: 3 },
      { name: 'c.csv', size: 0 },
    ];
    const { uploadable, skipped } = splitUploadableDatasets(files);
    expect(uploadable.map((f) => f.name)).toEqual(['a.JSONL', 'b.parquet']);
    expect(skipped.map((s) => [s.path, s.reason.split(' (')[0]])).toEqual([
      ['model.gguf', 'not a dataset file'],
      ['README', 'not a dataset file'],
      ['c.csv', 'the file is empty'],
    ]);
  });
});

describe('the preparation settings', () => {
  const ready = modelEntry('ok');
  const broken = modelEntry('broken', { facts: modelFacts({ loadProblems: ['missing feed_forward_length'] }) });
  const missing = modelEntry('gone', { status: 'missing' });

  it('offer only models that can tokenize now, keeping the choice while it can', () => {
    expect(usableModels([broken, ready, missing]).map((m) => m.id)).toEqual(['ok']);
    expect(effectiveModelId('gone', [broken, ready, missing])).toBe('ok');
    expect(effectiveModelId(null, [broken])).toBeNull();
  });

  it('use ChatML for a model without a chat template of its own', () => {
    expect(effectiveOptions(defaultPrepareOptions, modelEntry('x', { facts: modelFacts({ chatTemplate: null }) })).template).toBe('chatml');
    expect(effectiveOptions(defaultPrepareOptions, modelEntry('y', { facts: modelFacts({ chatTemplate: '{{ x }}' }) })).template).toBe('model');
  });
});

describe('the token-length charts', () => {
  const bins = [
    { from: 0, to: 10, count: 2 },
    { from: 10, to: 20, count: 0 },
    { from: 20, to: 30, count: 8 },
  ];

  it('draw bars across the width, the tallest reaching the top', () => {
    const bars = histogramBars(bins, 300, 100, 0);
    expect(bars.map((b) => [b.x, b.width, b.y, b.height])).toEqual([
      [0, 100, 75, 25],
      [100, 100, 100, 0],
      [200, 100, 0, 100],
    ]);
    expect(histogramBars([], 300, 100)).toEqual([]);
  });

  it('read quartiles off the histogram, interpolated within a bin', () => {
    expect(quantileFromHistogram(bins, 0.1)).toBe(5);
    expect(quantileFromHistogram(bins, 0.5)).toBeCloseTo(23.75);
    expect(quantileFromHistogram([{ from: 0, to: 10, count: 0 }], 0.5)).toBeNull();
  });

  it('place the box plot on the length scale', () => {
    const stats = { ...preparedSummary('p').lengths, min: 0, max: 30, p50: 24, p90: 28, p99: 30, histogram: bins };
    const box = boxPlot(stats, 300);
    expect(box).toEqual({ min: 0, q1: 206.25, p50: 240, q3: 268.75, p90: 280, p99: 300, max: 300 });
    expect(scaleLength(5, 5, 5, 300)).toBe(150);
  });

  it('put axis ticks at round numbers', () => {
    expect(axisTicks(0, 100, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(axisTicks(96, 182, 6)).toEqual([100, 120, 140, 160, 180]);
    expect(axisTicks(7, 7)).toEqual([7]);
  });
});

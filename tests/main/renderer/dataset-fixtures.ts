/** Dataset entries for the renderer's tests: an imported chat JSONL by default, with any field overridden. */
import type { DatasetEntry, DatasetInspection, PreparedSummary } from '../../../src-main/contract';

export function inspection(overrides: Partial<DatasetInspection> = {}): DatasetInspection {
  return {
    format: 'jsonl',
    csv: null,
    textSplit: null,
    columns: ['messages'],
    detection: {
      shape: 'messages',
      confidence: 0.98,
      evidence: ['98 of 100 sampled rows have a `messages` list.'],
      mapping: { shape: 'messages', columns: { messages: 'messages' } },
      alternatives: [],
    },
    rows: 100,
    valid: 98,
    invalid: 2,
    problems: [
      { line: 7, reason: 'Not valid JSON' },
      { line: 40, reason: 'No assistant turn' },
    ],
    sizeBytes: 12_345,
    contentHash: 'abc',
    ...overrides,
  };
}

export function datasetEntry(id: string, overrides: Partial<DatasetEntry> = {}): DatasetEntry {
  return {
    id,
    name: `${id}.jsonl`,
    path: `/data/${id}.jsonl`,
    owned: false,
    status: 'ready',
    problem: null,
    inspection: inspection(),
    mapping: null,
    addedAt: 1_700_000_000_000,
    ...overrides,
  };
}

export function preparedSummary(id: string, overrides: Partial<PreparedSummary> = {}): PreparedSummary {
  return {
    id,
    datasetId: 'a',
    modelId: 'm',
    dir: `/data/prepared/${id}`,
    cached: false,
    options: { maxLength: 512, overlong: 'truncate', lossOn: 'assistant', validationPercent: 10, seed: 0, dropDuplicates: true, template: 'model' },
    tokenizerFingerprint: 'sha256:f',
    examples: { train: 88, validation: 10 },
    tokens: { train: 8800, validation: 1000, trained: 3000 },
    lengths: { count: 98, min: 40, max: 300, mean: 100, p50: 90, p90: 200, p99: 290, histogram: [{ from: 40, to: 300, count: 98 }] },
    overlong: 0,
    dropped: { overlong: 0, duplicates: 0, invalid: 2 },
    createdAt: 1_700_000_000_000,
    ...overrides,
  };
}

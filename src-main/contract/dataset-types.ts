/** Shapes the Datasets page, `lathe dataset …` and the run wizard show. Produced by the datasets service. */

export type DatasetFormat = 'jsonl' | 'json' | 'csv' | 'parquet' | 'text';

/** How the rows are laid out; each maps to conversations the same way (DESIGN §3). */
export type DatasetShape =
  | 'messages' // OpenAI-style `messages: [{role, content}]`
  | 'sharegpt' // `conversations: [{from, value}]` with human/gpt/system
  | 'alpaca' // instruction / input / output
  | 'prompt_completion'
  | 'input_output'
  | 'question_answer'
  | 'text'; // raw text, trained on every token

/**
 * Which column (or key) plays which part of the shape. Keys by shape:
 * messages: `messages`; sharegpt: `conversations`; alpaca: `instruction`, `input` (optional),
 * `output`, `system` (optional); prompt_completion: `prompt`, `completion`; input_output:
 * `input`, `output`; question_answer: `question`, `answer`; text: `text`. Any shape may add
 * `system` for a per-row system prompt column.
 */
export interface ColumnMapping {
  shape: DatasetShape;
  columns: Record<string, string>;
}

export interface ShapeDetection {
  shape: DatasetShape;
  /** 0..1: the share of sampled rows that fit the shape, lowered when another shape fits too. */
  confidence: number;
  /** Sentences saying why, shown to the person ("98 of 100 sampled rows have a `messages` array of role/content objects"). */
  evidence: string[];
  mapping: ColumnMapping;
  /** Other shapes that fit, best first, for the override menu. */
  alternatives: { shape: DatasetShape; confidence: number }[];
}

/** A row that was not kept, and why. `line` is the 1-based line (JSONL, text), record index (JSON) or row number (CSV with header = row 1, Parquet). */
export interface RowProblem {
  line: number;
  reason: string;
}

export interface CsvDialect {
  separator: ',' | ';' | '\t' | '|';
  hasHeader: boolean;
}

/** What a file holds as a dataset, read without any model (`lathe dataset inspect`). */
export interface DatasetInspection {
  format: DatasetFormat;
  csv: CsvDialect | null;
  /** How plain text was split into examples, when format is `text`. */
  textSplit: string | null;
  columns: string[];
  detection: ShapeDetection;
  rows: number;
  valid: number;
  invalid: number;
  /** Every problem (the report lists them all; the page shows the first ones). */
  problems: RowProblem[];
  sizeBytes: number;
  /** SHA-256 of the file's bytes, computed in the same pass. */
  contentHash: string;
}

export type DatasetStatus = 'importing' | 'ready' | 'stale' | 'missing' | 'failed';

export interface DatasetEntry {
  id: string;
  name: string;
  path: string;
  /** True when the file lives under Lathe's data folder (uploaded): deleting the entry deletes it. */
  owned: boolean;
  status: DatasetStatus;
  /** Why it failed, is missing, or is stale. */
  problem: string | null;
  inspection: DatasetInspection | null;
  /** The person's override; null means the detected mapping is used. */
  mapping: ColumnMapping | null;
  addedAt: number;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface DatasetPreviewRow {
  line: number;
  /** The row as read (parsed JSON, or the CSV/Parquet record as an object, or the text). */
  raw: unknown;
  conversation: ChatMessage[] | null;
  problem: string | null;
}

export interface PrepareOptions {
  maxLength: number;
  /** What to do with an example longer than maxLength. */
  overlong: 'truncate' | 'drop';
  /** `assistant`: the loss covers assistant turns only (the default); `all`: every token. */
  lossOn: 'assistant' | 'all';
  /** Percentage of examples held out for validation, 0–50. */
  validationPercent: number;
  seed: number;
  dropDuplicates: boolean;
  /** `model`: the model's own chat template; `chatml`: ChatML, offered when the model has none. */
  template: 'model' | 'chatml';
}

export interface TokenLengthStats {
  count: number;
  min: number;
  max: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  /** Equal-width bins over [min, max] for the histogram. */
  histogram: { from: number; to: number; count: number }[];
}

export interface PreparedSummary {
  id: string;
  datasetId: string;
  modelId: string;
  dir: string;
  /** True when an identical earlier preparation was reused. */
  cached: boolean;
  options: PrepareOptions;
  tokenizerFingerprint: string;
  examples: { train: number; validation: number };
  tokens: { train: number; validation: number; trained: number };
  lengths: TokenLengthStats;
  overlong: number;
  dropped: { overlong: number; duplicates: number; invalid: number };
  createdAt: number;
}

/** One example as the model will see it: the rendered text in spans, trained or not. */
export interface RenderedExample {
  line: number;
  spans: { text: string; trained: boolean }[];
  tokens: number;
  /** Why the row could not be rendered (its spans are then empty). */
  problem?: string | null;
}

export type DatasetEvent =
  | { type: 'changed'; dataset: DatasetEntry }
  | { type: 'removed'; id: string }
  | { type: 'import-progress'; id: string; rows: number; bytesDone: number; bytesTotal: number; rowsPerSecond: number; etaSeconds: number | null }
  | { type: 'prepare-progress'; datasetId: string; modelId: string; examples: number; total: number | null; examplesPerSecond: number };

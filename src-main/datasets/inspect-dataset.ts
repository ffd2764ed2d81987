/**
 * What a dataset file holds, read without any model in one streaming pass (DESIGN §3): the
 * format and its dialect, the shape (detected from the first rows, or the person's
 * mapping), every row checked, every problem with its line, and the SHA-256 of the bytes.
 * `readDatasetRows` reads the rows again the same way, for the preview and for preparation.
 *
 * Memory stays flat in the file's size: rows are judged one at a time and dropped; only the
 * detection sample, the column names and the problems (capped) are kept.
 */
import { createHash } from 'node:crypto';
import type { ColumnMapping, DatasetInspection, DatasetPreviewRow, RowProblem, ShapeDetection } from '../contract/dataset-types';
import { LatheError } from '../contract/errors';
import { detectShape, fitOfMapping } from './detect/detect-shape';
import { toConversation } from './detect/to-conversation';
import { readFileChunks, readFileHead, throwIfCancelled } from './read/dataset-file';
import { detectFormat, HEAD_BYTES } from './read/detect-format';
import { readDatasetRecords } from './read/read-dataset';
import type { DatasetLayout, ReadRow } from './read/read-types';

export type { DatasetLayout } from './read/read-types';

export interface InspectProgress {
  bytesDone: number;
  bytesTotal: number;
  rows: number;
}

export interface InspectOptions {
  /** The person's mapping; without one, the shape is detected. */
  mapping?: ColumnMapping;
  signal?: AbortSignal;
  onProgress?: (progress: InspectProgress) => void;
}

/** Rows the shape is detected from. */
export const SAMPLE_ROWS = 200;
/** Detection does not wait longer than this many rows for its sample (a file of mostly bad rows). */
const SAMPLE_WINDOW = 5_000;
/** Problems kept in the inspection; the rest are counted in one last entry. */
export const MAX_STORED_PROBLEMS = 100_000;
const MAX_COLUMNS = 1_000;

export async function inspectDataset(path: string, options: InspectOptions = {}): Promise<DatasetInspection> {
  const { signal } = options;
  const { head, size } = await readFileHead(path, HEAD_BYTES);
  const layout = detectFormat(head, size, path);
  const pass = new InspectionPass(options.mapping);
  const hash = createHash('sha256');
  // Parquet is read out of order: hash it in a sequential pass beside the reading, stopped
  // if the reading fails.
  const stopHashing = new AbortController();
  const parquetHash = layout.format === 'parquet' ? hashFile(path, AbortSignal.any([stopHashing.signal, ...(signal ? [signal] : [])])) : null;
  parquetHash?.catch(() => undefined); // awaited below; an early failure must not go unhandled
  try {
    const records = readDatasetRecords(path, layout, {
      signal,
      onChunk: parquetHash === null ? (chunk) => hash.update(chunk) : undefined,
      onBytes: (bytesDone) => options.onProgress?.({ bytesDone, bytesTotal: size, rows: pass.rows }),
      onColumns: (names) => (pass.schemaColumns = names),
      onJsonRecordsKey: (key) => (pass.recordsKey = key),
    });
    for await (const batch of records) {
      for (const row of batch) pass.add(row);
      throwIfCancelled(signal);
    }
    if (pass.rows === 0) throw new LatheError('invalid_file', 'The file holds no rows to train on.', path);
    const contentHash = parquetHash === null ? hash.digest('hex') : await parquetHash;
    return { format: layout.format, csv: layout.csv, textSplit: layout.textSplit, ...pass.finish(), sizeBytes: size, contentHash };
  } finally {
    stopHashing.abort();
  }
}

/** The state of one inspection: rows counted and judged, the sample, columns and problems. */
class InspectionPass {
  rows = 0;
  valid = 0;
  schemaColumns: string[] | null = null;
  recordsKey: string | null = null;
  private readonly keys = new Set<string>();
  private readonly problems = new ProblemList();
  private readonly sample: unknown[] = [];
  private pending: ReadRow[] = [];
  private detection: ShapeDetection | null = null;

  constructor(private readonly mapping: ColumnMapping | undefined) {}

  add(row: ReadRow): void {
    this.rows += 1;
    if ('value' in row && this.schemaColumns === null && this.keys.size < MAX_COLUMNS) addKeys(this.keys, row.value);
    if (this.detection !== null) return this.judge(row, this.detection.mapping);
    // Rows wait for the detection, in order, so problems stay in file order.
    this.pending.push(row);
    if ('value' in row) this.sample.push(row.value);
    if (this.sample.length >= SAMPLE_ROWS || this.pending.length >= SAMPLE_WINDOW) this.detect();
  }

  finish(): Pick<DatasetInspection, 'columns' | 'detection' | 'rows' | 'valid' | 'invalid' | 'problems'> {
    const detection = this.detection ?? this.detect();
    return {
      columns: this.columns(),
      detection,
      rows: this.rows,
      valid: this.valid,
      invalid: this.rows - this.valid,
      problems: this.problems.list(),
    };
  }

  private detect(): ShapeDetection {
    const columns = this.columns();
    const detection = this.mapping === undefined ? detectShape(this.sample, columns) : chosenMapping(this.mapping, this.sample, columns);
    if (this.recordsKey !== null) detection.evidence.unshift(`The records are the array under the key \`${this.recordsKey}\`.`);
    this.detection = detection;
    for (const row of this.pending) this.judge(row, detection.mapping);
    this.pending = [];
    return detection;
  }

  private judge(row: ReadRow, mapping: ColumnMapping): void {
    if ('problem' in row) return this.problems.add(row.line, row.problem);
    const result = toConversation(row.value, mapping);
    if ('conversation' in result) this.valid += 1;
    else this.problems.add(row.line, result.problem);
  }

  private columns(): string[] {
    return this.schemaColumns ?? [...this.keys];
  }
}

export interface ReadRowsOptions {
  /** Rows to skip first (0-based, counting bad rows too, as the inspection's `rows` does). */
  offset?: number;
  /** At most this many rows; all the rest of the file when left out. */
  limit?: number;
  signal?: AbortSignal;
}

/**
 * The file's rows as the preview shows them and preparation takes them: each with its line,
 * the row as read (`raw`: the parsed value, or the bad row's text cut to 10,000 characters),
 * and either its conversation or its problem. Streams: stop iterating and the file closes.
 */
export async function* readDatasetRows(
  path: string,
  layout: DatasetLayout,
  mapping: ColumnMapping,
  options: ReadRowsOptions = {},
): AsyncGenerator<DatasetPreviewRow> {
  const { offset = 0, limit = Infinity, signal } = options;
  if (!(Number.isInteger(offset) && offset >= 0) || !(limit === Infinity || (Number.isInteger(limit) && limit >= 0))) {
    throw new LatheError('invalid_input', `Rows are read from a whole, non-negative offset and limit (got ${offset} and ${limit}).`);
  }
  if (limit === 0) return;
  let given = 0;
  for await (const batch of readDatasetRecords(path, layout, { signal, skipRows: offset })) {
    for (const row of batch) {
      yield previewRow(row, mapping);
      if (++given >= limit) return;
    }
  }
}

function previewRow(row: ReadRow, mapping: ColumnMapping): DatasetPreviewRow {
  if ('problem' in row) return { line: row.line, raw: row.rawText, conversation: null, problem: row.problem };
  const result = toConversation(row.value, mapping);
  return 'conversation' in result
    ? { line: row.line, raw: row.value, conversation: result.conversation, problem: null }
    : { line: row.line, raw: row.value, conversation: null, problem: result.problem };
}

/** The detection for a mapping the person chose: how well it fits, and what else would. */
function chosenMapping(mapping: ColumnMapping, sample: readonly unknown[], columns: readonly string[]): ShapeDetection {
  const { fits, commonProblem } = fitOfMapping(sample, mapping);
  const detected = detectShape(sample, columns);
  const chosen = Object.entries(mapping.columns).map(([part, column]) => `${part} = \`${column}\``).join(', ');
  const evidence = [`You chose the ${mapping.shape} shape (${chosen || 'no columns'}).`, `${fits} of ${sample.length} sampled rows fit it.`];
  if (fits < sample.length && commonProblem !== null) evidence.push(`The most common problem in the other rows: ${commonProblem}`);
  const alternatives = [{ shape: detected.shape, confidence: detected.confidence }, ...detected.alternatives].filter(
    (alternative) => alternative.shape !== mapping.shape && alternative.confidence > 0,
  );
  const confidence = sample.length === 0 ? 0 : Math.round((fits / sample.length) * 100) / 100;
  return { shape: mapping.shape, confidence, evidence, mapping, alternatives };
}

function addKeys(columns: Set<string>, value: unknown): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  for (const key in value) {
    if (columns.size >= MAX_COLUMNS) return;
    columns.add(key);
  }
}

/** Problems in file order, up to the cap, then one entry counting the rest from the first left out. */
class ProblemList {
  private readonly kept: RowProblem[] = [];
  private more = 0;
  private firstLeftOut = 0;

  add(line: number, reason: string): void {
    if (this.kept.length < MAX_STORED_PROBLEMS) {
      this.kept.push({ line, reason });
      return;
    }
    if (this.more === 0) this.firstLeftOut = line;
    this.more += 1;
  }

  list(): RowProblem[] {
    if (this.more === 0) return this.kept;
    const reason = `…and ${this.more.toLocaleString('en')} more problem${this.more === 1 ? '' : 's'}, from this row on, not listed.`;
    return [...this.kept, { line: this.firstLeftOut, reason }];
  }
}

async function hashFile(path: string, signal: AbortSignal | undefined): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of readFileChunks(path, { signal })) hash.update(chunk);
  return hash.digest('hex');
}

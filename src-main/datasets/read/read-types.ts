/**
 * What every dataset reader yields and takes. A reader streams one file and yields each
 * record with its number; a record it cannot read (bad JSON, invalid UTF-8, a ragged CSV
 * row, a line over the size cap) is a row problem, never an exception, so good rows are kept
 * (DESIGN §3). Readers throw only `LatheError`s, and only for the file as a whole (missing,
 * empty, binary, not the format it claims, cancelled).
 */
import type { DatasetInspection } from '../../contract/dataset-types';

/**
 * A record as read, or why it could not be read. `line` follows `RowProblem.line`: the
 * 1-based line (JSONL, text: the paragraph's first line), record index (JSON), or row number
 * (CSV with header = row 1, Parquet).
 */
export type ReadRow =
  | { line: number; value: unknown }
  | {
      line: number;
      problem: string;
      /** The row's text as far as it could be decoded, cut to `RAW_TEXT_LIMIT`, for the preview; null when there is none to show. */
      rawText: string | null;
    };

/**
 * Rows come out in batches (one per chunk read, or per Parquet row group), so the cost of
 * an async step is paid per batch, not per row: with short rows it would otherwise cost more
 * than parsing them. A batch is never empty.
 */
export type ReadBatch = ReadRow[];

/** How plain text is cut into examples (see read-text.ts). */
export type TextSplit = 'paragraphs' | 'lines';

/**
 * What a reader needs to know about a file besides its path: the format, the CSV dialect,
 * the text split. A `DatasetInspection` is one, so callers pass the inspection they have.
 */
export type DatasetLayout = Pick<DatasetInspection, 'format' | 'csv' | 'textSplit'>;

export interface ReadOptions {
  signal?: AbortSignal;
  /** Called after each chunk with the bytes read so far (Parquet: bytes fetched so far). */
  onBytes?: (bytesDone: number) => void;
  /** Every chunk of the file in order, for hashing in the same pass. Not called by the Parquet reader, which reads out of order. */
  onChunk?: (chunk: Uint8Array) => void;
  /**
   * Rows to skip before yielding (for a preview page). They are counted but not parsed where
   * the format allows (JSONL, JSON, CSV, text); Parquet skips whole row groups unread.
   */
  skipRows?: number;
  /** CSV and Parquet: told the column names once they are known (the header, or the schema). */
  onColumns?: (columns: string[]) => void;
  /**
   * Parquet only: how long one row group may take to decode, on top of 1 s per MB, before
   * the file is judged damaged (default 10 s). Tests shorten it to meet damaged files fast.
   */
  parquetDecodeTimeoutMs?: number;
  /** JSON only: told which top-level key holds the records, or null for a top-level array. */
  onJsonRecordsKey?: (key: string | null) => void;
}

/**
 * The most bytes one row may take. A bigger row is a row problem, skipped without holding
 * it: a 1 GB file with no newline must not need 1 GB of memory.
 */
export const MAX_ROW_BYTES = 64 * 1024 * 1024;

/** How much of a bad row's text a problem keeps for the preview. */
export const RAW_TEXT_LIMIT = 10_000;

/**
 * Bytes per read. Big enough that the cost of a read and an async step is small next to the
 * parsing; small enough that a chunk's rows die young: with 1 MiB chunks the heap grew by
 * 30–100 MB while reading, with 256 KiB by 10–20 MB, at the same speed (bench/dataset-read).
 */
export const CHUNK_BYTES = 256 * 1024;

/**
 * CSV and TSV rows as records keyed by column name: the header's names, or `column_1`,
 * `column_2`… when the file has no header. Row numbers count every record from the top,
 * header included (row 1), blank rows included, as a spreadsheet shows them; a row's line is
 * named too when quoted newlines make the two differ. A row with the wrong number of fields,
 * bytes that are not UTF-8, or a quote that never closes is a problem; the rows around it
 * are read.
 */
import type { CsvDialect } from '../../contract/dataset-types';
import { LatheError } from '../../contract/errors';
import { readFileChunks } from './dataset-file';
import { CsvRecordSplitter, parseCsvRecords, type CsvRecordPiece } from './csv-syntax';
import { MAX_ROW_BYTES, type ReadBatch, type ReadOptions, type ReadRow } from './read-types';
import { clip, decodeRow, NOT_UTF8, overlongRow, rawTextOf } from './row-text';
import { hasUtf8Bom } from './split-lines';

export async function* readCsv(path: string, dialect: CsvDialect, options: ReadOptions = {}): AsyncGenerator<ReadBatch> {
  const splitter = new CsvRecordSplitter(dialect.separator.charCodeAt(0), MAX_ROW_BYTES);
  const reader = new CsvRowReader(path, dialect, options);
  const rowsOf = (pieces: CsvRecordPiece[]) => pieces.map((piece) => reader.read(piece)).filter((row): row is ReadRow => row !== null);
  let first = true;
  for await (let chunk of readFileChunks(path, options)) {
    if (first && hasUtf8Bom(chunk)) chunk = chunk.subarray(3);
    first = false;
    const batch = rowsOf(splitter.push(chunk));
    if (batch.length > 0) yield batch;
  }
  const last = rowsOf(splitter.end());
  if (last.length > 0) yield last;
}

/** Turns records into rows: the header first, then one row per data record. */
class CsvRowReader {
  private columns: string[] | null = null;
  private rowNumber = 0;
  private dataRows = 0;

  constructor(
    private readonly path: string,
    private readonly dialect: CsvDialect,
    private readonly options: ReadOptions,
  ) {}

  read(piece: CsvRecordPiece): ReadRow | null {
    this.rowNumber += 1;
    const row = this.rowNumber;
    const at = piece.line === row ? '' : ` (line ${piece.line})`;
    const headerDue = this.columns === null && this.dialect.hasHeader;
    const text = 'bytes' in piece ? decodeRow(piece.bytes) : null;
    if (text === null) {
      const why = 'overlong' in piece ? 'it is over the size limit for one row' : 'it holds bytes that are not UTF-8 text';
      if (headerDue) throw this.badHeader(why);
      if (this.skipped()) return null;
      return 'overlong' in piece
        ? { line: row, problem: overlongRow(piece.overlong, MAX_ROW_BYTES) + at, rawText: null }
        : { line: row, problem: NOT_UTF8 + at, rawText: rawTextOf(piece.bytes) };
    }
    if (text.trim() === '') return null; // a blank row: counted, not a record
    const fields = fieldsOf(text, this.dialect.separator);
    if (this.columns === null) {
      // The header names the columns; without one, the first row sets how many there are
      // (whether or not it is skipped, so every page of a preview agrees).
      this.columns = headerDue ? columnNames(fields) : fields.map((_, i) => `column_${i + 1}`);
      this.options.onColumns?.(this.columns);
      if (headerDue) return null;
    }
    if (this.skipped()) return null;
    if ('bytes' in piece && piece.unclosedQuote) {
      return { line: row, problem: `A quoted field opens on this row${at} and never closes, so the rest of the file was read as one field.`, rawText: clip(text) };
    }
    if (fields.length !== this.columns.length) {
      const expected = this.dialect.hasHeader ? `the header has ${this.columns.length}` : `the first row has ${this.columns.length}`;
      return { line: row, problem: `This row has ${fields.length} field${fields.length === 1 ? '' : 's'}${at}, but ${expected}.`, rawText: clip(text) };
    }
    const record: Record<string, string> = {};
    this.columns.forEach((name, i) => (record[name] = fields[i] as string));
    return { line: row, value: record };
  }

  /** Counts a data row and says whether it falls before the rows asked for. */
  private skipped(): boolean {
    this.dataRows += 1;
    return this.dataRows <= (this.options.skipRows ?? 0);
  }

  private badHeader(why: string): LatheError {
    return new LatheError('invalid_file', `The first row of this CSV file should be its header, but ${why}.`, this.path);
  }
}

/** The fields of one record's text (newlines in it are inside quotes, so it parses as one record). */
function fieldsOf(text: string, separator: string): string[] {
  return parseCsvRecords(text, separator, 1)[0] ?? [''];
}

/** Header cells as unique names: a blank cell becomes `column_N`, a repeated name gets `_2`, `_3`… */
export function columnNames(cells: readonly string[]): string[] {
  const seen = new Set<string>();
  return cells.map((cell, i) => {
    const base = cell.trim() === '' ? `column_${i + 1}` : cell.trim();
    let name = base;
    for (let n = 2; seen.has(name); n++) name = `${base}_${n}`;
    seen.add(name);
    return name;
  });
}

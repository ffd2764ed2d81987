/**
 * Guessing how a CSV-like file is written, from a sample of its first records: which
 * separator (`,` `;` tab `|`) gives the same number of fields on (nearly) every row,
 * respecting quotes, and whether the first row is a header. Pure: text in, dialect out.
 */
import type { CsvDialect } from '../../contract/dataset-types';
import { KNOWN_COLUMN_NAMES } from '../detect/column-aliases';
import { parseCsvRecords } from './csv-syntax';

export type CsvSeparator = CsvDialect['separator'];

export interface SeparatorFit {
  separator: CsvSeparator;
  /** The most common number of fields per row in the sample. */
  fields: number;
  /** Share of sampled rows with that many fields, 0..1. */
  consistency: number;
  rows: number;
}

const SEPARATORS: readonly CsvSeparator[] = [',', '\t', ';', '|'];
const SAMPLE_RECORDS = 200;

/**
 * How well each separator fits the sample, best first: the most consistent field count
 * wins; then more fields (a separator that also occurs in prose splits less evenly); then
 * the hint (a `.tsv` file prefers tab), then the order above.
 */
export function rankSeparators(sample: string, hint: CsvSeparator | null, complete: boolean): SeparatorFit[] {
  const fits = SEPARATORS.map((separator) => fitOf(sample, separator, complete));
  const order = (fit: SeparatorFit) => (fit.separator === hint ? -1 : SEPARATORS.indexOf(fit.separator));
  return fits.sort(
    (a, b) =>
      Number(b.fields > 1) - Number(a.fields > 1) || b.consistency - a.consistency || b.fields - a.fields || order(a) - order(b),
  );
}

/** `complete` says the sample is the whole file; otherwise its last record may be cut and is left out. */
function fitOf(sample: string, separator: CsvSeparator, complete: boolean): SeparatorFit {
  let records = parseCsvRecords(sample, separator, SAMPLE_RECORDS + 1).filter((record) => !isBlankRecord(record));
  if (!complete && records.length > 1) records = records.slice(0, -1);
  records = records.slice(0, SAMPLE_RECORDS);
  const counts = new Map<number, number>();
  for (const record of records) counts.set(record.length, (counts.get(record.length) ?? 0) + 1);
  let fields = 1;
  let agreeing = 0;
  for (const [count, rows] of counts) {
    if (rows > agreeing || (rows === agreeing && count > fields)) [fields, agreeing] = [count, rows];
  }
  return { separator, fields, consistency: records.length === 0 ? 0 : agreeing / records.length, rows: records.length };
}

export function isBlankRecord(record: readonly string[]): boolean {
  return record.length === 1 && (record[0] as string).trim() === '';
}

/** The dialect for a sample: the best separator, and whether its first row is a header. */
export function detectCsvDialect(sample: string, hint: CsvSeparator | null, complete: boolean): CsvDialect {
  const best = rankSeparators(sample, hint, complete)[0] as SeparatorFit;
  // One column (no separator fits): the hint or a comma, which reads the same.
  const separator = best.fields > 1 ? best.separator : (hint ?? ',');
  const records = parseCsvRecords(sample, separator, SAMPLE_RECORDS).filter((record) => !isBlankRecord(record));
  return { separator, hasHeader: looksLikeHeader(records) };
}

const NUMBER = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;
const NAME = /^[\p{L}\p{N}_][\p{L}\p{N}_ .\-/()#]{0,63}$/u;

/**
 * A header row is made of names: short, distinct, not numbers. Names alone are weak evidence
 * (a dataset of short phrases looks the same), so one of these must hold too: a name Lathe
 * knows (`instruction`, `prompt`, `text`…), a column that is numeric below a non-numeric
 * first cell, first-row cells much shorter than the cells below them, or names without spaces.
 */
export function looksLikeHeader(records: readonly (readonly string[])[]): boolean {
  const [first, ...rest] = records;
  if (first === undefined) return false;
  const cells = first.map((cell) => cell.trim());
  // pandas writes its index column with an empty name: allow an empty first cell.
  const named = cells.filter((cell, i) => cell !== '' || i > 0);
  if (named.some((cell) => !NAME.test(cell) || NUMBER.test(cell) || cell.split(/\s+/).length > 5)) return false;
  if (new Set(named).size !== named.length) return false;
  if (named.some((cell) => KNOWN_COLUMN_NAMES.has(cell.toLowerCase()))) return true;
  if (rest.length === 0) return named.every((cell) => !/\s/.test(cell));
  for (let column = 0; column < cells.length; column++) {
    const below = rest.map((record) => record[column]).filter((cell): cell is string => cell !== undefined && cell.trim() !== '');
    if (below.length === 0) continue;
    if (below.every((cell) => NUMBER.test(cell))) return true;
    const meanBelow = below.reduce((sum, cell) => sum + cell.length, 0) / below.length;
    if ((cells[column] as string).length * 2 < meanBelow && meanBelow >= 12) return true;
  }
  return named.every((cell) => !/\s/.test(cell));
}

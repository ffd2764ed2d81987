/**
 * Which reader a file needs, judged by its first bytes with the file name's extension as a
 * hint (content wins where they disagree: a JSON Lines file saved as `.json` is read as JSON
 * Lines). Pure: the head of the file in, a layout or a `LatheError` out. Files that are not
 * text at all (binary, compressed, UTF-16) are refused here with one clear message, instead
 * of a flood of per-row problems later.
 */
import { extname } from 'node:path';
import type { CsvDialect } from '../../contract/dataset-types';
import { LatheError } from '../../contract/errors';
import { detectCsvDialect, rankSeparators } from './csv-dialect';
import { chooseTextSplit } from './read-text';
import type { DatasetLayout } from './read-types';
import { hasUtf8Bom } from './split-lines';

/** How much of the file detection looks at; readers re-read it from the start. */
export const HEAD_BYTES = 1024 * 1024;

const BINARY_WINDOW = 64 * 1024;

export function detectFormat(head: Uint8Array, fileSize: number, fileName: string): DatasetLayout {
  const ext = extname(fileName).toLowerCase();
  const startsWith = (...bytes: number[]) => bytes.every((byte, i) => head[i] === byte);
  if (startsWith(0x50, 0x41, 0x52, 0x31)) return layout('parquet');
  if (ext === '.parquet') throw invalid('It is named .parquet but is not a Parquet file (it does not start with `PAR1`).', fileName);
  refuseNonText(head, fileName, startsWith);

  const complete = head.length >= fileSize;
  const text = Buffer.from(hasUtf8Bom(head) ? head.subarray(3) : head).toString('utf8');
  const body = text.trimStart();
  if (body === '' && complete) throw invalid('The file is empty: it holds only whitespace.', fileName);

  const first = body[0];
  if (ext === '.jsonl' || ext === '.ndjson') return layout(first === '[' && !isJsonLines(body, ext) ? 'json' : 'jsonl');
  if (first === '{' || first === '[') return layout(isJsonLines(body, ext) ? 'jsonl' : 'json');
  if (ext === '.csv') return csvLayout(detectCsvDialect(text, null, complete));
  if (ext === '.tsv' || ext === '.tab') return csvLayout(detectCsvDialect(text, '\t', complete));
  if (ext === '.txt' || ext === '.md') return textLayout(text);
  const best = rankSeparators(text, null, complete)[0];
  if (best !== undefined && best.fields > 1 && best.rows >= 2 && best.consistency >= 0.9) {
    return csvLayout(detectCsvDialect(text, best.separator, complete));
  }
  return textLayout(text);
}

/**
 * JSON Lines when the first non-blank line is a whole JSON value by itself and another line
 * follows it; or when it is the only line and the name does not say `.json` (a one-record
 * JSON Lines file). A pretty-printed JSON document fails the first test: its first line is `{`.
 */
function isJsonLines(body: string, ext: string): boolean {
  const lines = body.split('\n', 3).map((line) => line.trim());
  const [firstLine = '', secondLine] = lines;
  try {
    JSON.parse(firstLine);
  } catch {
    return false;
  }
  if (secondLine === undefined || (lines.length === 2 && secondLine === '')) return ext !== '.json';
  return true;
}

function refuseNonText(head: Uint8Array, fileName: string, startsWith: (...bytes: number[]) => boolean): void {
  if (startsWith(0x1f, 0x8b)) throw invalid('The file is compressed with gzip: decompress it first.', fileName);
  if (startsWith(0x50, 0x4b, 0x03, 0x04)) throw invalid('The file is a ZIP archive: extract the dataset from it first.', fileName);
  if (startsWith(0x28, 0xb5, 0x2f, 0xfd)) throw invalid('The file is compressed with zstd: decompress it first.', fileName);
  if (startsWith(0xff, 0xfe) || startsWith(0xfe, 0xff)) {
    throw new LatheError('unsupported', 'The file is saved as UTF-16 text; save it as UTF-8 and add it again.', fileName);
  }
  const window = head.subarray(0, BINARY_WINDOW);
  let control = 0;
  for (const byte of window) {
    if (byte === 0) throw looksBinary(fileName, 'it holds zero bytes');
    // Tab, LF, FF, CR and ESC turn up in real text; other control bytes hardly ever do.
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d && byte !== 0x1b) control += 1;
  }
  if (control > window.length * 0.05) throw looksBinary(fileName, `${control} of its first ${window.length} bytes are control characters`);
}

function looksBinary(fileName: string, why: string): LatheError {
  const ext = extname(fileName);
  const named = ext === '' ? '' : `, even though its name ends in ${ext}`;
  return invalid(
    `The file looks binary, not text (${why}), so it is not a dataset Lathe can read${named}. ` +
      'Lathe reads JSON Lines, JSON, CSV/TSV, Parquet and plain text.',
    fileName,
  );
}

function invalid(message: string, fileName: string): LatheError {
  return new LatheError('invalid_file', message, fileName);
}

function layout(format: 'jsonl' | 'json' | 'parquet'): DatasetLayout {
  return { format, csv: null, textSplit: null };
}

function csvLayout(dialect: CsvDialect): DatasetLayout {
  return { format: 'csv', csv: dialect, textSplit: null };
}

function textLayout(text: string): DatasetLayout {
  return { format: 'text', csv: null, textSplit: chooseTextSplit(text) };
}

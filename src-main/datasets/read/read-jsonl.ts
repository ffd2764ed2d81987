/**
 * JSON Lines: one JSON value per line. Blank lines are skipped (they still count for line
 * numbers, so a problem's line is the one an editor shows). A line that is not JSON, not
 * UTF-8, or over the size cap is a problem on that line; the lines around it are read.
 */
import { readFileChunks } from './dataset-file';
import { MAX_ROW_BYTES, type ReadBatch, type ReadOptions, type ReadRow } from './read-types';
import { clip, NOT_UTF8, overlongRow, rawTextOf } from './row-text';
import { splitLines, textOf, type SplitLine } from './split-lines';

export async function* readJsonl(path: string, options: ReadOptions = {}): AsyncGenerator<ReadBatch> {
  const skip = options.skipRows ?? 0;
  let rows = 0;
  for await (const lines of splitLines(readFileChunks(path, options), MAX_ROW_BYTES)) {
    const batch: ReadBatch = [];
    for (const line of lines) {
      if (isBlankLine(line)) continue;
      if (rows++ < skip) continue;
      batch.push(rowOf(line));
    }
    if (batch.length > 0) yield batch;
  }
}

function rowOf(line: SplitLine): ReadRow {
  if ('overlong' in line) return { line: line.number, problem: overlongRow(line.overlong, MAX_ROW_BYTES), rawText: null };
  const text = textOf(line);
  if (text === null) return { line: line.number, problem: NOT_UTF8, rawText: 'bytes' in line ? rawTextOf(line.bytes) : null };
  try {
    return { line: line.number, value: JSON.parse(text) };
  } catch (error) {
    return { line: line.number, problem: `Not valid JSON: ${jsonErrorMessage(error)}`, rawText: clip(text) };
  }
}

/** V8's message quotes a piece of the input; keep it short enough for a problem list. */
export function jsonErrorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 200 ? `${message.slice(0, 200)}…` : message;
}

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;

/** Only spaces, tabs and CRs (JSON's whitespace, less the newline the splitter removed). */
export function isBlankLine(line: SplitLine): boolean {
  if ('overlong' in line) return false;
  const units = 'text' in line ? line.text : line.bytes;
  for (let i = 0; i < units.length; i++) {
    const code = typeof units === 'string' ? units.charCodeAt(i) : (units[i] as number);
    if (code !== SPACE && code !== TAB && code !== CR) return false;
  }
  return true;
}

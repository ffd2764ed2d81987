/**
 * Plain text as `{ text }` examples, split one of two ways (chosen once per file by
 * `chooseTextSplit`, and kept in the inspection so every later read splits the same way):
 *
 * - `paragraphs`: examples are separated by one or more blank lines (whitespace only); the
 *   lines of a paragraph are joined with `\n`. This is how people write documents, notes
 *   and stories one after another.
 * - `lines`: when the sample has no blank line between text, each non-blank line is one
 *   example (a list of sentences, one per line).
 *
 * An example's line is its first line. Line endings (LF or CRLF) are not part of the text;
 * other whitespace is kept as written.
 */
import { readFileChunks } from './dataset-file';
import { isBlankLine } from './read-jsonl';
import { MAX_ROW_BYTES, type ReadBatch, type ReadOptions, type ReadRow, type TextSplit } from './read-types';
import { NOT_UTF8, overlongRow, rawTextOf } from './row-text';
import { splitLines, textOf, type SplitLine } from './split-lines';

/** `paragraphs` when the sample has a blank line with text before and after it, else `lines`. */
export function chooseTextSplit(sample: string): TextSplit {
  return /\S[^\S\n]*\r?\n(?:[^\S\n]*\r?\n)+[^\S\n]*\S/.test(sample) ? 'paragraphs' : 'lines';
}

export async function* readText(path: string, split: TextSplit, options: ReadOptions = {}): AsyncGenerator<ReadBatch> {
  const cutter = split === 'lines' ? new LineExamples() : new ParagraphExamples();
  const skip = options.skipRows ?? 0;
  let index = 0;
  const kept = (rows: ReadRow[]) => rows.filter(() => index++ >= skip);
  for await (const lines of splitLines(readFileChunks(path, options), MAX_ROW_BYTES)) {
    const batch = kept(lines.flatMap((line) => cutter.add(line)));
    if (batch.length > 0) yield batch;
  }
  const last = kept(cutter.end());
  if (last.length > 0) yield last;
}

interface ExampleCutter {
  /** The examples this line completes (none, or one). */
  add(line: SplitLine): ReadRow[];
  end(): ReadRow[];
}

class LineExamples implements ExampleCutter {
  add(line: SplitLine): ReadRow[] {
    if ('overlong' in line) return [{ line: line.number, problem: overlongRow(line.overlong, MAX_ROW_BYTES), rawText: null }];
    if (isBlankLine(line)) return [];
    const text = textOf(line);
    if (text !== null) return [{ line: line.number, value: { text } }];
    return [{ line: line.number, problem: NOT_UTF8, rawText: 'bytes' in line ? rawTextOf(line.bytes) : null }];
  }

  end(): ReadRow[] {
    return [];
  }
}

/** A paragraph is held as its lines' text until a blank line ends it; a bad byte in any line makes it one problem. */
class ParagraphExamples implements ExampleCutter {
  private texts: string[] = [];
  private open = false;
  private start = 0;
  private size = 0;
  private overlong = false;
  private notUtf8: Buffer | null = null;

  add(line: SplitLine): ReadRow[] {
    if (isBlankLine(line)) return this.end();
    if (!this.open) [this.open, this.start] = [true, line.number];
    // The cap counts UTF-16 units for decoded lines: a close enough measure of what is held.
    this.size += ('overlong' in line ? line.overlong : 'text' in line ? line.text.length : line.bytes.length) + 1;
    if (this.overlong || 'overlong' in line || this.size > MAX_ROW_BYTES) {
      this.overlong = true;
      this.texts = [];
      return [];
    }
    const text = textOf(line);
    if (text === null) this.notUtf8 ??= 'bytes' in line ? line.bytes : Buffer.alloc(0);
    else this.texts.push(text);
    return [];
  }

  /** The paragraph in progress, if any, as an example. */
  end(): ReadRow[] {
    if (!this.open) return [];
    const line = this.start;
    const row: ReadRow = this.overlong
      ? { line, problem: overlongRow(this.size, MAX_ROW_BYTES), rawText: null }
      : this.notUtf8 !== null
        ? { line, problem: NOT_UTF8, rawText: rawTextOf(this.notUtf8) }
        : { line, value: { text: this.texts.join('\n') } };
    this.texts = [];
    this.open = false;
    this.size = 0;
    this.overlong = false;
    this.notUtf8 = null;
    return [row];
  }
}

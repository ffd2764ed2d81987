/**
 * Cuts a stream of byte chunks into lines, numbered from 1, handed out as one batch per
 * chunk (a generator step per line would cost more than parsing a short line). Handles LF
 * and CRLF endings and a UTF-8 byte order mark at the start.
 *
 * Lines come decoded when that is cheap and safe: the complete lines of a chunk are checked
 * for UTF-8 in one call and decoded in one call (a newline byte never sits inside a UTF-8
 * character, so the block is valid exactly when every line in it is). When the block is not
 * valid, or a line spans chunks, lines come as bytes and each is judged on its own (see
 * row-text.ts), so one bad line is one row problem. A line longer than the cap is not held:
 * its bytes are counted and dropped, and it comes out as an `overlong` line.
 */
import { isUtf8 } from 'node:buffer';
import { MAX_ROW_BYTES } from './read-types';
import { decodeRow } from './row-text';

export type SplitLine = { number: number; text: string } | { number: number; bytes: Buffer } | { number: number; overlong: number };

const LF = 0x0a;
const CR = 0x0d;

export function hasUtf8Bom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/** The line's text, or null when it is not valid UTF-8 (or too long to hold). */
export function textOf(line: SplitLine): string | null {
  if ('text' in line) return line.text;
  return 'bytes' in line ? decodeRow(line.bytes) : null;
}

export async function* splitLines(chunks: AsyncIterable<Buffer>, maxLineBytes = MAX_ROW_BYTES): AsyncGenerator<SplitLine[]> {
  let parts: Buffer[] = [];
  let pendingBytes = 0;
  let overlong = false;
  let number = 1;
  let first = true;

  /** The line held from earlier chunks, completed by `tail`. */
  const finish = (tail: Buffer): SplitLine => {
    const total = pendingBytes + tail.length;
    let line: SplitLine;
    if (overlong || total > maxLineBytes) {
      line = { number, overlong: total };
    } else {
      const bytes = parts.length === 0 ? tail : Buffer.concat([...parts, tail], total);
      line = { number, bytes: withoutCr(bytes) };
    }
    parts = [];
    pendingBytes = 0;
    overlong = false;
    number += 1;
    return line;
  };

  for await (let chunk of chunks) {
    if (first) {
      first = false;
      if (hasUtf8Bom(chunk)) chunk = chunk.subarray(3);
    }
    const lines: SplitLine[] = [];
    let start = 0;
    const firstNewline = chunk.indexOf(LF);
    if (firstNewline >= 0) {
      if (pendingBytes > 0 || overlong) {
        lines.push(finish(chunk.subarray(0, firstNewline)));
        start = firstNewline + 1;
      }
      const lastNewline = chunk.lastIndexOf(LF);
      if (lastNewline >= start) {
        const block = chunk.subarray(start, lastNewline);
        if (block.length <= maxLineBytes && isUtf8(block)) {
          for (const text of block.toString('utf8').split('\n')) {
            lines.push({ number: number++, text: text.endsWith('\r') ? text.slice(0, -1) : text });
          }
        } else {
          for (let from = start; from <= lastNewline; ) {
            const newline = chunk.indexOf(LF, from);
            lines.push(finish(chunk.subarray(from, newline)));
            from = newline + 1;
          }
        }
        start = lastNewline + 1;
      }
    }
    if (lines.length > 0) yield lines;
    const rest = chunk.subarray(start);
    if (rest.length === 0) continue;
    pendingBytes += rest.length;
    if (overlong || pendingBytes > maxLineBytes) {
      overlong = true; // keep counting, stop holding
      parts = [];
    } else {
      parts.push(rest);
    }
  }
  if (pendingBytes > 0 || overlong) yield [finish(Buffer.alloc(0))];
}

function withoutCr(bytes: Buffer): Buffer {
  return bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.subarray(0, bytes.length - 1) : bytes;
}

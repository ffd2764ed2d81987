/**
 * Memory stays flat in the file's size (DESIGN §3: a 1 GB file must not need 1 GB): a
 * generated ~200 MB chat JSONL is inspected while the process's RSS is sampled every 5 ms,
 * and the peak growth over the RSS before must stay well under the file size.
 *
 * What this measures, honestly: RSS is everything the process holds — the reader's chunks
 * and rows, but also garbage V8 has not collected yet and heap it keeps after collecting —
 * so it is an upper bound on what the reader keeps. What grows is mostly V8's heap filling
 * with each chunk's short-lived strings and rows (10–20 MB here, whatever the file's size;
 * with 1 MiB chunks it was 30–100 MB, which is why chunks are 256 KiB). A reader that held
 * the file, its text or its rows would grow by more than the file's size; the bound below
 * (a quarter of it) leaves room for the heap's swings and none for that. Samples are taken
 * on a timer, which runs because the reader awaits each chunk it reads.
 */
import { closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectDataset } from '../../../../src-main/datasets/inspect-dataset';
import { tempFolder } from './read-test-helpers';

const dir = tempFolder('reader-memory');
const FILE_MB = 200;

/** About 1 MB of chat rows, different lengths and some non-ASCII text. */
function block(seed: number): Buffer {
  const words = ['lathe', 'turns', 'wood', 'into', 'bowls', 'chips', 'fly', 'ünïcödé', '東京', 'tool', 'rest', 'spindle'];
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < 1_000_000; i++) {
    const text = (n: number) => Array.from({ length: n }, (_, w) => words[(w * 7 + i + seed) % words.length]).join(' ');
    const line = JSON.stringify({ messages: [{ role: 'user', content: text(10 + (i % 50)) }, { role: 'assistant', content: text(30 + (i % 200)) }] });
    lines.push(line);
    size += line.length + 1;
  }
  return Buffer.from(lines.join('\n') + '\n');
}

describe('memory while reading', () => {
  it(`inspects a ${FILE_MB} MB JSONL with RSS growth well under the file size`, async () => {
    const path = join(dir, 'big.jsonl');
    const fd = openSync(path, 'w');
    for (let i = 0; i < FILE_MB; i++) writeSync(fd, block(i % 7));
    closeSync(fd);
    const size = statSync(path).size;

    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    try {
      const inspection = await inspectDataset(path);
      expect(inspection.valid).toBe(inspection.rows);
      expect(inspection.rows).toBeGreaterThan(100_000);
    } finally {
      clearInterval(timer);
      rmSync(path, { force: true });
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    const growth = peak - before;
    console.log(`RSS ${(before / 1e6).toFixed(0)} MB before, peak growth ${(growth / 1e6).toFixed(1)} MB for a ${(size / 1e6).toFixed(0)} MB file`);
    expect(growth).toBeLessThan(size / 4);
  }, 60_000);
});

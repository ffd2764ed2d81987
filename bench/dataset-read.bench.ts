/**
 * How fast a dataset is inspected: `inspectDataset` (read, detect, check every row, hash) on
 * a generated ~100 MB chat JSONL (OpenAI `messages`, 2–6 turns of mixed-length text, a few
 * bad rows), with rows/s, MB/s and the process's peak RSS growth printed beside them.
 *
 * RSS is sampled every 5 ms on a timer while the inspection runs (the reader yields to the
 * event loop at each 256 KiB chunk, so the timer runs). It counts everything the process holds,
 * garbage not yet collected included, so it is an upper bound on what the reader keeps. The
 * first run's growth is what a fresh process sees; later runs reuse the heap it grew.
 *
 * Run: npx vitest run --config bench/vitest.config.ts dataset-read   (prints; asserts nothing about time)
 * `MB=…` sets the file size (default 100), `RUNS=…` the timed runs (default 3).
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectDataset } from '../src-main/datasets/inspect-dataset';
import { seededRandom as prng } from '../tests/main/helpers/seeded-random';

const TARGET_MB = Number(process.env.MB ?? 100);
const RUNS = Number(process.env.RUNS ?? 3);


const WORDS = 'the lathe turns wood metal into bowls legs spindles with a sharp tool held firm against the spinning piece while chips fly ünïcödé 東京 🙂'.split(' ');

async function writeChatJsonl(path: string, bytes: number): Promise<number> {
  const random = prng(7);
  const sentence = (max: number) => Array.from({ length: 3 + Math.floor(random() * max) }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
  const out = createWriteStream(path);
  let written = 0;
  let rows = 0;
  while (written < bytes) {
    const lines: string[] = [];
    for (let i = 0; i < 1000; i++) {
      rows += 1;
      if (rows % 5000 === 0) {
        lines.push('{"messages": [{"role": "user", "content": "cut short'); // a bad row now and then
        continue;
      }
      const messages: { role: string; content: string }[] = [];
      if (random() < 0.3) messages.push({ role: 'system', content: sentence(10) });
      const turns = 1 + Math.floor(random() * 3);
      for (let t = 0; t < turns; t++) messages.push({ role: 'user', content: sentence(40) }, { role: 'assistant', content: sentence(120) });
      lines.push(JSON.stringify({ messages }));
    }
    const block = lines.join('\n') + '\n';
    written += Buffer.byteLength(block);
    if (!out.write(block)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return rows;
}

describe('dataset inspection throughput', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lathe-bench-dataset-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('inspects a 100 MB chat JSONL, printing rows/s, MB/s and peak RSS', async () => {
    const path = join(dir, 'chat.jsonl');
    const rows = await writeChatJsonl(path, TARGET_MB * 1e6);
    const size = statSync(path).size;

    const measure = async () => {
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
      const started = performance.now();
      const inspection = await inspectDataset(path);
      const ms = performance.now() - started;
      clearInterval(timer);
      return { inspection, ms, peakGrowth: Math.max(peak, process.memoryUsage().rss) - baseline };
    };
    const cold = await measure(); // first run: JIT warming up, heap growing from the process's start
    const results: { ms: number; peakGrowth: number }[] = [];
    let last = cold.inspection;
    for (let run = 0; run < RUNS; run++) {
      const measured = await measure();
      last = measured.inspection;
      results.push(measured);
    }
    expect(last.rows).toBe(rows);
    expect(last.invalid).toBe(Math.floor(rows / 5000));

    results.sort((a, b) => a.ms - b.ms);
    const median = results[Math.floor(results.length / 2)] as { ms: number; peakGrowth: number };
    const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
    console.log(
      [
        `inspectDataset on ${mb(size)} chat JSONL, ${rows.toLocaleString('en')} rows (${last.invalid} bad); warm page cache, median of ${RUNS}`,
        `  ${median.ms.toFixed(0)} ms = ${Math.round(rows / (median.ms / 1000)).toLocaleString('en')} rows/s, ${(size / 1e6 / (median.ms / 1000)).toFixed(1)} MB/s` +
          `  (fastest ${results[0]?.ms.toFixed(0)} ms)`,
        `  peak RSS growth: first run ${mb(cold.peakGrowth)} (${((100 * cold.peakGrowth) / size).toFixed(1)} % of the file, in ${cold.ms.toFixed(0)} ms), ` +
          `later runs up to ${mb(Math.max(...results.map((r) => r.peakGrowth)))}; RSS now ${mb(process.memoryUsage().rss)}`,
      ].join('\n'),
    );
  });
});

/**
 * Property test for every reader: valid files, damaged hundreds of ways each from a seeded
 * PRNG (bytes flipped, structural characters inserted, ranges cut, repeated or truncated,
 * invalid UTF-8 and zero bytes dropped in), must only ever give rows and row problems or a
 * `LatheError`, never another exception, and quickly (a hang shows up as a slow case or a
 * test timeout). Row numbers must stay positive and in order. `inspectDataset` is fuzzed on
 * top, format detection included.
 *
 * Parquet pages are decoded by hyparquet, which can spin on a damaged page; the reader's
 * watchdog turns that into a `LatheError`. The test shortens the watchdog to 1.5 s (the
 * reader's own default is 10 s) and allows such cases 4 s, and fuzzes Parquet through the
 * reader only, since `inspectDataset` keeps the default.
 *
 * A failure names the reader and case; `FUZZ_SEED=… FUZZ_CASES=…` reproduce or widen it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { LatheError } from '../../../../src-main/contract/errors';
import { inspectDataset } from '../../../../src-main/datasets/inspect-dataset';
import { readDatasetRecords } from '../../../../src-main/datasets/read/read-dataset';
import type { DatasetLayout, ReadBatch } from '../../../../src-main/datasets/read/read-types';
import { fixture, tempFolder } from './read-test-helpers';
import { seededRandom as prng } from '../../helpers/seeded-random';

const dir = tempFolder('reader-fuzz');
const SEED = Number(process.env.FUZZ_SEED ?? 0x0da7a5e7);
const CASES = Number(process.env.FUZZ_CASES ?? 600);
const MAX_MS_PER_CASE = 1000;
const PARQUET_DECODE_TIMEOUT_MS = 1500;


/** Bytes that matter to some reader: quotes, escapes, brackets, separators, line ends, zero, invalid and partial UTF-8. */
const SPECIAL = Buffer.from('"\\{}[],:;\t|\n\r\n\x00\xff\xc3\xe2\x80 ', 'latin1');

/** Damages `bytes` at one to four places before `end` (Parquet aims at its pages, not only its footer). */
function mutate(bytes: Buffer, random: () => number, end = bytes.length): Buffer {
  const at = () => Math.floor(random() * (end + 1));
  const special = () => SPECIAL[Math.floor(random() * SPECIAL.length)] as number;
  let out = Buffer.from(bytes);
  const steps = 1 + Math.floor(random() * 4);
  for (let step = 0; step < steps; step++) {
    const position = Math.min(at(), out.length);
    switch (Math.floor(random() * 7)) {
      case 0: // flip one byte
        if (out.length > 0) out[Math.min(position, out.length - 1)] = Math.floor(random() * 256);
        break;
      case 1: // a structural byte
        out = Buffer.concat([out.subarray(0, position), Buffer.from([special()]), out.subarray(position)]);
        break;
      case 2: // overwrite with a structural byte
        if (out.length > 0) out[Math.min(position, out.length - 1)] = special();
        break;
      case 3: // cut a range
        out = Buffer.concat([out.subarray(0, position), out.subarray(position + Math.floor(random() * 64))]);
        break;
      case 4: // repeat a range
        out = Buffer.concat([out.subarray(0, position), out.subarray(position, position + Math.floor(random() * 64)), out.subarray(position)]);
        break;
      case 5: // truncate
        out = out.subarray(0, position);
        break;
      default: // random bytes
        out = Buffer.concat([out.subarray(0, position), Buffer.from(Array.from({ length: 1 + Math.floor(random() * 8) }, () => Math.floor(random() * 256))), out.subarray(position)]);
    }
  }
  return out;
}

function parquetBase(): Buffer {
  const schema = [
    { name: 'root', num_children: 2 },
    { name: 'id', type: 'INT32' as const, repetition_type: 'REQUIRED' as const },
    { name: 'messages', repetition_type: 'OPTIONAL' as const, converted_type: 'LIST' as const, num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED' as const, num_children: 1 },
    { name: 'element', repetition_type: 'OPTIONAL' as const, num_children: 2 },
    { name: 'role', type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: 'OPTIONAL' as const },
    { name: 'content', type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: 'OPTIONAL' as const },
  ];
  const messages = Array.from({ length: 12 }, (_, i) => [
    { role: 'user', content: `question ${i} ✓` },
    { role: 'assistant', content: `answer ${i}` },
  ]);
  const ids = messages.map((_, i) => i);
  return Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'id', data: ids }, { name: 'messages', data: messages }], schema, rowGroupSize: 5 }));
}

/** Where a Parquet file's footer starts: its length is stored just before the closing `PAR1`. */
function parquetPagesEnd(file: Buffer): number {
  return file.length - 8 - file.readUInt32LE(file.length - 8);
}

const PARQUET = parquetBase();
const jsonl = Buffer.concat([readFileSync(fixture('chat.jsonl')), Buffer.from('{"prompt":"p","completion":"c"}\r\n\n{"a":[1,{"b":"\\u00e9\\n"}]}\n')]);
interface FuzzedReader {
  name: string;
  base: Buffer;
  layout: DatasetLayout;
  fileName: string;
  /** How many rows the damaged files must still give in all, so the damage is not so heavy that nothing is read (Parquet's footer makes most damage fatal). */
  minRows?: number;
  /** Where most damage is aimed: before this byte (default: anywhere). */
  aimBefore?: number;
  maxMs?: number;
  inspect?: boolean;
}

const CASES_BY_READER: FuzzedReader[] = [
  { name: 'jsonl', base: jsonl, layout: { format: 'jsonl', csv: null, textSplit: null }, fileName: 'f.jsonl' },
  { name: 'json (array)', base: readFileSync(fixture('sharegpt.json')), layout: { format: 'json', csv: null, textSplit: null }, fileName: 'f.json' },
  { name: 'json (object)', base: readFileSync(fixture('alpaca-object.json')), layout: { format: 'json', csv: null, textSplit: null }, fileName: 'f.json' },
  { name: 'csv', base: readFileSync(fixture('semicolon.csv')), layout: { format: 'csv', csv: { separator: ';', hasHeader: true }, textSplit: null }, fileName: 'f.csv' },
  { name: 'tsv, no header', base: readFileSync(fixture('pairs.tsv')), layout: { format: 'csv', csv: { separator: '\t', hasHeader: false }, textSplit: null }, fileName: 'f.tsv' },
  { name: 'text (paragraphs)', base: readFileSync(fixture('paragraphs.txt')), layout: { format: 'text', csv: null, textSplit: 'paragraphs' }, fileName: 'f.txt' },
  { name: 'text (lines)', base: readFileSync(fixture('lines.txt')), layout: { format: 'text', csv: null, textSplit: 'lines' }, fileName: 'f.txt' },
  {
    name: 'parquet',
    base: PARQUET,
    layout: { format: 'parquet', csv: null, textSplit: null },
    fileName: 'f.parquet',
    aimBefore: parquetPagesEnd(PARQUET),
    minRows: CASES / 6,
    maxMs: 4000,
    inspect: false,
  },
];

async function readAll(path: string, layout: DatasetLayout): Promise<number> {
  let rows = 0;
  let last = 0;
  for await (const batch of readDatasetRecords(path, layout, { parquetDecodeTimeoutMs: PARQUET_DECODE_TIMEOUT_MS }) as AsyncGenerator<ReadBatch>) {
    for (const row of batch) {
      if (!(row.line > last)) throw new Error(`row numbers out of order: ${row.line} after ${last}`);
      last = row.line;
      rows += 1;
    }
  }
  return rows;
}

describe('readers under damaged input', () => {
  it.each(CASES_BY_READER)('$name: rows, row problems or a LatheError, quickly', async (reader) => {
    const { name, base, layout, fileName, minRows = CASES, aimBefore, maxMs = MAX_MS_PER_CASE, inspect = true } = reader;
    const random = prng(SEED ^ name.length * 7919);
    const path = join(dir, fileName);
    const outcomes = { rows: 0, refused: 0, inspected: 0 };
    let slowest = 0;
    for (let c = 0; c < CASES; c++) {
      writeFileSync(path, mutate(base, random, aimBefore !== undefined && random() < 0.8 ? aimBefore : base.length));
      const started = performance.now();
      const runs: (() => Promise<unknown>)[] = [() => readAll(path, layout)];
      if (inspect) runs.push(() => inspectDataset(path));
      for (const run of runs) {
        try {
          const result = await run();
          if (typeof result === 'number') outcomes.rows += result;
          else outcomes.inspected += 1;
        } catch (error) {
          if (!(error instanceof LatheError)) {
            throw new Error(`${name}, case ${c} (seed ${SEED}): ${error instanceof Error ? error.stack : String(error)}`, { cause: error });
          }
          outcomes.refused += 1;
        }
      }
      slowest = Math.max(slowest, performance.now() - started);
    }
    expect(slowest, `slowest case took ${slowest.toFixed(0)} ms`).toBeLessThan(maxMs);
    // Neither so heavy that nothing is read nor so light that nothing is refused: either way the property would test little.
    expect(outcomes.rows).toBeGreaterThan(minRows);
    if (inspect) expect(outcomes.inspected).toBeGreaterThan(CASES / 10);
    expect(outcomes.refused).toBeGreaterThan(0);
  });
});

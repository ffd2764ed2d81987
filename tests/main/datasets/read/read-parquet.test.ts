/**
 * Parquet through hyparquet, files written with hyparquet-writer in the test: rows as
 * objects numbered from 1 across row groups, nested list<struct> columns (how Hugging Face
 * stores `messages`), 64-bit integers, compression codecs, and damaged files as LatheErrors.
 */
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { readParquet } from '../../../../src-main/datasets/read/read-parquet';
import type { ReadOptions } from '../../../../src-main/datasets/read/read-types';
import { expectLatheError, rowsOf, summary, tempFolder, writeFile } from './read-test-helpers';

const dir = tempFolder('read-parquet');

type ParquetOptions = Parameters<typeof parquetWriteBuffer>[0];

function writeParquet(name: string, options: ParquetOptions): string {
  return writeFile(dir, name, new Uint8Array(parquetWriteBuffer(options)));
}

const MESSAGES_SCHEMA = [
  { name: 'root', num_children: 2 },
  { name: 'id', type: 'INT64' as const, repetition_type: 'REQUIRED' as const },
  { name: 'messages', repetition_type: 'OPTIONAL' as const, converted_type: 'LIST' as const, num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED' as const, num_children: 1 },
  { name: 'element', repetition_type: 'OPTIONAL' as const, num_children: 2 },
  { name: 'role', type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: 'OPTIONAL' as const },
  { name: 'content', type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: 'OPTIONAL' as const },
];

function chat(i: number) {
  return [
    { role: 'user', content: `question ${i}` },
    { role: 'assistant', content: `answer ${i}` },
  ];
}

describe('readParquet', () => {
  it('reads a list<struct> messages column across row groups, numbering rows from 1', async () => {
    const path = writeParquet('chat.parquet', {
      columnData: [
        { name: 'id', data: Array.from({ length: 25 }, (_, i) => BigInt(i)) },
        { name: 'messages', data: Array.from({ length: 25 }, (_, i) => chat(i)) },
      ],
      schema: MESSAGES_SCHEMA,
      rowGroupSize: 10,
    });
    let columns: string[] = [];
    const batches: number[] = [];
    const rows = [];
    for await (const batch of readParquet(path, { onColumns: (names) => (columns = names) })) {
      batches.push(batch.length);
      rows.push(...batch);
    }
    expect(columns).toEqual(['id', 'messages']);
    expect(batches).toEqual([10, 10, 5]); // one batch per row group: never the whole file at once
    expect(rows).toHaveLength(25);
    expect(rows[24]).toEqual({ line: 25, value: { id: 24, messages: chat(24) } });
  });

  it('skips whole row groups before the rows asked for, and starts mid-group', async () => {
    const path = writeParquet('skip.parquet', {
      columnData: [{ name: 'text', data: Array.from({ length: 30 }, (_, i) => `row ${i + 1}`), type: 'STRING' }],
      rowGroupSize: 10,
    });
    let fetched = 0;
    const options: ReadOptions = { skipRows: 23, onBytes: (bytes) => (fetched = bytes) };
    expect(summary(await rowsOf(readParquet(path, options))).map(([line]) => line)).toEqual([24, 25, 26, 27, 28, 29, 30]);
    expect(fetched).toBeGreaterThan(0);
  });

  it('turns 64-bit integers and dates into JSON values, and keeps numbers as numbers', async () => {
    const path = writeParquet('types.parquet', {
      columnData: [
        { name: 'big', data: [2n ** 60n, 5n], type: 'INT64' },
        { name: 'when', data: [new Date(0), new Date(86_400_000)], type: 'TIMESTAMP' },
        { name: 'score', data: [1.5, 2], type: 'DOUBLE' },
      ],
    });
    expect(summary(await rowsOf(readParquet(path)))).toEqual([
      [1, { big: '1152921504606846976', when: '1970-01-01T00:00:00.000Z', score: 1.5 }],
      [2, { big: 5, when: '1970-01-02T00:00:00.000Z', score: 2 }],
    ]);
  });

  it('decompresses Snappy, gzip and Brotli', async () => {
    const columnData = [{ name: 'text', data: ['compressed text '.repeat(50), 'more'], type: 'STRING' as const }];
    const files = [
      writeParquet('snappy.parquet', { columnData }),
      writeParquet('gzip.parquet', { columnData, codec: 'GZIP', compressors: { GZIP: (input: Uint8Array) => gzipSync(input) } }),
      writeParquet('brotli.parquet', { columnData, codec: 'BROTLI', compressors: { BROTLI: (input: Uint8Array) => brotliCompressSync(input) } }),
    ];
    for (const path of files) {
      expect(summary(await rowsOf(readParquet(path)))).toEqual([
        [1, { text: 'compressed text '.repeat(50) }],
        [2, { text: 'more' }],
      ]);
    }
  });

  it('stops decoding a damaged page that makes hyparquet spin, with an invalid_file error', async () => {
    // Found by the reader fuzz test: one byte inserted into a Snappy page of `content` makes
    // hyparquet's run-length decoder loop for minutes (hyparquet 1.31). The worker's watchdog
    // ends it. Should an update of hyparquet fix this, its own error message shows up here.
    const good = Buffer.from(
      parquetWriteBuffer({
        columnData: [
          { name: 'id', data: Array.from({ length: 12 }, (_, i) => BigInt(i)) },
          { name: 'messages', data: Array.from({ length: 12 }, (_, i) => chat(i)) },
        ],
        schema: MESSAGES_SCHEMA,
        rowGroupSize: 5,
      }),
    );
    const damaged = writeFile(dir, 'spins.parquet', Buffer.concat([good.subarray(0, 128), Buffer.from([0x20]), good.subarray(128)]));
    const started = performance.now();
    await expectLatheError(
      rowsOf(readParquet(damaged, { parquetDecodeTimeoutMs: 1000 })),
      'invalid_file',
      /^Not a readable Parquet file: decoding one row group took over 1\.0 s, so it looks damaged\.$/,
    );
    expect(performance.now() - started).toBeLessThan(5000);
    // The worker that spun was replaced: the next file reads normally.
    expect(await rowsOf(readParquet(writeFile(dir, 'after.parquet', good)))).toHaveLength(12);

    // Cancelling stops a decode in progress at once, long before the watchdog.
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const cancelledAt = performance.now();
    await expectLatheError(rowsOf(readParquet(damaged, { signal: controller.signal })), 'cancelled', /cancelled/);
    expect(performance.now() - cancelledAt).toBeLessThan(3000);
  });

  it('refuses files that are not Parquet, cut short, or whose footer points outside the file', async () => {
    const good = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'text', data: ['a', 'b'], type: 'STRING' }] }));
    await expectLatheError(rowsOf(readParquet(writeFile(dir, 'plain.parquet', 'text, not parquet at all'))), 'invalid_file', /does not start with `PAR1`/);
    await expectLatheError(rowsOf(readParquet(writeFile(dir, 'cut.parquet', good.subarray(0, good.length - 9)))), 'invalid_file', /does not end with `PAR1`/);
    const bigFooter = Buffer.from(good);
    bigFooter.writeUInt32LE(0x7fffffff, bigFooter.length - 8); // metadata length far beyond the file
    await expectLatheError(rowsOf(readParquet(writeFile(dir, 'footer.parquet', bigFooter))), 'invalid_file', /^Not a readable Parquet file: /);
  });
});

/** JSON Lines: line numbers, blank lines, CRLF and BOM, and every bad line a problem on its own line, with no good line lost. */
import { openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonl } from '../../../../src-main/datasets/read/read-jsonl';
import { MAX_ROW_BYTES } from '../../../../src-main/datasets/read/read-types';
import { fixture, rowsOf, summary, tempFolder, writeFile } from './read-test-helpers';

const dir = tempFolder('read-jsonl');

describe('readJsonl', () => {
  it('reads one value per line, numbering lines as an editor does (blank lines count, yield nothing)', async () => {
    const rows = await rowsOf(readJsonl(fixture('chat.jsonl')));
    expect(rows.map((row) => row.line)).toEqual([1, 2, 4]);
    expect(rows[1]).toEqual({
      line: 2,
      value: { messages: [{ role: 'user', content: '2+2?' }, { role: 'assistant', content: '4' }] },
    });
  });

  it('accepts CRLF endings, a UTF-8 byte order mark, whitespace-only lines and no final newline', async () => {
    const path = writeFile(dir, 'crlf.jsonl', '\uFEFF{"a":1}\r\n  \t\r\n{"a":"é"}\r\n{"a":3}');
    expect(summary(await rowsOf(readJsonl(path)))).toEqual([
      [1, { a: 1 }],
      [3, { a: 'é' }],
      [4, { a: 3 }],
    ]);
  });

  it('reports a line that is not JSON with its line number and text, and keeps the lines around it', async () => {
    const path = writeFile(dir, 'bad.jsonl', '{"a":1}\n{"a":\n\n{"a":3}\n[1,2\n');
    const rows = await rowsOf(readJsonl(path));
    expect(rows.map((row) => row.line)).toEqual([1, 2, 4, 5]);
    expect(rows[1]).toMatchObject({ line: 2, problem: expect.stringMatching(/^Not valid JSON: /), rawText: '{"a":' });
    expect(rows[2]).toEqual({ line: 4, value: { a: 3 } });
    expect(rows[3]).toMatchObject({ line: 5, problem: expect.stringMatching(/^Not valid JSON/) });
  });

  it('reports invalid UTF-8 on the line that has it, never decoding it silently', async () => {
    const bytes = Buffer.concat([Buffer.from('{"a":"ok"}\n{"a":"'), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from('"}\n{"a":"fine"}\n')]);
    const rows = await rowsOf(readJsonl(writeFile(dir, 'latin.jsonl', bytes)));
    expect(summary(rows)).toEqual([
      [1, { a: 'ok' }],
      [2, expect.stringMatching(/not valid UTF-8/)],
      [3, { a: 'fine' }],
    ]);
  });

  it('reads a 50 MB single line', async () => {
    const big = 'x'.repeat(50 * 1024 * 1024);
    const path = writeFile(dir, 'long.jsonl', `{"a":1}\n{"text":"${big}"}\n{"a":3}\n`);
    const rows = await rowsOf(readJsonl(path));
    expect(rows.map((row) => row.line)).toEqual([1, 2, 3]);
    const second = rows[1] as { value: { text: string } };
    expect(second.value.text.length).toBe(big.length);
  });

  it('skips a line over the 64 MiB cap as a problem on its line, without holding it, and reads on', async () => {
    const path = join(dir, 'huge.jsonl');
    const fd = openSync(path, 'w');
    writeSync(fd, '{"a":1}\n{"text":"');
    const block = Buffer.alloc(4 * 1024 * 1024, 0x61);
    for (let written = 0; written <= MAX_ROW_BYTES; written += block.length) writeSync(fd, block);
    writeSync(fd, '"}\n{"a":3}\n');
    closeSync(fd);
    const rows = await rowsOf(readJsonl(path));
    expect(summary(rows)).toEqual([
      [1, { a: 1 }],
      [2, expect.stringMatching(/The row is 7\d\.\d MB long, over the 67\.1 MB limit for one row; it was skipped\./)],
      [3, { a: 3 }],
    ]);
  });

  it('skips rows for a preview page without parsing them, counting only non-blank lines', async () => {
    const path = writeFile(dir, 'skip.jsonl', '{"a":1}\n\nnot json\n{"a":3}\n{"a":4}\n');
    expect(summary(await rowsOf(readJsonl(path, { skipRows: 2 })))).toEqual([
      [4, { a: 3 }],
      [5, { a: 4 }],
    ]);
  });

  it('reports progress in bytes and hands every chunk over for hashing', async () => {
    const path = writeFile(dir, 'progress.jsonl', '{"a":1}\n'.repeat(300_000));
    const seen: number[] = [];
    let hashed = 0;
    const rows = await rowsOf(readJsonl(path, { onBytes: (bytes) => seen.push(bytes), onChunk: (chunk) => (hashed += chunk.length) }));
    expect(rows).toHaveLength(300_000);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)).toBe(2_400_000);
    expect(hashed).toBe(2_400_000);
  });
});

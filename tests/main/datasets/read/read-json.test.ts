/**
 * JSON datasets read as a stream: a top-level array, or an object with one array of
 * records. Record numbers are array indices from 1; problems name the record's line too.
 */
import { describe, expect, it } from 'vitest';
import { JsonRecordSplitter } from '../../../../src-main/datasets/read/json-record-splitter';
import { readJson } from '../../../../src-main/datasets/read/read-json';
import type { ReadOptions } from '../../../../src-main/datasets/read/read-types';
import { expectLatheError, fixture, rowsOf, summary, tempFolder, writeFile } from './read-test-helpers';

const dir = tempFolder('read-json');

async function read(content: string, options: ReadOptions = {}) {
  return rowsOf(readJson(writeFile(dir, `case-${Math.random().toString(36).slice(2)}.json`, content), options));
}

describe('readJson', () => {
  it('reads a top-level array, strings with brackets, braces, quotes and escapes included', async () => {
    let key: string | null | undefined;
    const rows = await rowsOf(readJson(fixture('sharegpt.json'), { onJsonRecordsKey: (found) => (key = found) }));
    expect(rows.map((row) => row.line)).toEqual([1, 2, 3]);
    expect(key).toBeNull();
    expect((rows[2] as { value: unknown }).value).toEqual({
      conversations: [
        { from: 'human', value: 'Say "hi" with a brace } and a bracket ]' },
        { from: 'gpt', value: 'hi } ]' },
      ],
    });
  });

  it('finds the one array of records in an object, says which key, and skims the other members', async () => {
    let key: string | null | undefined;
    const rows = await rowsOf(readJson(fixture('alpaca-object.json'), { onJsonRecordsKey: (found) => (key = found) }));
    expect(key).toBe('data');
    expect(summary(rows)).toEqual([
      [1, { instruction: 'Give a synonym.', input: 'happy', output: 'glad' }],
      [2, { instruction: 'Name a primary colour.', input: '', output: 'Red' }],
      [3, { instruction: 'Add the numbers.', input: '2 and 3', output: '5' }],
    ]);
  });

  it('reads escaped keys and keeps values that are not objects as records (normalisation judges them)', async () => {
    expect(summary(await read('{"da\\"ta": [{"a": 1}, 2, "x", [3]]}'))).toEqual([
      [1, { a: 1 }],
      [2, 2],
      [3, 'x'],
      [4, [3]],
    ]);
  });

  it('reports a damaged record with its number and line, and reads the records after it', async () => {
    const rows = await read('[\n  {"a": 1},\n  {"a": },\n  {"a": 3},\n  ,\n  {"a": 5}\n]');
    expect(summary(rows)).toEqual([
      [1, { a: 1 }],
      [2, expect.stringMatching(/^problem: Not valid JSON \(the record starts at line 3\): /)],
      [3, { a: 3 }],
      [4, expect.stringMatching(/^problem: Not valid JSON \(the record starts at line 5\)/)],
      [5, { a: 5 }],
    ]);
  });

  it('reports a record cut short by the end of the file, keeping the ones before it', async () => {
    expect(summary(await read('[{"a": 1}, {"a": 2}, {"a": "thr'))).toEqual([
      [1, { a: 1 }],
      [2, { a: 2 }],
      [3, 'problem: The file ends inside this record: it looks cut short (the record starts at line 1).'],
    ]);
  });

  it('reports invalid UTF-8 in the record that holds it', async () => {
    const bytes = Buffer.concat([Buffer.from('[{"a": "ok"}, {"a": "'), Buffer.from([0xc3, 0x28]), Buffer.from('"}, {"a": 3}]')]);
    const rows = await rowsOf(readJson(writeFile(dir, 'utf8.json', bytes)));
    expect(summary(rows)).toEqual([
      [1, { a: 'ok' }],
      [2, expect.stringMatching(/not valid UTF-8 .*\(the record starts at line 1\)/)],
      [3, { a: 3 }],
    ]);
  });

  it('refuses one huge object with no array of records, naming its keys', async () => {
    const members = Array.from({ length: 2000 }, (_, i) => `"key${i}": {"nested": [1, 2, {"deep": "${'v'.repeat(500)}"}]}`);
    await expectLatheError(read(`{${members.join(',\n')}}`), 'invalid_file', /one JSON object with no array of records in it \(its keys: `key0`, `key1`/);
    await expectLatheError(read('{"instruction": "x", "output": "y"}'), 'invalid_file', /no array of records/);
    await expectLatheError(read('{"tags": ["a", "b"], "rows": [[1, 2]], "empty": []}'), 'invalid_file', /no array of records/);
  });

  it('refuses an object with two arrays of records: it cannot know which one is the dataset', async () => {
    await expectLatheError(
      read('{"train": [{"a": 1}],\n "test": [{"a": 2}]}'),
      'invalid_file',
      /more than one array of records \(`train` at line 1 and `test` at line 2\)/,
    );
  });

  it('refuses a file that holds a single value, or has more after its value', async () => {
    await expectLatheError(read('"just a string"'), 'invalid_file', /holds a single value, not an array of records/);
    await expectLatheError(read('42'), 'invalid_file', /single value/);
    await expectLatheError(read('[{"a": 1}]\n[{"a": 2}]'), 'invalid_file', /more after the JSON value ends, at line 2/);
    await expectLatheError(read('   \n  '), 'invalid_file', /holds no JSON value/);
  });

  it('reads records that span chunk boundaries (a file of many chunks)', async () => {
    const records = Array.from({ length: 5000 }, (_, i) => ({ i, text: `${'ab"\\{['.repeat(i % 97)}é` }));
    const rows = await read(JSON.stringify({ meta: { n: 1 }, records }, null, 2));
    expect(rows).toHaveLength(5000);
    expect(rows.every((row, i) => 'value' in row && JSON.stringify(row.value) === JSON.stringify(records[i]))).toBe(true);
  });

  it('skips records for a preview page without parsing them', async () => {
    expect(summary(await read('[{"a":1},{"a":},{"a":3}]', { skipRows: 2 }))).toEqual([[3, { a: 3 }]]);
  });

  it('counts a record over the size cap without holding it, across chunks, and reads the next one', () => {
    const splitter = new JsonRecordSplitter('test.json', 16);
    const pieces = [
      ...splitter.push(Buffer.from('[{"a": "0123456789')),
      ...splitter.push(Buffer.from('0123456789"},\n {"b": 1}]')),
      ...splitter.end(),
    ];
    expect(pieces).toEqual([
      { index: 1, line: 1, overlong: 29 }, // the record's 29 bytes, counted though not held
      { index: 2, line: 2, bytes: Buffer.from('{"b": 1}'), truncated: false },
    ]);
  });

  it('accepts a byte order mark and an empty array (no records)', async () => {
    expect(await read('\uFEFF[]')).toEqual([]);
  });
});

/**
 * inspectDataset end to end on real files: format, dialect, shape, counts, every problem
 * with its line, the hash of the bytes; and readDatasetRows reading the same rows again.
 * The bad inputs are the ones the datasets issue lists; each asserts the lines reported and
 * that no good row is lost.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { inspectDataset, MAX_STORED_PROBLEMS, readDatasetRows } from '../../../src-main/datasets/inspect-dataset';
import { collect, expectLatheError, fixture, tempFolder, writeFile } from './read/read-test-helpers';

const dir = tempFolder('inspect-dataset');
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const problemsOf = async (path: string) => (await inspectDataset(path)).problems.map(({ line, reason }) => [line, reason]);

describe('inspectDataset on each format', () => {
  it.each([
    ['chat.jsonl', 'jsonl', null, null, 'messages', 3],
    ['sharegpt.json', 'json', null, null, 'sharegpt', 3],
    ['alpaca-object.json', 'json', null, null, 'alpaca', 3],
    ['semicolon.csv', 'csv', { separator: ';', hasHeader: true }, null, 'alpaca', 3],
    ['pairs.tsv', 'csv', { separator: '\t', hasHeader: true }, null, 'prompt_completion', 3],
    ['paragraphs.txt', 'text', null, 'paragraphs', 'text', 3],
    ['lines.txt', 'text', null, 'lines', 'text', 3],
  ])('%s', async (name, format, csv, textSplit, shape, rows) => {
    const path = fixture(name);
    const inspection = await inspectDataset(path);
    expect(inspection).toMatchObject({ format, csv, textSplit, rows, valid: rows, invalid: 0, problems: [], sizeBytes: statSync(path).size });
    expect(inspection.detection).toMatchObject({ shape, confidence: 1 });
    expect(inspection.contentHash).toBe(sha256(path));
  });

  it('says which key of a JSON object holds the records', async () => {
    const inspection = await inspectDataset(fixture('alpaca-object.json'));
    expect(inspection.detection.evidence[0]).toBe('The records are the array under the key `data`.');
    expect(inspection.columns).toEqual(['instruction', 'input', 'output']);
  });

  it('inspects Parquet, hashing the file in a pass beside the out-of-order reads', async () => {
    const path = writeFile(
      dir,
      'qa.parquet',
      new Uint8Array(
        parquetWriteBuffer({
          columnData: [
            { name: 'question', data: ['q1', 'q2', 'q3'], type: 'STRING' },
            { name: 'answer', data: ['a1', 'a2', 'a3'], type: 'STRING' },
          ],
          rowGroupSize: 2,
        }),
      ),
    );
    const inspection = await inspectDataset(path);
    expect(inspection).toMatchObject({ format: 'parquet', columns: ['question', 'answer'], rows: 3, valid: 3, contentHash: sha256(path) });
    expect(inspection.detection.shape).toBe('question_answer');
  });
});

describe('inspectDataset on bad input', () => {
  it('reports invalid UTF-8 on its line (JSONL) and row (CSV), keeping every good row', async () => {
    const jsonl = writeFile(dir, 'bad-utf8.jsonl', Buffer.concat([Buffer.from('{"text":"ok"}\n{"text":"caf'), Buffer.from([0xe9]), Buffer.from('"}\n{"text":"fine"}\n')]));
    expect(await inspectDataset(jsonl)).toMatchObject({ rows: 3, valid: 2, invalid: 1, problems: [{ line: 2, reason: expect.stringMatching(/not valid UTF-8/) }] });
    const csv = writeFile(dir, 'bad-utf8.csv', Buffer.concat([Buffer.from('prompt,completion\np,c\np,caf'), Buffer.from([0xe9]), Buffer.from('\np,c\n')]));
    expect(await inspectDataset(csv)).toMatchObject({ rows: 3, valid: 2, problems: [{ line: 3, reason: expect.stringMatching(/not valid UTF-8/) }] });
  });

  it('refuses an empty file, and a binary file named .jsonl, with one clear error', async () => {
    await expectLatheError(inspectDataset(writeFile(dir, 'empty.jsonl', '')), 'invalid_file', /empty/);
    const binary = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 31) % 256));
    await expectLatheError(inspectDataset(writeFile(dir, 'weights.jsonl', binary)), 'invalid_file', /looks binary/);
    await expectLatheError(inspectDataset(`${dir}/missing.jsonl`), 'not_found', /There is no file/);
    await expectLatheError(inspectDataset(dir), 'invalid_file', /is a folder/);
  });

  it('refuses files with no rows', async () => {
    await expectLatheError(inspectDataset(writeFile(dir, 'none.json', '[]')), 'invalid_file', /no rows/);
    await expectLatheError(inspectDataset(writeFile(dir, 'header-only.csv', 'prompt,completion\n')), 'invalid_file', /no rows/);
  });

  it('reports ragged CSV rows by row number and keeps the good ones', async () => {
    const path = writeFile(dir, 'ragged.csv', 'prompt,completion\np1,c1\np2\np3,c3,extra\np4,c4\n');
    expect(await problemsOf(path)).toEqual([
      [3, 'This row has 1 field, but the header has 2.'],
      [4, 'This row has 3 fields, but the header has 2.'],
    ]);
    expect(await inspectDataset(path)).toMatchObject({ rows: 4, valid: 2, invalid: 2 });
  });

  it('refuses a JSON file that is one huge object with no array of records', async () => {
    const members = Array.from({ length: 20_000 }, (_, i) => `"k${i}": {"text": "${'x'.repeat(100)}"}`);
    await expectLatheError(inspectDataset(writeFile(dir, 'object.json', `{${members.join(',')}}`)), 'invalid_file', /one JSON object with no array of records/);
  });

  it('reports nested arrays and numbers where strings belong, with their lines', async () => {
    const path = writeFile(
      dir,
      'mixed.jsonl',
      [
        '{"instruction": "Add 2 and 3.", "output": "5"}',
        '{"instruction": "Add 2 and 2.", "output": 4}',
        '[["nested", "arrays"]]',
        '{"instruction": ["a", ["b"]], "output": "x"}',
        '{"instruction": "Say hi.", "input": "", "output": "hi"}',
      ].join('\n'),
    );
    const inspection = await inspectDataset(path);
    expect(inspection).toMatchObject({ rows: 5, valid: 2, invalid: 3, detection: { shape: 'alpaca' } });
    expect(inspection.problems).toEqual([
      { line: 2, reason: 'The field `output` is a number, expected text.' },
      { line: 3, reason: 'The row is a list of lists (nested arrays), not an object with named fields.' },
      { line: 4, reason: 'The field `instruction` is a list of lists (nested arrays), expected text.' },
    ]);
  });

  it(`keeps the first ${MAX_STORED_PROBLEMS.toLocaleString('en')} problems and counts the rest in one last entry`, async () => {
    const bad = MAX_STORED_PROBLEMS + 5;
    const path = writeFile(dir, 'many-bad.jsonl', `{"text": "good"}\n${'{oops\n'.repeat(bad)}{"text": "good too"}\n`);
    const inspection = await inspectDataset(path);
    expect(inspection).toMatchObject({ rows: bad + 2, valid: 2, invalid: bad });
    expect(inspection.problems).toHaveLength(MAX_STORED_PROBLEMS + 1);
    expect(inspection.problems.at(-1)).toEqual({ line: MAX_STORED_PROBLEMS + 2, reason: '…and 5 more problems, from this row on, not listed.' });
  });
});

describe('inspectDataset options', () => {
  it('uses the mapping it is given, saying how well it fits and what else would', async () => {
    const path = fixture('alpaca-object.json');
    const inspection = await inspectDataset(path, { mapping: { shape: 'input_output', columns: { input: 'input', output: 'output' } } });
    expect(inspection).toMatchObject({ rows: 3, valid: 2, invalid: 1, problems: [{ line: 2, reason: 'The field `input` is empty.' }] });
    expect(inspection.detection).toMatchObject({ shape: 'input_output', confidence: 0.67, alternatives: [{ shape: 'alpaca', confidence: 1 }] });
    expect(inspection.detection.evidence).toContain('2 of 3 sampled rows fit it.');
  });

  it('reports progress in bytes up to the file size, with the rows so far', async () => {
    const path = writeFile(dir, 'progress.jsonl', '{"text": "a line of text"}\n'.repeat(200_000));
    const seen: { bytesDone: number; bytesTotal: number; rows: number }[] = [];
    await inspectDataset(path, { onProgress: (progress) => seen.push(progress) });
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.at(-1)).toMatchObject({ bytesDone: statSync(path).size, bytesTotal: statSync(path).size });
    expect(seen.map((progress) => progress.rows)).toEqual([...seen.map((progress) => progress.rows)].sort((a, b) => a - b));
  });

  it('stops with `cancelled` when its signal aborts', async () => {
    const path = writeFile(dir, 'cancel.jsonl', '{"text": "a line of text"}\n'.repeat(200_000));
    const controller = new AbortController();
    await expectLatheError(inspectDataset(path, { signal: controller.signal, onProgress: () => controller.abort() }), 'cancelled', /cancelled/);
  });
});

describe('readDatasetRows', () => {
  it('reads a page of rows with their conversations and problems', async () => {
    const path = writeFile(dir, 'preview.jsonl', ['{"prompt":"p1","completion":"c1"}', 'not json', '', '{"prompt":"p3","completion":3}', '{"prompt":"p4","completion":"c4"}'].join('\n'));
    const inspection = await inspectDataset(path);
    const rows = await collect(readDatasetRows(path, inspection, inspection.detection.mapping, { offset: 1, limit: 2 }));
    expect(rows).toEqual([
      { line: 2, raw: 'not json', conversation: null, problem: expect.stringMatching(/^Not valid JSON/) },
      { line: 4, raw: { prompt: 'p3', completion: 3 }, conversation: null, problem: 'The field `completion` is a number, expected text.' },
    ]);
  });

  it('reads every row when no limit is given, the same rows the inspection counted', async () => {
    const path = fixture('semicolon.csv');
    const inspection = await inspectDataset(path);
    const rows = await collect(readDatasetRows(path, inspection, inspection.detection.mapping));
    expect(rows.map((row) => row.line)).toEqual([2, 3, 4]);
    expect(rows.filter((row) => row.conversation !== null)).toHaveLength(inspection.valid);
    expect(rows[0]?.conversation?.[1]).toEqual({ role: 'assistant', content: 'Soft rain on the roof\r\nwhispers to the sleeping town\r\nmorning comes gently' });
  });

  it('refuses an offset or limit that is not a whole, non-negative number', async () => {
    const path = fixture('chat.jsonl');
    const layout = { format: 'jsonl' as const, csv: null, textSplit: null };
    const mapping = { shape: 'messages' as const, columns: { messages: 'messages' } };
    await expectLatheError(collect(readDatasetRows(path, layout, mapping, { offset: -1 })), 'invalid_input', /non-negative/);
    await expectLatheError(collect(readDatasetRows(path, layout, mapping, { limit: 1.5 })), 'invalid_input', /non-negative/);
    expect(await collect(readDatasetRows(path, layout, mapping, { limit: 0 }))).toEqual([]);
  });
});

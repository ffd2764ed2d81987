/**
 * CSV/TSV: RFC 4180 quoting, row numbers (header = row 1) with lines named when quoted
 * newlines make them differ, ragged rows reported with good rows kept, no-header files.
 */
import { describe, expect, it } from 'vitest';
import type { CsvDialect } from '../../../../src-main/contract/dataset-types';
import { parseCsvRecords } from '../../../../src-main/datasets/read/csv-syntax';
import { readCsv } from '../../../../src-main/datasets/read/read-csv';
import type { ReadOptions } from '../../../../src-main/datasets/read/read-types';
import { expectLatheError, fixture, rowsOf, summary, tempFolder, writeFile } from './read-test-helpers';

const dir = tempFolder('read-csv');
const comma: CsvDialect = { separator: ',', hasHeader: true };

async function read(content: string | Buffer, dialect: CsvDialect = comma, options: ReadOptions = {}) {
  return rowsOf(readCsv(writeFile(dir, `case-${Math.random().toString(36).slice(2)}.csv`, content), dialect, options));
}

describe('parseCsvRecords', () => {
  it('splits fields by RFC 4180: quoted separators, newlines and doubled quotes', () => {
    expect(parseCsvRecords('a,"b,c","d\r\ne","f""g"\r\nh,,""\n', ',')).toEqual([
      ['a', 'b,c', 'd\r\ne', 'f"g'],
      ['h', '', ''],
    ]);
  });

  it('reads broken quoting as spreadsheet tools do: a mid-field quote is a character, text after a closing quote is kept', () => {
    expect(parseCsvRecords('ab"c,"x"y,z\n', ',')).toEqual([['ab"c', 'xy', 'z']]);
  });

  it('keeps an unclosed quote open to the end, and stops at maxRecords', () => {
    expect(parseCsvRecords('a,"b\nc', ',')).toEqual([['a', 'b\nc']]);
    expect(parseCsvRecords('1\n2\n3\n', ',', 2)).toEqual([['1'], ['2']]);
    expect(parseCsvRecords('', ',')).toEqual([]);
  });
});

describe('readCsv', () => {
  it('reads a semicolon file with CRLF, quoted newlines, separators and doubled quotes', async () => {
    const rows = await rowsOf(readCsv(fixture('semicolon.csv'), { separator: ';', hasHeader: true }));
    expect(summary(rows)).toEqual([
      [2, { instruction: 'Write a haiku about rain.', input: '', output: 'Soft rain on the roof\r\nwhispers to the sleeping town\r\nmorning comes gently' }],
      [3, { instruction: 'Translate to French', input: 'cat; dog', output: 'chat; chien' }],
      [4, { instruction: 'Quote "this"', input: '', output: 'He said "this"' }],
    ]);
  });

  it('reads a TSV and tells the columns', async () => {
    let columns: string[] = [];
    const rows = await rowsOf(readCsv(fixture('pairs.tsv'), { separator: '\t', hasHeader: true }, { onColumns: (names) => (columns = names) }));
    expect(columns).toEqual(['prompt', 'completion']);
    expect(summary(rows)[0]).toEqual([2, { prompt: 'Name a fruit.', completion: 'Apple' }]);
  });

  it('reports ragged rows by row number (naming the line when it differs) and keeps every good row', async () => {
    const rows = await read('q,a\n"multi\nline",1\nonly one field\nx,y,z\n\n"ok","fine"\n');
    expect(summary(rows)).toEqual([
      [2, { q: 'multi\nline', a: '1' }],
      [3, 'problem: This row has 1 field (line 4), but the header has 2.'],
      [4, 'problem: This row has 3 fields (line 5), but the header has 2.'],
      [6, { q: 'ok', a: 'fine' }],
    ]);
  });

  it('names columns column_1… when there is no header, the first row setting the count', async () => {
    let columns: string[] = [];
    const rows = await read('a,b\nc,d,e\n', { separator: ',', hasHeader: false }, { onColumns: (names) => (columns = names) });
    expect(columns).toEqual(['column_1', 'column_2']);
    expect(summary(rows)).toEqual([
      [1, { column_1: 'a', column_2: 'b' }],
      [2, 'problem: This row has 3 fields, but the first row has 2.'],
    ]);
  });

  it('makes header names unique and names blank ones (a pandas index column has none)', async () => {
    let columns: string[] = [];
    await read(',text,text, \n0,a,b,c\n', comma, { onColumns: (names) => (columns = names) });
    expect(columns).toEqual(['column_1', 'text', 'text_2', 'column_4']);
  });

  it('reports invalid UTF-8 in the row that holds it', async () => {
    const bytes = Buffer.concat([Buffer.from('a,b\n1,2\n3,'), Buffer.from([0xe9]), Buffer.from('t\xe9\n5,6\n', 'utf8')]);
    expect(summary(await read(bytes))).toEqual([
      [2, { a: '1', b: '2' }],
      [3, expect.stringMatching(/^problem: The row holds bytes that are not valid UTF-8/)],
      [4, { a: '5', b: '6' }],
    ]);
  });

  it('reports a quote that never closes on the row where it opens', async () => {
    expect(summary(await read('a,b\n1,2\n3,"open\n5,6\n'))).toEqual([
      [2, { a: '1', b: '2' }],
      [3, 'problem: A quoted field opens on this row and never closes, so the rest of the file was read as one field.'],
    ]);
  });

  it('refuses a header that is not text', async () => {
    await expectLatheError(read(Buffer.from([0x61, 0xff, 0x2c, 0x62, 0x0a, 0x31, 0x2c, 0x32])), 'invalid_file', /header.*not UTF-8/);
  });

  it('skips rows for a preview page, the header still read', async () => {
    expect(summary(await read('a\n1\n2\n3\n', comma, { skipRows: 2 }))).toEqual([[4, { a: '3' }]]);
  });

  it('takes the column count of a file without header from its first row, even when that row is skipped', async () => {
    const noHeader: CsvDialect = { separator: ',', hasHeader: false };
    expect(summary(await read('a,b\nc\nd,e\n', noHeader, { skipRows: 1 }))).toEqual([
      [2, 'problem: This row has 1 field, but the first row has 2.'],
      [3, { column_1: 'd', column_2: 'e' }],
    ]);
  });

  it('reads records across chunk boundaries', async () => {
    const lines = Array.from({ length: 40_000 }, (_, i) => `${i},"quoted, ""${i}""\nsecond line"`);
    const rows = await read(`n,text\n${lines.join('\n')}\n`);
    expect(rows).toHaveLength(40_000);
    expect(rows[39_999]).toEqual({ line: 40_001, value: { n: '39999', text: 'quoted, "39999"\nsecond line' } });
  });
});

/** Plain text: paragraphs or lines, chosen once per file, each example `{ text }` numbered by its first line. */
import { describe, expect, it } from 'vitest';
import { chooseTextSplit, readText } from '../../../../src-main/datasets/read/read-text';
import { fixture, rowsOf, summary, tempFolder, writeFile } from './read-test-helpers';

const dir = tempFolder('read-text');

describe('chooseTextSplit', () => {
  it('picks paragraphs when a blank line separates text, lines otherwise', () => {
    expect(chooseTextSplit('one\ntwo\n\nthree\n')).toBe('paragraphs');
    expect(chooseTextSplit('one\r\n  \r\nthree')).toBe('paragraphs');
    expect(chooseTextSplit('one\ntwo\nthree\n')).toBe('lines');
    expect(chooseTextSplit('\n\none\ntwo\n\n\n')).toBe('lines'); // blank lines only at the ends separate nothing
  });
});

describe('readText', () => {
  it('reads blank-line-separated paragraphs, lines joined with \\n, numbered by their first line', async () => {
    expect(summary(await rowsOf(readText(fixture('paragraphs.txt'), 'paragraphs')))).toEqual([
      [1, { text: 'The lathe is one of the oldest machine tools.\nIt turns a workpiece against a fixed cutter.' }],
      [4, { text: "A potter's wheel is a kind of lathe for clay." }],
      [7, { text: 'Woodturners use lathes to make bowls and chair legs.' }],
    ]);
  });

  it('reads one example per line, CRLF and blank lines handled', async () => {
    expect(summary(await rowsOf(readText(fixture('lines.txt'), 'lines')))).toEqual([
      [1, { text: 'First sentence to learn.' }],
      [2, { text: 'Second sentence to learn.' }],
      [3, { text: 'Third sentence to learn.' }],
    ]);
  });

  it('reports a paragraph holding invalid UTF-8 once, at its first line, and keeps the others', async () => {
    const bytes = Buffer.concat([Buffer.from('good\n\nbad line one\nbad '), Buffer.from([0xc0, 0xaf]), Buffer.from('\n\nalso good')]);
    expect(summary(await rowsOf(readText(writeFile(dir, 'bad.txt', bytes), 'paragraphs')))).toEqual([
      [1, { text: 'good' }],
      [3, expect.stringMatching(/not valid UTF-8/)],
      [6, { text: 'also good' }],
    ]);
  });

  it('skips examples for a preview page', async () => {
    expect(summary(await rowsOf(readText(fixture('paragraphs.txt'), 'paragraphs', { skipRows: 2 })))).toEqual([
      [7, { text: 'Woodturners use lathes to make bowls and chair legs.' }],
    ]);
  });
});

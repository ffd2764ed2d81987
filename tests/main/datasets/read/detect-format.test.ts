/** Format detection: by content, with the extension as a hint; non-text files refused with one clear message. */
import { describe, expect, it } from 'vitest';
import { LatheError } from '../../../../src-main/contract/errors';
import { detectFormat } from '../../../../src-main/datasets/read/detect-format';

function detect(content: string | Uint8Array, name: string) {
  const head = typeof content === 'string' ? Buffer.from(content) : content;
  return detectFormat(head, head.length, name);
}

function refusal(content: string | Uint8Array, name: string): { kind: string; message: string } {
  try {
    detect(content, name);
  } catch (error) {
    if (error instanceof LatheError) return { kind: error.kind, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('detectFormat', () => {
  it('reads JSON Lines and JSON by content, whatever the extension says', () => {
    const jsonl = '{"a": 1}\n{"a": 2}\n';
    expect(detect(jsonl, 'data.jsonl').format).toBe('jsonl');
    expect(detect(jsonl, 'data.json').format).toBe('jsonl'); // JSON Lines saved as .json
    expect(detect(jsonl, 'data').format).toBe('jsonl');
    expect(detect('\uFEFF  {"a": 1}\r\n{"a": 2}', 'x.ndjson').format).toBe('jsonl');
    const pretty = '{\n  "data": [\n    {"a": 1}\n  ]\n}\n';
    expect(detect(pretty, 'data.json').format).toBe('json');
    expect(detect(pretty, 'data').format).toBe('json');
    expect(detect('[\n {"a": 1},\n {"a": 2}\n]', 'data.jsonl').format).toBe('json'); // a pretty array named .jsonl
    expect(detect('[{"a": 1}, {"a": 2}]', 'data.json').format).toBe('json');
  });

  it('reads one line of JSON as JSON when named .json, as one JSON Lines record otherwise', () => {
    expect(detect('{"data": [{"a": 1}]}\n', 'one.json').format).toBe('json');
    expect(detect('{"prompt": "p", "completion": "c"}\n', 'one.jsonl').format).toBe('jsonl');
    expect(detect('{"prompt": "p", "completion": "c"}', 'one').format).toBe('jsonl');
  });

  it('takes .jsonl at its word when the content is not JSON: the bad lines are reported one by one', () => {
    expect(detect('not json\n{"a": 1}\n', 'data.jsonl').format).toBe('jsonl');
  });

  it('detects CSV dialects, with .tsv preferring tab', () => {
    expect(detect('prompt,completion\nhi,there\n', 'a.csv')).toEqual({ format: 'csv', csv: { separator: ',', hasHeader: true }, textSplit: null });
    expect(detect('prompt\tcompletion\nhi\tthere\n', 'a.tsv').csv).toEqual({ separator: '\t', hasHeader: true });
    expect(detect('question|answer\nwhy?|because\nhow?|so\n', 'qa').csv).toEqual({ separator: '|', hasHeader: true });
    expect(detect('text\nonly one column\n', 'one.csv').csv).toEqual({ separator: ',', hasHeader: true });
  });

  it('reads .txt as plain text, choosing the split from the sample', () => {
    expect(detect('one, two\nthree, four\n', 'notes.txt')).toEqual({ format: 'text', csv: null, textSplit: 'lines' });
    expect(detect('para one\nstill one\n\npara two\n', 'notes.txt').textSplit).toBe('paragraphs');
    expect(detect('Plain prose without any separators at all.\nAnother line.\n', 'README').format).toBe('text');
  });

  it('knows Parquet by its magic bytes, and refuses a .parquet file without them', () => {
    expect(detect(Buffer.from('PAR1\x15\x00'), 'data.bin').format).toBe('parquet');
    expect(refusal('a,b\n1,2\n', 'data.parquet')).toEqual({ kind: 'invalid_file', message: expect.stringMatching(/named \.parquet but is not a Parquet file/) });
  });

  it('refuses a binary file named .jsonl with one clear message, not a flood of row errors', () => {
    const binary = Uint8Array.from({ length: 4096 }, (_, i) => (i * 37) % 256);
    expect(refusal(binary, 'model.jsonl')).toEqual({
      kind: 'invalid_file',
      message: expect.stringMatching(/^The file looks binary, not text \(it holds zero bytes\), so it is not a dataset Lathe can read, even though its name ends in \.jsonl\./),
    });
    const controls = Buffer.from('{"a": "\x01\x02\x03\x04\x05\x06\x07\x08"}\n'.repeat(20));
    expect(refusal(controls, 'x.jsonl').message).toMatch(/control characters/);
  });

  it('names compressed files and UTF-16 text', () => {
    expect(refusal(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0]), 'data.jsonl.gz').message).toMatch(/gzip: decompress it first/);
    expect(refusal(Buffer.from('PK\x03\x04rest'), 'data.zip').message).toMatch(/ZIP archive/);
    expect(refusal(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0]), 'data.zst').message).toMatch(/zstd/);
    expect(refusal(Buffer.from('\uFEFF{"a": 1}', 'utf16le'), 'data.jsonl')).toEqual({ kind: 'unsupported', message: expect.stringMatching(/UTF-16/) });
  });

  it('refuses a file of whitespace only as empty', () => {
    expect(refusal(' \n\r\n\t', 'empty.jsonl')).toEqual({ kind: 'invalid_file', message: expect.stringMatching(/empty/) });
  });
});

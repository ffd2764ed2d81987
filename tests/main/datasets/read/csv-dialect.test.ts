/** CSV dialect detection: the separator by consistent field counts (quotes respected), and the header row. */
import { describe, expect, it } from 'vitest';
import { detectCsvDialect, looksLikeHeader, rankSeparators } from '../../../../src-main/datasets/read/csv-dialect';

describe('rankSeparators', () => {
  it('picks the separator that gives every row the same field count, ignoring separators inside quotes', () => {
    const sample = 'instruction;output\n"Say a, b and c";"a, b, c"\n"Count: 1, 2";"1, 2, 3"\nplain;text\n';
    const [best, second] = rankSeparators(sample, null, true);
    expect(best).toEqual({ separator: ';', fields: 2, consistency: 1, rows: 4 });
    expect(second?.consistency).toBeLessThan(1);
  });

  it('sees quoted newlines as part of one row', () => {
    const sample = 'a|b\n"x\ny|z"|1\n2|3\n';
    expect(rankSeparators(sample, null, true)[0]).toMatchObject({ separator: '|', fields: 2, consistency: 1, rows: 3 });
  });

  it('leaves out the last record of a sample cut from a longer file', () => {
    const sample = 'a,b\n1,2\n3,4\n5'; // "5" was cut mid-row
    expect(rankSeparators(sample, null, false)[0]).toMatchObject({ separator: ',', consistency: 1, rows: 3 });
    expect(rankSeparators(sample, null, true)[0]).toMatchObject({ separator: ',', consistency: 0.75, rows: 4 });
  });

  it('lets the hint win a tie (a one-column .tsv)', () => {
    expect(rankSeparators('text\nhello\n', '\t', true)[0]?.separator).toBe('\t');
  });
});

describe('detectCsvDialect', () => {
  it('finds header rows by known names, numeric columns, shorter cells or identifier-like names', () => {
    expect(detectCsvDialect('Prompt,Response\nhi,hello\n', null, true).hasHeader).toBe(true); // known names, any case
    expect(detectCsvDialect('id,label\n1,2\n3,4\n', null, true).hasHeader).toBe(true); // numbers below names
    expect(detectCsvDialect('Source Sentence,Target Sentence\nThe weather is lovely today in the old town.,Il fait beau aujourd’hui dans la vieille ville.\n', null, true).hasHeader).toBe(
      true,
    ); // much shorter than the cells below
    expect(detectCsvDialect('src_lang,tgt_lang\nen,fr\n', null, true).hasHeader).toBe(true); // identifiers
  });

  it('sees data in the first row when it is prose, numbers or repeats itself', () => {
    expect(detectCsvDialect('What is the capital of France?,Paris is the capital.\nWho wrote Hamlet?,Shakespeare did.\n', null, true).hasHeader).toBe(false);
    expect(detectCsvDialect('1,2\n3,4\n', null, true).hasHeader).toBe(false);
    expect(detectCsvDialect('yes,yes\nno,no\n', null, true).hasHeader).toBe(false);
  });

  it('judges a header on its own when the sample has no other row', () => {
    expect(looksLikeHeader([['instruction', 'output']])).toBe(true);
    expect(looksLikeHeader([['hello there', 'general kenobi']])).toBe(false);
    expect(looksLikeHeader([])).toBe(false);
  });
});

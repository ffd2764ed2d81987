/**
 * The pure parts of evaluation: the float64 log-softmax at trained positions, which positions
 * are scored (docs/prepared-data.md: the first token is never predicted), the prompt/reference
 * split of an example, and the RFC 4180 CSV of the generations table.
 */
import { describe, expect, it } from 'vitest';
import type { RunEvaluation } from '../../../src-main/contract/playground-types';
import { csvField, generationsCsv, generationsJsonl, tableFileName } from '../../../src-main/evaluation/evaluation-table';
import { promptAndReference } from '../../../src-main/evaluation/prepared-split';
import { logProbabilityOf, predictingPositions } from '../../../src-main/inference/score-tokens';

describe('logProbabilityOf', () => {
  it('is the log-softmax at the target, computed in float64', () => {
    const logits = [1, 2, 3, 4];
    const z = Math.log(logits.reduce((sum, x) => sum + Math.exp(x), 0));
    expect(logProbabilityOf(logits, 2)).toBeCloseTo(3 - z, 14);
    // Uniform logits over a large vocabulary: exactly −log V, whatever the offset.
    const uniform = new Float64Array(150_000).fill(1e4);
    expect(logProbabilityOf(uniform, 7)).toBeCloseTo(-Math.log(150_000), 10);
    // No overflow for large logits, and −Infinity entries (tokens absent from the map) count for nothing.
    expect(logProbabilityOf([1000, 1000, -Infinity], 0)).toBeCloseTo(-Math.log(2), 14);
    expect(() => logProbabilityOf([0, 0], 2)).toThrow(RangeError);
  });

  it('scores the positions whose next token is trained, never the first token', () => {
    expect(predictingPositions([1, 0, 1, 1, 0], 5)).toEqual([1, 2]);
    expect(predictingPositions([1, 1, 1], 2)).toEqual([0]);
  });
});

describe('promptAndReference', () => {
  it('splits an example at its first trained span, leaving out a leading BOS', () => {
    const example = { tokens: [256, 10, 11, 12, 20, 21, 258, 30, 31], mask: [0, 0, 0, 0, 1, 1, 1, 0, 1] };
    expect(promptAndReference(example, 256)).toEqual({ prompt: [10, 11, 12], reference: [20, 21, 258] });
    expect(promptAndReference(example, null)).toEqual({ prompt: [256, 10, 11, 12], reference: [20, 21, 258] });
  });
});

describe('the generations table', () => {
  const evaluation = {
    generations: [
      { prompt: 'line one\nline two', reference: 'say "hi", then', base: 'plain', fineTuned: 'ends with CR\r' },
      { prompt: '', reference: 'a,b', base: '"', fineTuned: 'ünïcödé' },
    ],
  } as RunEvaluation;

  it('writes RFC 4180 CSV: quoted when needed, quotes doubled, CRLF records', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(generationsCsv(evaluation)).toBe(
      'prompt,reference,base,fineTuned\r\n' + '"line one\nline two","say ""hi"", then",plain,"ends with CR\r"\r\n' + ',"a,b","""",ünïcödé\r\n',
    );
  });

  it('writes one JSON object a line, and a file name from the run name', () => {
    const lines = generationsJsonl(evaluation).trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual(evaluation.generations);
    expect(tableFileName('Qwen 0.5B on "my data"!', 'csv')).toBe('qwen-0-5b-on-my-data-evaluation.csv');
    expect(tableFileName('???', 'jsonl')).toBe('run-evaluation.jsonl');
  });
});

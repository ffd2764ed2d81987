/**
 * The small rules on their own: the duplicate check's table (grown several times), split
 * shares at the edges, length statistics with nothing to count, and how many workers run.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isValidationExample } from '../../../../src-main/datasets/prepare/example-split';
import { LengthRecorder } from '../../../../src-main/datasets/prepare/length-stats';
import { defaultWorkerCount } from '../../../../src-main/datasets/prepare/prepare-worker-client';
import { SeenDigests } from '../../../../src-main/datasets/prepare/seen-digests';

const digest = (n: number): Uint8Array => createHash('sha256').update(String(n)).digest().subarray(0, 16);

describe('SeenDigests', () => {
  it('remembers every digest across growth, wherever it sits in a batch', () => {
    const seen = new SeenDigests();
    for (let n = 0; n < 20_000; n++) expect(seen.add(digest(n))).toBe(true);
    for (let n = 0; n < 20_000; n += 7) expect(seen.add(digest(n))).toBe(false);
    // Digests packed one after another, as a worker sends them.
    const packed = new Uint8Array(32);
    packed.set(digest(3), 0);
    packed.set(digest(20_001), 16);
    expect(seen.add(packed, 0)).toBe(false);
    expect(seen.add(packed, 16)).toBe(true);
    expect(seen.size).toBe(20_001);
  });
});

describe('isValidationExample', () => {
  it('holds out nothing at 0 %, about half at 50 %, and depends on the seed', () => {
    const lines = Array.from({ length: 10_000 }, (_, index) => index + 1);
    expect(lines.some((line) => isValidationExample(line, 0, 0))).toBe(false);
    const half = lines.filter((line) => isValidationExample(line, 0, 50)).length;
    expect(half).toBeGreaterThan(4800);
    expect(half).toBeLessThan(5200);
    const seedOne = lines.filter((line) => isValidationExample(line, 1, 50));
    expect(seedOne).not.toEqual(lines.filter((line) => isValidationExample(line, 0, 50)));
  });
});

describe('LengthRecorder', () => {
  it('gives zeros and no bins for no examples, and bins that cover every length', () => {
    expect(new LengthRecorder().stats()).toEqual({ count: 0, min: 0, max: 0, mean: 0, p50: 0, p90: 0, p99: 0, histogram: [] });
    const recorder = new LengthRecorder();
    for (let length = 1; length <= 10_000; length++) recorder.add(length);
    const stats = recorder.stats();
    expect(stats).toMatchObject({ count: 10_000, min: 1, max: 10_000, p50: 5000, p90: 9000, p99: 9900, mean: 5000.5 });
    expect(stats.histogram).toHaveLength(20);
    expect(stats.histogram.every((bin) => bin.count === 500 && bin.to - bin.from === 500)).toBe(true);
  });
});

describe('defaultWorkerCount', () => {
  it('uses two workers from two cores on, one core left for the app beyond, never more than four', () => {
    expect([1, 2, 3, 4, 5, 8, 64].map(defaultWorkerCount)).toEqual([1, 2, 2, 3, 4, 4, 4]);
  });
});

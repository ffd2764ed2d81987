import { describe, expect, it } from 'vitest';
import { importProgressEvent, throttle } from '../../../src-main/datasets/import-rate';

describe('import progress', () => {
  it('gives rows per second and the time left by bytes', () => {
    expect(importProgressEvent('d', { rows: 5000, bytesDone: 25_000_000, bytesTotal: 100_000_000 }, 2000)).toEqual({
      type: 'import-progress',
      id: 'd',
      rows: 5000,
      bytesDone: 25_000_000,
      bytesTotal: 100_000_000,
      rowsPerSecond: 2500,
      etaSeconds: 6,
    });
  });

  it('gives no rate and no time left before there is anything to measure', () => {
    expect(importProgressEvent('d', { rows: 10, bytesDone: 1000, bytesTotal: 2000 }, 50)).toMatchObject({ rowsPerSecond: 0, etaSeconds: null });
    expect(importProgressEvent('d', { rows: 0, bytesDone: 0, bytesTotal: 2000 }, 5000)).toMatchObject({ rowsPerSecond: 0, etaSeconds: null });
  });
});

describe('throttle', () => {
  it('lets through the first report and then one per interval', () => {
    let now = 0;
    const sent: number[] = [];
    const report = throttle(100, () => now, (value: number) => sent.push(value));
    for (const [at, value] of [[0, 1], [50, 2], [99, 3], [100, 4], [150, 5], [260, 6]] as const) {
      now = at;
      report(value);
    }
    expect(sent).toEqual([1, 4, 6]);
  });
});

import { describe, expect, it } from 'vitest';
import { downsample, downsampleIndices, type SeriesView } from '../../../src-renderer/src/components/charts/downsample';
import { emaSmooth } from '../../../src-renderer/src/components/charts/ema';
import { lineChartModel } from '../../../src-renderer/src/components/charts/line-chart-geometry';

/** A noisy, decaying loss curve over `n` steps with one spike and one dip placed by the test. */
function lossCurve(n: number, spikeAt: number, dipAt: number): SeriesView {
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let i = 0; i < n; i++) {
    x[i] = i + 1;
    y[i] = 3 * Math.exp(-i / (n / 5)) + 0.5 + 0.1 * (random() - 0.5);
  }
  y[spikeAt] = 50;
  y[dipAt] = -5;
  return { x, y, length: n };
}

describe('downsampling for display', () => {
  const n = 100_000;
  const series = lossCurve(n, 43_210, 77_777);

  it('keeps 100,000 points within the budget, with first, last, min and max, in ascending x', () => {
    const budget = 1_160;
    const indices = downsampleIndices(series, budget);
    expect(indices.length).toBeLessThanOrEqual(budget);
    expect(indices.length).toBeGreaterThan(budget / 2);
    expect(indices[0]).toBe(0);
    expect(indices.at(-1)).toBe(n - 1);
    expect(indices).toContain(43_210);
    expect(indices).toContain(77_777);
    for (let i = 1; i < indices.length; i++) expect(indices[i]).toBeGreaterThan(indices[i - 1] as number);
    const points = downsample(series, budget);
    expect(Math.max(...points.y)).toBe(50);
    expect(Math.min(...points.y)).toBe(-5);
  });

  it('keeps the shape: each bucket of the thinned curve spans the same values as the data under it', () => {
    const points = downsample(series, 400);
    // The decaying trend survives: the early points are higher than the late ones.
    const early = points.y.slice(1, 20).filter((v) => v < 10);
    const late = points.y.slice(-20, -1).filter((v) => v > 0);
    expect(Math.min(...early)).toBeGreaterThan(Math.max(...late));
  });

  it('returns everything when it fits, and skips missing values', () => {
    const y = new Float64Array([1, Number.NaN, 3, 2]);
    const x = new Float64Array([1, 2, 3, 4]);
    expect(downsampleIndices({ x, y, length: 4 }, 100)).toEqual([0, 2, 3]);
    expect(downsampleIndices({ x, y, length: 0 }, 100)).toEqual([]);
    // Only `length` entries count: spare capacity at the end of a column is not data.
    expect(downsampleIndices({ x: new Float64Array(8), y: new Float64Array(8).fill(1), length: 2 }, 100)).toEqual([0, 1]);
  });

  it('bounds what a chart renders, however long the run', () => {
    const model = lineChartModel(
      [
        { key: 'raw', label: 'loss', color: 'blue', data: series },
        { key: 'smooth', label: 'smoothed', color: 'blue', data: { x: series.x, y: emaSmooth(series.y, n, 0.9), length: n } },
      ],
      { width: 580, height: 200 },
    );
    for (const drawn of model.series) {
      expect(drawn.total).toBe(n);
      expect(drawn.drawn).toBeLessThanOrEqual(2 * 580);
      expect(drawn.line.split(' ')).toHaveLength(drawn.drawn);
    }
    // Every drawn coordinate is inside the box.
    for (const pair of model.series[0]?.line.split(' ') ?? []) {
      const [px, py] = pair.split(',').map(Number) as [number, number];
      expect(px).toBeGreaterThanOrEqual(0);
      expect(px).toBeLessThanOrEqual(580);
      expect(py).toBeGreaterThanOrEqual(0);
      expect(py).toBeLessThanOrEqual(200);
    }
    expect(model.xDomain).toEqual([1, n]);
  });

  it('draws nothing for an empty series and a flat line in the middle for one value', () => {
    const empty = lineChartModel([{ key: 'a', label: 'a', color: 'blue', data: { x: [], y: [], length: 0 } }], { width: 100, height: 50 });
    expect(empty.series[0]?.line).toBe('');
    expect(empty.xDomain).toBeNull();
    const flat = lineChartModel([{ key: 'a', label: 'a', color: 'blue', data: { x: [1, 2], y: [2, 2], length: 2 } }], { width: 100, height: 50 });
    expect(flat.series[0]?.line).toBe('0,25 100,25');
  });
});

describe('EMA smoothing', () => {
  it('is the raw series at weight 0, debiased from the first point, and leaves gaps as gaps', () => {
    expect(Array.from(emaSmooth([3, 1, 2], 3, 0))).toEqual([3, 1, 2]);
    const smoothed = emaSmooth([2, Number.NaN, 4], 3, 0.5);
    expect(smoothed[0]).toBeCloseTo(2);
    expect(Number.isNaN(smoothed[1])).toBe(true);
    // (0.5·(0.5·2) + 0.5·4) / (1 − 0.25) = 3.333…
    expect(smoothed[2]).toBeCloseTo(10 / 3);
  });
});

/**
 * Geometry for the token-length charts, as pure functions of the statistics: bar rectangles
 * for the histogram and the five positions of a box plot, in a box of the caller's size.
 * No chart library: the components draw these as plain SVG.
 */
import type { TokenLengthStats } from '../../../../src-main/contract';

export interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
  from: number;
  to: number;
  count: number;
}

/** Bars filling `width` × `height`, the tallest reaching the top; a bin of zero has no height. */
export function histogramBars(bins: TokenLengthStats['histogram'], width: number, height: number, gap = 1): Bar[] {
  if (bins.length === 0) return [];
  const tallest = Math.max(...bins.map((bin) => bin.count));
  const slot = width / bins.length;
  return bins.map((bin, i) => {
    const barHeight = tallest > 0 ? (bin.count / tallest) * height : 0;
    return { x: i * slot + gap / 2, y: height - barHeight, width: Math.max(0, slot - gap), height: barHeight, from: bin.from, to: bin.to, count: bin.count };
  });
}

/** Maps a token count onto [0, width] for the range [min, max] (a single length sits in the middle). */
export function scaleLength(value: number, min: number, max: number, width: number): number {
  if (max <= min) return width / 2;
  return ((Math.min(max, Math.max(min, value)) - min) / (max - min)) * width;
}

export interface BoxPlot {
  min: number;
  q1: number;
  p50: number;
  q3: number;
  p90: number;
  p99: number;
  max: number;
}

/**
 * The box plot's positions. The statistics carry the median and the upper percentiles; the
 * quartiles are read off the histogram (exact to within one bin's width).
 */
export function boxPlot(stats: TokenLengthStats, width: number): BoxPlot {
  const at = (value: number) => scaleLength(value, stats.min, stats.max, width);
  return {
    min: at(stats.min),
    q1: at(quantileFromHistogram(stats.histogram, 0.25) ?? stats.p50),
    p50: at(stats.p50),
    q3: at(quantileFromHistogram(stats.histogram, 0.75) ?? stats.p50),
    p90: at(stats.p90),
    p99: at(stats.p99),
    max: at(stats.max),
  };
}

/** The value below which a share `q` of the counts falls, interpolated within its bin; null for an empty histogram. */
export function quantileFromHistogram(bins: TokenLengthStats['histogram'], q: number): number | null {
  const total = bins.reduce((sum, bin) => sum + bin.count, 0);
  if (total === 0) return null;
  const target = q * total;
  let below = 0;
  for (const bin of bins) {
    if (bin.count > 0 && below + bin.count >= target) return bin.from + ((target - below) / bin.count) * (bin.to - bin.from);
    below += bin.count;
  }
  return bins.at(-1)?.to ?? null;
}

/** Round numbers for an axis: about `count` ticks between min and max, at 1, 2 or 5 × 10ⁿ. */
export function axisTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const rough = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? rough;
  const ticks: number[] = [];
  for (let tick = Math.ceil(min / step) * step; tick <= max + 1e-9; tick += step) ticks.push(Math.round(tick * 1e6) / 1e6);
  return ticks;
}

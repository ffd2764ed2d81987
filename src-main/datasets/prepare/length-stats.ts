/**
 * Token-length statistics for the Datasets page: every example's full length (before any
 * truncation), so the histogram shows how far past the maximum the data reaches.
 * Percentiles are exact (nearest rank); lengths are kept as 4 bytes each.
 */
import type { TokenLengthStats } from '../../contract/dataset-types';

const HISTOGRAM_BINS = 20;

export class LengthRecorder {
  private lengths = new Uint32Array(4096);
  private count = 0;

  add(length: number): void {
    if (this.count === this.lengths.length) {
      const grown = new Uint32Array(this.lengths.length * 2);
      grown.set(this.lengths);
      this.lengths = grown;
    }
    this.lengths[this.count++] = length;
  }

  /** The statistics; histogram bins hold lengths in [from, to), equal widths, the last ending past the maximum. */
  stats(): TokenLengthStats {
    const sorted = this.lengths.slice(0, this.count).sort();
    const count = sorted.length;
    if (count === 0) return { count: 0, min: 0, max: 0, mean: 0, p50: 0, p90: 0, p99: 0, histogram: [] };
    const min = sorted[0] as number;
    const max = sorted[count - 1] as number;
    let total = 0;
    for (const length of sorted) total += length;
    const percentile = (p: number): number => sorted[Math.max(0, Math.ceil((p / 100) * count) - 1)] as number;

    const width = Math.ceil((max - min + 1) / HISTOGRAM_BINS);
    const bins = Math.ceil((max - min + 1) / width);
    const histogram = Array.from({ length: bins }, (_, bin) => ({ from: min + bin * width, to: min + (bin + 1) * width, count: 0 }));
    for (const length of sorted) (histogram[Math.floor((length - min) / width)] as { count: number }).count++;
    return { count, min, max, mean: total / count, p50: percentile(50), p90: percentile(90), p99: percentile(99), histogram };
  }
}

/**
 * Display-only thinning of long series: a run of 100,000 steps must still redraw within a
 * frame. The x range is cut into buckets (about one per pixel column) and each bucket keeps
 * its lowest and highest point, in their original order, so spikes and dips survive — an
 * average or a stride would hide exactly the loss spike a person is looking for. The first
 * and last points are always kept, so the line starts and ends where the data does.
 * Missing values (NaN) are skipped. The stored series are never changed.
 */
export interface SeriesView {
  /** Ascending (or at least non-decreasing) x values. */
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** How many leading entries of x and y hold points (columns may be longer, for growth). */
  length: number;
}

export interface Points {
  x: number[];
  y: number[];
  /** How many points the series holds (missing values not counted). */
  total: number;
}

/** Indices of the points to draw, ascending, at most `budget` (≥ 2) of them. */
export function downsampleIndices(series: SeriesView, budget: number): number[] {
  return thin(series, budget).indices;
}

function thin(series: SeriesView, budget: number): { indices: number[]; total: number } {
  const { x, y, length } = series;
  const present: number[] = [];
  let first = -1;
  let last = -1;
  let count = 0;
  for (let i = 0; i < length; i++) {
    if (Number.isNaN(y[i]) || Number.isNaN(x[i])) continue;
    if (first < 0) first = i;
    last = i;
    count += 1;
  }
  if (count === 0) return { indices: present, total: 0 };
  const limit = Math.max(2, Math.floor(budget));
  if (count <= limit) {
    for (let i = first; i <= last; i++) if (!Number.isNaN(y[i]) && !Number.isNaN(x[i])) present.push(i);
    return { indices: present, total: count };
  }

  // Two points per bucket, plus the first and the last.
  const buckets = Math.max(1, Math.floor((limit - 2) / 2));
  const x0 = x[first] as number;
  const span = (x[last] as number) - x0;
  const kept: number[] = [first];
  let bucket = -1;
  let low = -1;
  let high = -1;
  const flush = () => {
    if (low < 0) return;
    const a = Math.min(low, high);
    const b = Math.max(low, high);
    if (a !== first && a !== last) kept.push(a);
    if (b !== a && b !== first && b !== last) kept.push(b);
  };
  for (let i = first + 1; i < last; i++) {
    const value = y[i] as number;
    const xi = x[i] as number;
    if (Number.isNaN(value) || Number.isNaN(xi)) continue;
    const at = span > 0 ? Math.min(buckets - 1, Math.floor(((xi - x0) / span) * buckets)) : Math.floor(((i - first) / (last - first)) * buckets);
    if (at !== bucket) {
      flush();
      bucket = at;
      low = i;
      high = i;
    } else {
      if (value < (y[low] as number)) low = i;
      if (value > (y[high] as number)) high = i;
    }
  }
  flush();
  kept.push(last);
  return { indices: kept, total: count };
}

/** The points to draw, as plain arrays (what the chart geometry takes). */
export function downsample(series: SeriesView, budget: number): Points {
  const { indices, total } = thin(series, budget);
  return { x: indices.map((i) => series.x[i] as number), y: indices.map((i) => series.y[i] as number), total };
}

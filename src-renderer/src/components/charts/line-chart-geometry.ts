/**
 * What a line chart draws, as a pure function of its series and its box: each series is
 * thinned to about two points per pixel column (downsample.ts), then scaled into SVG
 * coordinates. The render input is therefore bounded by the chart's width, however long
 * the run: a 100,000-step loss curve draws as a few hundred points.
 */
import { axisTicks } from './chart-geometry';
import { downsample, type SeriesView } from './downsample';

export interface ChartSeries {
  key: string;
  label: string;
  /** A Mantine color name ("blue") or any CSS color. */
  color: string;
  data: SeriesView;
  /** Drawn thinner and dashed: a raw line behind its smoothed one, or validation points. */
  faint?: boolean;
  /** Draw dots at each point (sparse series such as validation loss). */
  dots?: boolean;
}

export interface DrawnSeries {
  key: string;
  label: string;
  color: string;
  faint: boolean;
  dots: { x: number; y: number }[];
  /** `points` attribute of the polyline; empty when the series has nothing yet. */
  line: string;
  /** How many points the polyline holds (bounded by the budget). */
  drawn: number;
  /** How many points the series holds. */
  total: number;
}

export interface LineChartModel {
  series: DrawnSeries[];
  xTicks: { value: number; at: number }[];
  yTicks: { value: number; at: number }[];
  /** The data's ranges (after padding y), or null before there is any point. */
  xDomain: [number, number] | null;
  yDomain: [number, number] | null;
}

export interface ChartBox {
  width: number;
  height: number;
  /** Points kept per series; defaults to two per horizontal unit. */
  budget?: number;
  /** Lowest y shown, e.g. 0 for rates and percentages. */
  yFloor?: number;
}

export function lineChartModel(series: readonly ChartSeries[], box: ChartBox): LineChartModel {
  const budget = box.budget ?? Math.max(2, Math.floor(box.width * 2));
  const thinned = series.map((s) => ({ s, points: downsample(s.data, budget) }));
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  // Extremes survive thinning, so the ranges of the thinned points are the data's ranges.
  for (const { points } of thinned) {
    for (let i = 0; i < points.x.length; i++) {
      const x = points.x[i] as number;
      const y = points.y[i] as number;
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      xMin = Math.min(xMin, x);
      xMax = Math.max(xMax, x);
      yMin = Math.min(yMin, y);
      yMax = Math.max(yMax, y);
    }
  }
  if (xMin === Infinity) {
    return { series: thinned.map(({ s }) => drawnEmpty(s)), xTicks: [], yTicks: [], xDomain: null, yDomain: null };
  }
  if (box.yFloor !== undefined) yMin = Math.min(yMin, box.yFloor);
  if (xMax === xMin) xMax = xMin + 1;
  // A flat line sits in the middle; otherwise leave a little room above and below.
  const pad = yMax > yMin ? (yMax - yMin) * 0.05 : Math.abs(yMax) * 0.1 || 1;
  const y0 = box.yFloor !== undefined && yMin >= box.yFloor ? Math.max(box.yFloor, yMin - pad) : yMin - pad;
  const y1 = yMax + pad;
  const sx = (x: number) => ((x - xMin) / (xMax - xMin)) * box.width;
  const sy = (y: number) => box.height - ((y - y0) / (y1 - y0)) * box.height;

  const drawn = thinned.map(({ s, points }): DrawnSeries => {
    const coords: string[] = [];
    const dots: { x: number; y: number }[] = [];
    for (let i = 0; i < points.x.length; i++) {
      const x = round(sx(points.x[i] as number));
      const y = round(sy(points.y[i] as number));
      coords.push(`${x},${y}`);
      if (s.dots === true) dots.push({ x, y });
    }
    return { key: s.key, label: s.label, color: s.color, faint: s.faint === true, dots, line: coords.join(' '), drawn: points.x.length, total: points.total };
  });

  return {
    series: drawn,
    xTicks: axisTicks(xMin, xMax, 5).map((value) => ({ value, at: round(sx(value)) })),
    yTicks: axisTicks(y0, y1, 4).map((value) => ({ value, at: round(sy(value)) })),
    xDomain: [xMin, xMax],
    yDomain: [y0, y1],
  };
}

function drawnEmpty(s: ChartSeries): DrawnSeries {
  return { key: s.key, label: s.label, color: s.color, faint: s.faint === true, dots: [], line: '', drawn: 0, total: 0 };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

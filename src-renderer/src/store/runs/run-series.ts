/**
 * A run's metrics as the live view holds them: growable columns of float64 (missing values
 * as NaN). Events append in place; a column doubles its capacity when full, so a point
 * costs O(1) amortized and an event never copies the series — at 100,000 points a copy per
 * event would be the slowest thing on the page. Consumers read `length` entries of each
 * column; the store bumps a revision number when it has appended, which is what
 * components subscribe to.
 */
import type { RunEvalPoint, RunMetrics, RunTrainPoint } from '../../../../src-main/contract';

export class Column {
  data: Float64Array;
  length = 0;

  constructor(capacity = 256) {
    this.data = new Float64Array(Math.max(1, capacity));
  }

  push(value: number | null): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length] = value === null ? Number.NaN : value;
    this.length += 1;
  }

  /** Keeps the first `length` entries (a resumed run rewinds to its checkpoint's step). */
  truncate(length: number): void {
    this.length = Math.max(0, Math.min(this.length, length));
  }

  last(): number | null {
    return this.length === 0 ? null : (this.data[this.length - 1] as number);
  }
}

export type TrainPoint = RunTrainPoint;
export type EvalPoint = RunEvalPoint;

export interface RunSeries {
  train: { step: Column; time: Column; loss: Column; lr: Column; gradNorm: Column; tokensPerSecond: Column; memoryBytes: Column };
  eval: { step: Column; valLoss: Column };
}

type TrainColumns = RunSeries['train'];

export function emptyRunSeries(capacity = 256): RunSeries {
  const c = () => new Column(capacity);
  return {
    train: { step: c(), time: c(), loss: c(), lr: c(), gradNorm: c(), tokensPerSecond: c(), memoryBytes: c() },
    eval: { step: c(), valLoss: c() },
  };
}

/** Columns filled from `runs.get`'s metrics (the history so far). */
export function runSeriesFrom(metrics: RunMetrics): RunSeries {
  const series = emptyRunSeries(Math.max(256, metrics.train.step.length * 2));
  const t = metrics.train;
  for (let i = 0; i < t.step.length; i++) {
    appendTrainPoint(series, {
      step: t.step[i] as number,
      time: t.time[i] as number,
      loss: t.loss[i] ?? null,
      lr: t.lr[i] as number,
      gradNorm: t.gradNorm[i] ?? null,
      tokensPerSecond: t.tokensPerSecond[i] as number,
      memoryBytes: t.memoryBytes[i] ?? null,
    });
  }
  for (let i = 0; i < metrics.eval.step.length; i++) {
    appendEvalPoint(series, { step: metrics.eval.step[i] as number, valLoss: metrics.eval.valLoss[i] ?? null });
  }
  return series;
}

/**
 * Appends a step. A step at or before the last one means the run went back to a checkpoint
 * (or the event was already in the loaded history): what follows that step is dropped first,
 * so the curve shows what the run did from there on.
 */
export function appendTrainPoint(series: RunSeries, point: TrainPoint): void {
  const columns = series.train;
  rewindTo(columns.step, Object.values(columns), point.step);
  columns.step.push(point.step);
  columns.time.push(point.time);
  columns.loss.push(point.loss);
  columns.lr.push(point.lr);
  columns.gradNorm.push(point.gradNorm);
  columns.tokensPerSecond.push(point.tokensPerSecond);
  columns.memoryBytes.push(point.memoryBytes);
}

export function appendEvalPoint(series: RunSeries, point: EvalPoint): void {
  rewindTo(series.eval.step, [series.eval.step, series.eval.valLoss], point.step);
  series.eval.step.push(point.step);
  series.eval.valLoss.push(point.valLoss);
}

/** Cuts every column back to the points before `step` (steps ascend, so binary search). */
function rewindTo(steps: Column, columns: Column[], step: number): void {
  const last = steps.last();
  if (last === null || step > last) return;
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((steps.data[mid] as number) < step) lo = mid + 1;
    else hi = mid;
  }
  for (const column of columns) column.truncate(lo);
}

/** The latest train point's value of one column, or null. */
export function latestTrainValue(series: RunSeries, key: keyof TrainColumns): number | null {
  const value = series.train[key].last();
  return value === null || Number.isNaN(value) ? null : value;
}

import { describe, expect, it } from 'vitest';
import { createFrameBatch } from '../../../src-renderer/src/store/runs/frame-batch';
import { appendEvalPoint, appendTrainPoint, Column, emptyRunSeries, latestTrainValue, runSeriesFrom } from '../../../src-renderer/src/store/runs/run-series';
import { runDetail } from './run-fixtures';

const point = (step: number, loss: number | null = 1) => ({ step, time: step, loss, lr: 1e-3, gradNorm: null, tokensPerSecond: 100, memoryBytes: null });

describe('run metric columns', () => {
  it('appends in place, growing by doubling, so 100,000 points cost a handful of copies', () => {
    const column = new Column(4);
    let grows = 0;
    let buffer = column.data;
    for (let i = 0; i < 100_000; i++) {
      column.push(i);
      if (column.data !== buffer) {
        grows += 1;
        buffer = column.data;
      }
    }
    expect(column.length).toBe(100_000);
    expect(column.data[99_999]).toBe(99_999);
    expect(grows).toBe(Math.ceil(Math.log2(100_000 / 4)));
  });

  it('stores missing values as NaN and reads the latest back as null', () => {
    const series = emptyRunSeries(2);
    appendTrainPoint(series, point(1, null));
    expect(Number.isNaN(series.train.loss.data[0])).toBe(true);
    expect(latestTrainValue(series, 'loss')).toBeNull();
    expect(latestTrainValue(series, 'lr')).toBe(1e-3);
  });

  it('rewinds when a resumed run reports steps it already reported (back to its checkpoint)', () => {
    const series = emptyRunSeries(2);
    for (let step = 1; step <= 10; step++) appendTrainPoint(series, point(step, step));
    appendTrainPoint(series, point(7, 70));
    expect(series.train.step.length).toBe(7);
    expect(Array.from(series.train.step.data.subarray(0, 7))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(series.train.loss.data[6]).toBe(70);
    // Every column stays the same length.
    for (const column of Object.values(series.train)) expect(column.length).toBe(7);
    appendEvalPoint(series, { step: 5, valLoss: 2 });
    appendEvalPoint(series, { step: 5, valLoss: 3 });
    expect(series.eval.step.length).toBe(1);
    expect(series.eval.valLoss.data[0]).toBe(3);
  });

  it('loads the history from runs.get', () => {
    const series = runSeriesFrom(runDetail('r', 30).metrics);
    expect(series.train.step.length).toBe(30);
    expect(series.train.loss.data[9]).toBe(1);
    expect(Number.isNaN(series.train.gradNorm.data[0])).toBe(true);
  });
});

describe('frame batching', () => {
  it('hands over everything that arrived before the frame, in one call, and asks for one frame at a time', () => {
    const frames: (() => void)[] = [];
    const flushed: number[][] = [];
    const batch = createFrameBatch<number>((callback) => frames.push(callback), (items) => flushed.push(items));
    batch.add(1);
    batch.add(2);
    batch.add(3);
    expect(frames).toHaveLength(1);
    expect(flushed).toEqual([]);
    frames[0]?.();
    expect(flushed).toEqual([[1, 2, 3]]);
    batch.add(4);
    batch.flushNow();
    expect(flushed).toEqual([[1, 2, 3], [4]]);
    // The frame asked for item 4 finds nothing left and does not flush an empty batch.
    frames[1]?.();
    expect(flushed).toHaveLength(2);
  });
});

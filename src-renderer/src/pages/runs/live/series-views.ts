/**
 * The live view's chart series, read straight from a run's columns (no copies) and from the
 * hardware sampler's usage samples.
 */
import type { UsageSample } from '../../../../../src-main/contract';
import type { SeriesView } from '../../../components/charts/downsample';
import type { Column, RunSeries } from '../../../store/runs/run-series';

export function trainView(series: RunSeries, column: Column): SeriesView {
  return { x: series.train.step.data, y: column.data, length: Math.min(series.train.step.length, column.length) };
}

export function valLossView(series: RunSeries): SeriesView {
  return { x: series.eval.step.data, y: series.eval.valLoss.data, length: series.eval.step.length };
}

/** Utilization over time, in seconds since the first sample. */
export function usageView(samples: readonly UsageSample[], read: (sample: UsageSample) => number | null): SeriesView {
  const first = samples[0]?.at ?? 0;
  return {
    x: samples.map((s) => (s.at - first) / 1000),
    y: samples.map((s) => read(s) ?? Number.NaN),
    length: samples.length,
  };
}

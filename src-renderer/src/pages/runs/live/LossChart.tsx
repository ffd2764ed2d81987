/** Train loss (raw, and smoothed with a weight the person sets) with validation loss on the same axes. */
import { Group, Slider, Stack, Text } from '@mantine/core';
import { useMemo, useState } from 'react';
import { emaSmooth } from '../../../components/charts/ema';
import type { ChartSeries } from '../../../components/charts/line-chart-geometry';
import { LineChart } from '../../../components/charts/LineChart';
import type { RunSeries } from '../../../store/runs';
import { trainView, valLossView } from './series-views';

/** TensorBoard's default: smooth enough to see the trend, close enough to follow a change. */
const DEFAULT_SMOOTHING = 0.6;

export function LossChart({ series, revision }: { series: RunSeries; revision: number }) {
  const [weight, setWeight] = useState(DEFAULT_SMOOTHING);
  const lines = useMemo((): ChartSeries[] => {
    const loss = series.train.loss;
    const smoothed = emaSmooth(loss.data, loss.length, weight);
    return [
      { key: 'raw', label: 'Train loss', color: 'blue', data: trainView(series, loss), faint: weight > 0 },
      ...(weight > 0 ? [{ key: 'smoothed', label: `Train loss, smoothed (${weight.toFixed(2)})`, color: 'blue', data: { x: series.train.step.data, y: smoothed, length: loss.length } }] : []),
      { key: 'val', label: 'Validation loss', color: 'orange', data: valLossView(series), dots: true },
    ];
    // `revision` stands for the columns' contents, which change in place.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [series, revision, weight]);

  return (
    <Stack gap={4}>
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm" fw={500}>
          Loss
        </Text>
        <Group gap="xs" wrap="nowrap" w={260}>
          <Text size="xs" c="dimmed" component="label" htmlFor="loss-smoothing" style={{ whiteSpace: 'nowrap' }}>
            Smoothing
          </Text>
          <Slider
            id="loss-smoothing"
            flex={1}
            min={0}
            max={0.99}
            step={0.01}
            value={weight}
            onChange={setWeight}
            label={(value) => value.toFixed(2)}
            thumbLabel="Loss smoothing weight"
            data-testid="loss-smoothing"
          />
        </Group>
      </Group>
      <LineChart series={lines} revision={revision} label="Train and validation loss by step" legend testId="chart-loss" height={220} />
    </Stack>
  );
}

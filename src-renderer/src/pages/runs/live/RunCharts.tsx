/** Every chart of the live view: loss, then learning rate, grad norm, speed, memory and the machine's load. */
import { SimpleGrid, Stack, Text } from '@mantine/core';
import { useEffect, useMemo } from 'react';
import type { ChartSeries } from '../../../components/charts/line-chart-geometry';
import { LineChart } from '../../../components/charts/LineChart';
import { formatBytes } from '../../../format/bytes';
import { selectSeriesOf, selectSeriesRevisionOf, useRunsStore, type RunSeries } from '../../../store/runs';
import { selectStartUsageWatch, selectStopUsageWatch, selectUsageSamples, selectWatching, useSystemStore } from '../../../store/system';
import { LossChart } from './LossChart';
import { trainView, usageView } from './series-views';

export function RunCharts({ runId, live }: { runId: string; live: boolean }) {
  const selectSeries = useMemo(() => selectSeriesOf(runId), [runId]);
  const selectRevision = useMemo(() => selectSeriesRevisionOf(runId), [runId]);
  const series = useRunsStore(selectSeries);
  const revision = useRunsStore(selectRevision);
  if (series === null) return null;
  return (
    <Stack gap="lg">
      <LossChart series={series} revision={revision} />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <MetricChart title="Learning rate" series={series} revision={revision} column="lr" color="grape" testId="chart-lr" formatY={(v) => v.toExponential(1)} />
        <MetricChart title="Grad norm" series={series} revision={revision} column="gradNorm" color="teal" testId="chart-grad-norm" />
        <MetricChart title="Tokens per second" series={series} revision={revision} column="tokensPerSecond" color="cyan" testId="chart-tokens" yFloor={0} />
        <MetricChart title="Device memory" series={series} revision={revision} column="memoryBytes" color="violet" testId="chart-memory" yFloor={0} formatY={formatBytes} />
      </SimpleGrid>
      {live && <UtilizationChart />}
    </Stack>
  );
}

interface MetricChartProps {
  title: string;
  series: RunSeries;
  revision: number;
  column: 'lr' | 'gradNorm' | 'tokensPerSecond' | 'memoryBytes';
  color: string;
  testId: string;
  yFloor?: number;
  formatY?: (value: number) => string;
}

function MetricChart({ title, series, revision, column, color, testId, yFloor, formatY }: MetricChartProps) {
  const lines = useMemo(
    (): ChartSeries[] => [{ key: column, label: title, color, data: trainView(series, series.train[column]) }],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [series, revision, column, title, color],
  );
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        {title}
      </Text>
      <LineChart series={lines} revision={revision} label={`${title} by step`} height={150} yFloor={yFloor} formatY={formatY} testId={testId} />
    </Stack>
  );
}

/** CPU and GPU load from the hardware sampler while the run is shown. */
function UtilizationChart() {
  const startUsageWatch = useSystemStore(selectStartUsageWatch);
  const stopUsageWatch = useSystemStore(selectStopUsageWatch);
  const samples = useSystemStore(selectUsageSamples);
  const watching = useSystemStore(selectWatching);
  useEffect(() => {
    startUsageWatch(1000);
    return () => stopUsageWatch();
  }, [startUsageWatch, stopUsageWatch]);
  const lines = useMemo((): ChartSeries[] => {
    const out: ChartSeries[] = [{ key: 'cpu', label: 'CPU %', color: 'blue', data: usageView(samples, (s) => s.cpuPercent) }];
    const gpus = samples.at(-1)?.gpus ?? [];
    for (const gpu of gpus) {
      out.push({ key: `gpu${gpu.index}`, label: `GPU ${gpu.index} %`, color: 'green', data: usageView(samples, (s) => s.gpus.find((g) => g.index === gpu.index)?.utilizationPercent ?? null) });
    }
    return out;
  }, [samples]);
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        Utilization {watching ? '' : '(not sampling)'}
      </Text>
      <LineChart series={lines} revision={samples.length} label="CPU and GPU utilization over the last two minutes" height={140} yFloor={0} legend testId="chart-utilization" />
    </Stack>
  );
}

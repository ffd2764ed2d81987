/** Two or more runs side by side: their loss curves overlaid (one colour each) and the settings that differ. */
import { Card, Stack, Table, Text } from '@mantine/core';
import { useMemo } from 'react';
import type { RunEntry } from '../../../../../src-main/contract';
import { RUN_SETTING_HELP } from '../../../../../src-main/contract';
import { CardHeading } from '../../../components/CardHeading';
import { emaSmooth } from '../../../components/charts/ema';
import type { ChartSeries } from '../../../components/charts/line-chart-geometry';
import { LineChart } from '../../../components/charts/LineChart';
import { selectAllSeries, selectSeriesRevisions, useRunsStore } from '../../../store/runs';
import { configDiff } from '../../../store/runs/config-diff';
import { valLossView } from '../live/series-views';

const PALETTE = ['blue', 'orange', 'green', 'grape', 'red', 'teal', 'yellow', 'pink', 'cyan', 'lime'] as const;
/** The same light smoothing for every run, so their curves compare fairly. */
const COMPARE_SMOOTHING = 0.6;

const ROW_LABEL: Record<string, string> = { model: 'Model', dataset: 'Dataset', preset: 'Preset' };

export function CompareCard({ runs }: { runs: readonly RunEntry[] }) {
  const allSeries = useRunsStore(selectAllSeries);
  const revisions = useRunsStore(selectSeriesRevisions);
  const revision = runs.reduce((sum, run) => sum + (revisions[run.id] ?? 0), 0);

  const lines = useMemo((): ChartSeries[] => {
    const out: ChartSeries[] = [];
    runs.forEach((run, i) => {
      const series = allSeries[run.id];
      if (series === undefined) return;
      const color = PALETTE[i % PALETTE.length] as string;
      const loss = series.train.loss;
      out.push({ key: `${run.id}-train`, label: `${i + 1}. ${run.name} · train`, color, data: { x: series.train.step.data, y: emaSmooth(loss.data, loss.length, COMPARE_SMOOTHING), length: loss.length } });
      if (series.eval.step.length > 0) out.push({ key: `${run.id}-val`, label: `${i + 1}. validation`, color, data: valLossView(series), dots: true, faint: true });
    });
    return out;
    // `revision` stands for the columns' contents, which change in place.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [runs, allSeries, revision]);
  const diff = useMemo(() => configDiff(runs), [runs]);

  return (
    <Card withBorder radius="md" padding="lg" data-testid="runs-compare">
      <CardHeading title={`Compare ${runs.length} runs`} />
      <Stack gap="lg">
        <LineChart series={lines} revision={revision} label={`Loss of ${runs.map((r) => r.name).join(', ')}`} legend height={240} testId="chart-compare-loss" />
        <div>
          <Text size="sm" fw={500} mb={4}>
            Settings that differ
          </Text>
          {diff.length === 0 ? (
            <Text size="sm" c="dimmed" data-testid="runs-diff-none">
              These runs used the same model, dataset and settings.
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={400}>
              <Table data-testid="runs-diff" verticalSpacing={4} tabularNums>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Setting</Table.Th>
                    {runs.map((run, i) => (
                      <Table.Th key={run.id} c={`${PALETTE[i % PALETTE.length]}.6`}>
                        {/* Numbered as in the legend: runs of the same model and dataset share a name. */}
                        {i + 1}. {run.name}
                      </Table.Th>
                    ))}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {diff.map((row) => (
                    <Table.Tr key={row.key} data-testid="runs-diff-row" data-setting={row.key}>
                      <Table.Td>{ROW_LABEL[row.key] ?? RUN_SETTING_HELP[row.key]?.label ?? row.key}</Table.Td>
                      {row.values.map((value, i) => (
                        <Table.Td key={runs[i]?.id ?? i}>{value}</Table.Td>
                      ))}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </div>
      </Stack>
    </Card>
  );
}
